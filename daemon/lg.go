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

// startLG starts the looking glass if cfg enables it; the returned stop
// closes it. A listen address that cannot be bound fails the start, as the
// control API's does.
func (d *Daemon) startLG(cfg *config.Config) (stop func(), err error) {
	s := &lgService{d: d, log: logrus.NewEntry(d.log).WithField("component", "lg"), started: time.Now()}
	d.lg = s
	if err := s.apply(cfg); err != nil {
		return nil, err
	}
	return s.stop, nil
}

// applyLG follows a reload: options change in place, a new listen address
// is bound before the old one is closed (so a bad one keeps the old), an
// unset one closes the listener.
func (d *Daemon) applyLG(cfg *config.Config) error {
	if d.lg == nil {
		return nil
	}
	d.lg.reconf.Store(time.Now().UnixNano())
	return d.lg.apply(cfg)
}

func (s *lgService) apply(cfg *config.Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := cfg.LG
	s.handler.Store(lg.NewHandler(lgBackend{s}, lg.Options{RSASN: cfg.Global.ASN, TTL: c.TTL, Timeout: c.Timeout,
		MaxConcurrent: c.MaxConcurrent, AllowFrom: slices.Clone(c.AllowFrom), Log: s.log}))
	if c.Listen == s.cfg.Listen && (s.srv != nil) == (c.Listen != "") {
		s.cfg = c
		return nil
	}
	var next *http.Server
	var addr net.Addr
	if c.Listen != "" {
		ln, err := net.Listen("tcp", c.Listen)
		if err != nil {
			return fmt.Errorf("looking glass [lg] listen %s: %w", c.Listen, err)
		}
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
	return nil
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
