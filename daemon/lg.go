package daemon

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/lg"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// lgService runs the looking glass ([lg]) on top of the daemon's read side:
// peer status and the route store, never GoBGP. Kept in this one file with
// one start (startLG) and one apply (applyLG) so the daemon's start and
// reload paths call it in one line each.
type lgService struct {
	d       *Daemon
	log     *logrus.Entry
	started time.Time
	reconf  atomic.Int64 // unix nanos of the last applied reload, 0 = none

	mu      sync.Mutex // serializes apply and stop
	cfg     config.LG
	handler atomic.Pointer[lg.Handler]
	srv     *http.Server
	addr    net.Addr // bound address, nil when off
}

// LGAddr is the looking glass's bound address, nil when [lg] listen is
// unset (tests listen on port 0).
func (d *Daemon) LGAddr() net.Addr {
	if d.lg == nil {
		return nil
	}
	d.lg.mu.Lock()
	defer d.lg.mu.Unlock()
	return d.lg.addr
}

// startLG starts the looking glass if the running config enables it; the
// returned stop closes it. A listen address that cannot be bound fails the
// start, as the control API's does. It holds the reload lock so a SIGHUP
// reload that comes early either runs before (and startLG reads its
// config) or after (and sees d.lg).
func (d *Daemon) startLG() (stop func(), err error) {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	s := &lgService{d: d, log: logrus.NewEntry(d.log).WithField("component", "lg"), started: time.Now()}
	done, err := s.apply(d.rs.Config())
	if err != nil {
		return nil, err
	}
	done(true)
	d.lg = s
	return s.stop, nil
}

// applyLG readies cfg's [lg] for a reload, the same way as at start: a new
// listen address is bound now, so one in use refuses the reload before
// anything changes. done(true) switches over (options in place, the old
// listener closed, or the only one closed when listen is unset);
// done(false) drops what was readied.
func (d *Daemon) applyLG(cfg *config.Config) (done func(commit bool), err error) {
	if d.lg == nil {
		return func(bool) {}, nil
	}
	switchOver, err := d.lg.apply(cfg)
	if err != nil {
		return nil, err
	}
	return func(commit bool) {
		if commit {
			d.lg.reconf.Store(time.Now().UnixNano())
		}
		switchOver(commit)
	}, nil
}

func (s *lgService) apply(cfg *config.Config) (func(commit bool), error) {
	c := cfg.LG
	h := lg.NewHandler(lgBackend{s}, lg.Options{RSASN: cfg.Global.ASN, HonourWellKnown: cfg.Communities.HonourWellKnown, TTL: c.TTL, Timeout: c.Timeout,
		MaxConcurrent: c.MaxConcurrent, AllowFrom: slices.Clone(c.AllowFrom), Log: s.log})
	s.mu.Lock()
	same := c.Listen == s.cfg.Listen && (s.srv != nil) == (c.Listen != "")
	s.mu.Unlock()
	var ln net.Listener
	if !same && c.Listen != "" {
		var err error
		if ln, err = net.Listen("tcp", c.Listen); err != nil {
			return nil, fmt.Errorf("looking glass [lg] listen %s: %w", c.Listen, err)
		}
	}
	return func(commit bool) {
		if !commit {
			if ln != nil {
				ln.Close()
			}
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.handler.Store(h)
		if same {
			s.cfg = c
			return
		}
		var next *http.Server
		var addr net.Addr
		if ln != nil {
			next = lg.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s.handler.Load().ServeHTTP(w, r)
			}))
			addr = ln.Addr()
			go func() {
				if err := next.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					s.log.WithError(err).Error("looking glass stopped")
				}
			}()
			s.log.WithField("listen", addr.String()).Info("looking glass serving (read-only)")
		}
		if s.srv != nil {
			s.srv.Close() // in-flight lists end; Alice retries
			s.log.WithField("listen", s.cfg.Listen).Info("looking glass closed its old listener")
		}
		s.srv, s.addr, s.cfg = next, addr, c
	}, nil
}

func (s *lgService) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv, s.addr = nil, nil
	}
}

// lgBackend is the daemon's read side as the looking glass sees it.
type lgBackend struct{ s *lgService }

func (b lgBackend) Status() lg.Status {
	cfg := b.s.d.rs.Config()
	st := lg.Status{RouterID: cfg.Global.RouterID, ASN: cfg.Global.ASN, Version: "rsguard " + buildVersion(), Started: b.s.started}
	if n := b.s.reconf.Load(); n != 0 {
		st.LastReconfig = time.Unix(0, n)
	}
	return st
}

func (b lgBackend) Neighbors() []lg.Neighbor {
	peers := b.s.d.rs.Peers()
	out := make([]lg.Neighbor, 0, len(peers))
	for _, p := range peers {
		out = append(out, lg.Neighbor{Name: p.Name, Description: p.Description, Address: p.Address, ASN: p.ASN,
			State: p.State, Since: p.Since, Disabled: p.Disabled, LastError: p.LastError, Counts: p.Counts})
	}
	return out
}

func (b lgBackend) Routes(q routestore.Query, fn func(routestore.Entry) bool) {
	b.s.d.rs.Store().List(q, fn)
}

// buildVersion is the module version the binary was built from.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(unknown)"
}
