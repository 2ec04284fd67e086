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
	"github.com/sirupsen/logrus"
	"google.golang.org/grpc/codes"
)

// metricsEndpoint serves [metrics] listen. Start and reload take the same
// two steps as the API's listeners (api_component.go): prepare binds a new
// address (so an address in use refuses the reload as a whole), commit
// serves it and closes the old one; an unchanged address is left alone.
type metricsEndpoint struct {
	reg      *prometheus.Registry
	apiCalls *metrics.APICalls
	log      *logrus.Logger

	mu     sync.Mutex
	listen string // in force
	srv    *http.Server
	addr   net.Addr
}

// metricsPrep is a prepared [metrics] change.
type metricsPrep struct {
	change bool
	listen string
	ln     net.Listener // nil: off, or unchanged
}

func newMetricsEndpoint(d *Daemon) *metricsEndpoint {
	m := &metricsEndpoint{reg: prometheus.NewRegistry(), apiCalls: metrics.NewAPICalls(), log: d.log}
	m.reg.MustRegister(metrics.NewCollector(d), m.apiCalls)
	return m
}

// observeAPICall counts a finished API call.
func (d *Daemon) observeAPICall(method string, code codes.Code) {
	d.metrics.apiCalls.Observe(method, code)
}

// prepare binds what cfg needs; nothing running changes.
func (m *metricsEndpoint) prepare(cfg *config.Config) (metricsPrep, error) {
	want := cfg.Metrics.Listen
	m.mu.Lock()
	cur := m.listen
	m.mu.Unlock()
	p := metricsPrep{change: want != cur, listen: want}
	if !p.change || want == "" {
		return p, nil
	}
	var err error
	if p.ln, err = net.Listen("tcp", want); err != nil {
		return metricsPrep{}, fmt.Errorf("[metrics] listen %s: %w", want, err)
	}
	return p, nil
}

// abort closes what prepare bound.
func (p metricsPrep) abort() {
	if p.ln != nil {
		p.ln.Close()
	}
}

// commit serves the prepared address and closes the old one.
func (m *metricsEndpoint) commit(p metricsPrep) {
	if !p.change {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopLocked()
	m.listen = p.listen
	if p.ln == nil {
		m.log.Info("metrics endpoint off")
		return
	}
	// a snapshot that cannot be read answers 500, so Prometheus marks the
	// target down rather than storing a partial scrape
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	m.addr = p.ln.Addr()
	srv, ln := m.srv, p.ln
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.WithError(err).Error("metrics endpoint stopped")
		}
	}()
	m.log.WithField("listen", m.addr.String()).Info("metrics endpoint serving /metrics")
}

// close stops the endpoint at shutdown.
func (m *metricsEndpoint) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopLocked()
	m.listen = ""
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
