package daemon

import (
	"context"
	"sync"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/irrsync"
	"github.com/rsguard/rsguard/routeserver"
)

// irrComponent owns the IRR refresher across reloads. A fresh start and a
// reload reach the same state through the same steps: the service exists
// exactly while some peer has an as_set, hands the route server its
// last-good data (InitialFilter) before the peers are configured, and is
// running (refreshing every as_set peer at once, then periodically) while
// the daemon runs.
type irrComponent struct {
	build func(*config.Config) (irrService, error)

	mu     sync.Mutex
	svc    irrService // nil while no peer has an as_set
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func usesIRR(cfg *config.Config) bool { return routeserver.UsesIRR(cfg) }

// get is the running service, nil when no peer uses IRR data.
func (c *irrComponent) get() irrService {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.svc
}

// prepare returns the service cfg needs: the running one, a new one not
// yet started (fresh), or nil. It changes nothing, so a reload that fails
// after it leaves the component as it was.
func (c *irrComponent) prepare(cfg *config.Config) (svc irrService, fresh bool, err error) {
	if !usesIRR(cfg) {
		return nil, false, nil
	}
	if cur := c.get(); cur != nil {
		return cur, false, nil
	}
	svc, err = c.build(cfg)
	return svc, svc != nil, err
}

// commit makes prepared the service in force for cfg, once the route
// server runs cfg: a fresh service is started, a running one reconfigured,
// one no longer needed stopped.
func (c *irrComponent) commit(cfg *config.Config, prepared irrService, fresh bool, rs irrsync.Applier) {
	c.mu.Lock()
	old, oldCancel, oldDone := c.svc, c.cancel, c.done
	switch {
	case prepared == nil:
		c.svc, c.cancel, c.done = nil, nil, nil
	case fresh:
		prepared.Attach(rs)
		c.svc, c.cancel, c.done = prepared, nil, nil
		c.startLocked()
	default:
		prepared.Reconfigure(cfg)
	}
	c.mu.Unlock()
	if old != nil && prepared == nil && oldCancel != nil {
		oldCancel()
		<-oldDone
	}
}

// start runs the service (if any) until ctx ends; services created by
// later reloads run under the same ctx.
func (c *irrComponent) start(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ctx = ctx
	c.startLocked()
}

func (c *irrComponent) startLocked() {
	if c.svc == nil || c.ctx == nil || c.done != nil {
		return
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	svc := c.svc
	go func() {
		defer close(done)
		svc.Run(ctx)
	}()
	c.cancel, c.done = cancel, done
}

// wait blocks until the running service (if any) has returned; call after
// the start ctx ended.
func (c *irrComponent) wait() {
	c.mu.Lock()
	done := c.done
	c.mu.Unlock()
	if done != nil {
		<-done
	}
}
