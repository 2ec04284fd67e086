package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/metrics"
	"google.golang.org/grpc/codes"
)

// metricsEndpoint serves [metrics] listen. It is started like everything
// else and follows reloads through applyMetrics: one place decides what
// runs for a config, whether fresh or reloaded.
type metricsEndpoint struct {
	reg      *prometheus.Registry
	apiCalls *metrics.APICalls

	mu     sync.Mutex
	listen string
	srv    *http.Server
	addr   net.Addr
}

func newMetricsEndpoint(d *Daemon) *metricsEndpoint {
	m := &metricsEndpoint{reg: prometheus.NewRegistry(), apiCalls: metrics.NewAPICalls()}
	m.reg.MustRegister(metrics.NewCollector(d), m.apiCalls)
	return m
}

// observeAPICall counts a finished API call (nil-safe for tests that
// build a Daemon by hand).
func (d *Daemon) observeAPICall(method string, code codes.Code) {
	if d.metrics != nil {
		d.metrics.apiCalls.Observe(method, code)
	}
}

// applyMetrics makes the endpoint match cfg: started, moved or stopped.
// A new address that cannot be bound is an error and the old endpoint
// keeps serving.
func (d *Daemon) applyMetrics(cfg *config.Config) error {
	m := d.metrics
	m.mu.Lock()
	defer m.mu.Unlock()
	want := cfg.Metrics.Listen
	if want == m.listen {
		return nil
	}
	var ln net.Listener
	if want != "" {
		var err error
		if ln, err = net.Listen("tcp", want); err != nil {
			return fmt.Errorf("[metrics] listen %s: %w", want, err)
		}
	}
	m.stopLocked()
	m.listen = want
	if ln == nil {
		d.log.Info("metrics endpoint off")
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	m.addr = ln.Addr()
	srv := m.srv
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.WithError(err).Error("metrics endpoint stopped")
		}
	}()
	d.log.WithField("listen", m.addr.String()).Info("metrics endpoint serving /metrics")
	return nil
}

// stopMetrics closes the endpoint at shutdown.
func (d *Daemon) stopMetrics() {
	d.metrics.mu.Lock()
	defer d.metrics.mu.Unlock()
	d.metrics.stopLocked()
	d.metrics.listen = ""
}

func (m *metricsEndpoint) stopLocked() {
	if m.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = m.srv.Shutdown(ctx)
		m.srv, m.addr = nil, nil
	}
}

// MetricsAddr is where /metrics is served, nil when off (for tests).
func (d *Daemon) MetricsAddr() net.Addr {
	d.metrics.mu.Lock()
	defer d.metrics.mu.Unlock()
	return d.metrics.addr
}

// MetricsSnapshot reads what a scrape exports from the same read side as
// the API (ListPeers, IRRStatus), so metrics equal `rsctl peers --json`.
func (d *Daemon) MetricsSnapshot(ctx context.Context) (metrics.Snapshot, error) {
	var snap metrics.Snapshot
	var err error
	if snap.Peers, err = d.ListPeers(ctx); err != nil {
		return snap, err
	}
	if d.rs.Config().Metrics.Advertised {
		sessions, err := d.rs.Sessions(ctx, true)
		if err != nil {
			return snap, err
		}
		snap.Advertised = map[string]map[string]uint64{}
		for name, si := range sessions {
			snap.Advertised[name] = si.Advertised
		}
	}
	if snap.IRR, err = d.IRRStatus(ctx, ""); err != nil {
		return snap, err
	}
	st, err := d.RPKIStatus(ctx)
	if err != nil {
		return snap, err
	}
	snap.RPKI = &st
	return snap, nil
}
