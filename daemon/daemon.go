// Package daemon is rsguard's composition root: it loads the config, runs
// the route server, the IRR refresher and the control API, and implements
// the API's Backend on top of them. It holds no BGP logic of its own.
package daemon

import (
	"context"
	"fmt"
	"os"
	"sync"

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
	irr  irrService // nil when no peer uses IRR data
	// metrics serves [metrics] listen (metrics.go).
	metrics *metricsEndpoint

	reloadMu sync.Mutex // one reload at a time
	ready    chan struct{}
	socket   string
}

// Ready is closed once BGP and the control API are up.
func (d *Daemon) Ready() <-chan struct{} { return d.ready }

// SocketPath is the control API's unix socket (valid after Ready).
func (d *Daemon) SocketPath() string { return d.socket }

// New prepares a daemon for the config loaded from path.
func New(path string, cfg *config.Config, log *logrus.Logger) (*Daemon, error) {
	d := &Daemon{path: path, log: log, hub: apiserver.NewEventHub(4096), ready: make(chan struct{})}
	d.warnConfig(cfg)
	irr, err := newIRRService(cfg, log, d.publishIRR)
	if err != nil {
		return nil, err
	}
	d.irr = irr
	d.metrics = newMetricsEndpoint(d)
	opts := routeserver.Options{Logger: log, OnEvent: d.onEvent,
		WantRejections: func() bool { return d.hub.Subscribers() > 0 }}
	if irr != nil {
		opts.InitialFilter = irr.InitialFilter
	}
	d.rs = routeserver.New(cfg, opts)
	if irr != nil {
		irr.Attach(d.rs)
	}
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
	api := apiserver.NewServer(d, apiserver.WithLogger(logrus.NewEntry(d.log)), apiserver.WithCallObserver(d.observeAPICall))
	listening, err := api.Listen(apiserver.ListenConfig{Socket: cfg.API.Socket, TCPAddr: cfg.API.Listen,
		TLSCertFile: cfg.API.TLSCert, TLSKeyFile: cfg.API.TLSKey, TokenFile: cfg.API.TokenFile})
	if err != nil {
		return fmt.Errorf("control API: %w", err)
	}
	apiErr := make(chan error, 1)
	go func() { apiErr <- listening.Serve(ctx) }()
	d.socket = listening.SocketPath()
	if err := d.applyMetrics(cfg); err != nil {
		listening.Close()
		return err
	}
	defer d.stopMetrics()
	close(d.ready)
	var wg sync.WaitGroup
	if d.irr != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.irr.Run(ctx)
		}()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-apiErr:
	}
	listening.Close()
	wg.Wait()
	d.log.Info("shutting down: closing every session with a Cease notification")
	return runErr
}
