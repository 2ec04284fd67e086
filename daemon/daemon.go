// Package daemon is rsguard's composition root: it loads the config, runs
// the route server, the IRR refresher and the control API, and implements
// the API's Backend on top of them. It holds no BGP logic of its own.
package daemon

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/sirupsen/logrus"
)

// Daemon is a running rsguard.
type Daemon struct {
	path string
	log  *logrus.Logger
	rs   *routeserver.Server
	hub  *apiserver.EventHub
	irr  *irrComponent
	lg   *lgService // looking glass (lg.go)
	// metrics serves [metrics] listen (metrics.go).
	metrics *metricsEndpoint

	reloadMu sync.Mutex                   // one reload at a time
	api      atomic.Pointer[apiComponent] // nil until Run serves the API
	ready    chan struct{}
}

// Ready is closed once BGP and the control API are up.
func (d *Daemon) Ready() <-chan struct{} { return d.ready }

// SocketPath is the control API's unix socket (valid after Ready).
func (d *Daemon) SocketPath() string { return d.api.Load().socketPath() }

// APITCPAddr is the control API's bound TCP address, "" without one
// (valid after Ready).
func (d *Daemon) APITCPAddr() string { return d.api.Load().tcpAddr() }

// New prepares a daemon for the config loaded from path.
func New(path string, cfg *config.Config, log *logrus.Logger) (*Daemon, error) {
	d := &Daemon{path: path, log: log, hub: apiserver.NewEventHub(4096), ready: make(chan struct{})}
	d.warnConfig(cfg)
	d.applyRuntime(cfg.Global, true) // runtime_tuning.go
	d.metrics = newMetricsEndpoint(d)
	d.irr = &irrComponent{build: func(c *config.Config) (irrService, error) { return newIRRService(c, log, d.publishIRR) }}
	irr, fresh, err := d.irr.prepare(cfg)
	if err != nil {
		return nil, err
	}
	opts := routeserver.Options{Logger: log, OnEvent: d.onEvent,
		WantRejections: func() bool { return d.hub.Subscribers() > 0 }}
	if irr != nil {
		opts.InitialFilter = irr.InitialFilter
	}
	d.rs = routeserver.New(cfg, opts)
	d.irr.commit(cfg, irr, fresh, d.rs) // started by Run
	return d, nil
}

// RouteServer is the running route server (for tests and the demo).
func (d *Daemon) RouteServer() *routeserver.Server { return d.rs }

// Run starts everything and blocks until ctx ends, then shuts down: the
// API first, then every BGP session with a Cease notification.
func (d *Daemon) Run(ctx context.Context) error {
	cfg := d.rs.Config()
	if err := os.MkdirAll(cfg.Global.StateDir, 0o750); err != nil {
		return fmt.Errorf("state_dir %s: %w", cfg.Global.StateDir, err)
	}
	if err := d.rs.Start(ctx); err != nil {
		return err
	}
	defer d.rs.Stop()
	stopLG, err := d.startLG()
	if err != nil {
		return err
	}
	defer stopLG()
	api := newAPIComponent(ctx, apiserver.NewServer(d, apiserver.WithLogger(logrus.NewEntry(d.log)),
		apiserver.WithCallObserver(d.observeAPICall)), d.log)
	prep, err := api.prepare(listenConfig(cfg))
	if err != nil {
		return fmt.Errorf("control API: %w", err)
	}
	mprep, err := d.metrics.prepare(cfg)
	if err != nil {
		prep.abort()
		return err
	}
	api.commit(prep)
	d.metrics.commit(mprep)
	defer d.metrics.close()
	d.reloadMu.Lock() // a reload applies [api] only once the API runs
	d.api.Store(api)
	d.reloadMu.Unlock()
	close(d.ready)
	d.irr.start(ctx)
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-api.errc:
	}
	api.close()
	d.irr.wait()
	d.log.Info("shutting down: closing every session with a Cease notification")
	return runErr
}
