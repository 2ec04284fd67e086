package routeserver

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gaissmai/bart"
	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/routestore"
	"github.com/rsguard/rsguard/rpki"
	"github.com/sirupsen/logrus"
)

// RPKI origin validation (RFC 6811). GoBGP has an RTR client but no API to
// load ROAs, and it must enforce at receive time so that an invalid route
// is never advertised, even briefly. So every VRP source (files, upstream
// RTR caches, SLURM) is merged by rpki.Manager into one set, served on an
// in-process RTR server on loopback, and GoBGP's own RTR client (AddRpki)
// fetches it into its ROA table; the rs-common policy rejects RpkiResult
// INVALID (filters.CompileCommon). The evaluator reads the same set (check
// 14). GoBGP does not re-validate stored routes when ROAs change, so after
// GoBGP confirms the new serial, the routes under the changed VRPs are
// re-evaluated in the store and their peers get a coalesced soft reset in.

// rpkiRuntime is the server's RPKI state. The manager exists from Start
// whether or not [rpki] is enabled, so a reload can turn it on.
type rpkiRuntime struct {
	mu     sync.Mutex // serialises applyRPKI
	mgr    *rpki.Manager
	srv    atomic.Pointer[rpki.Server]
	addr   netip.AddrPort // the loopback RTR server GoBGP connects to
	view   vrpView
	cancel context.CancelFunc
	// ROAs as route objects (rpki_routeobjects.go): each peer's own
	// allowed list (name -> []filters.PrefixRange), and whether the peers
	// are installed in GoBGP yet.
	base sync.Map
	live atomic.Bool
	// gobgpSeen: GoBGP's RTR client has connected (see waitGoBGPSerial).
	gobgpSeen atomic.Bool
}

// vrpView is the evaluator's RPKIValidator: the table GoBGP has too.
type vrpView struct{ t atomic.Pointer[rpki.Table] }

func (v *vrpView) table() *rpki.Table { return v.t.Load() }

// Validate implements filters.RPKIValidator.
func (v *vrpView) Validate(p netip.Prefix, origin uint32, hasOrigin bool) (rpki.State, []rpki.VRP) {
	return v.t.Load().Validate(p, origin, hasOrigin)
}

// rpkiInvalid is GoBGP's Conditions.RpkiResult for INVALID
// (oc.RpkiValidationResultTypeToIntMap).
const rpkiInvalid = 3

// gobgpSyncTimeout bounds the wait for GoBGP to fetch a new VRP serial.
const gobgpSyncTimeout = 10 * time.Second

func managerConfig(c config.RPKI) rpki.Config {
	return rpki.Config{Files: c.Files, RTR: c.RTR, SLURM: c.SLURM, StaleAfter: c.StaleAfter, Poll: c.Poll}
}

// startRPKI runs before the peers are added, so that with [rpki] enabled
// GoBGP holds the VRPs from files before the first UPDATE arrives.
func (s *Server) startRPKI(ctx context.Context) error {
	s.rpki.view.t.Store(rpki.NewTable(nil))
	s.rpki.mgr = rpki.NewManager(s.log.WithField("topic", "rpki"), s.onVRPChange)
	mctx, cancel := context.WithCancel(context.Background())
	s.rpki.cancel = cancel
	s.rpki.mgr.Start(mctx)
	if err := s.applyRPKI(ctx, s.cfg.RPKI); err != nil {
		return err
	}
	s.waitCachesSynced(startupSyncTimeout)
	return nil
}

// startupSyncTimeout bounds how long Start waits for the RTR caches: until
// they answer, routes they would make invalid are not-found, and would be
// advertised until the VRPs arrive.
const startupSyncTimeout = 15 * time.Second

// waitCachesSynced waits until every configured cache has delivered a
// complete set, then publishes it before the peers are added.
func (s *Server) waitCachesSynced(timeout time.Duration) {
	if len(s.cfg.RPKI.RTR) == 0 {
		return
	}
	deadline := time.Now().Add(timeout)
	for {
		waiting := []string{}
		for _, st := range s.rpki.mgr.Status() {
			if st.Kind == "rtr" && !st.Fresh {
				waiting = append(waiting, st.Name)
			}
		}
		if len(waiting) == 0 {
			s.rpki.mgr.Refresh()
			return
		}
		if time.Now().After(deadline) {
			s.log.WithField("caches", waiting).Warn("rpki: RTR caches not synced at start: their VRPs apply once they answer")
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) stopRPKI() {
	if s.rpki.cancel != nil {
		s.rpki.cancel()
	}
	if srv := s.rpki.srv.Load(); srv != nil {
		srv.Close()
	}
}

// applyRPKI moves to a new [rpki] section, at start and on reload: the
// manager keeps the state of sources that stay, connects new caches and
// forgets removed ones; the VRP change is then handled like any other.
func (s *Server) applyRPKI(ctx context.Context, c config.RPKI) error {
	s.rpki.mu.Lock()
	defer s.rpki.mu.Unlock()
	if c.Enabled() && s.rpki.srv.Load() == nil {
		if err := s.startRTRServer(ctx); err != nil {
			return err
		}
	}
	s.mu.Lock()
	wasOn := s.settings.RPKI != nil
	if c.Enabled() {
		s.settings.RPKI = &s.rpki.view
	}
	s.mu.Unlock()
	s.rpki.mgr.Configure(managerConfig(c))
	// The option may have changed without a VRP change.
	defer s.syncROARouteObjects(ctx)
	if c.Enabled() != wasOn {
		if !c.Enabled() {
			s.mu.Lock()
			s.settings.RPKI = nil
			s.mu.Unlock()
		}
		// Every stored route gets (or loses) its validation state; the
		// VRP change itself was handled by onVRPChange.
		s.store.ReevaluateBecause(routestore.CauseRPKI, "", s.evaluator())
		s.log.WithField("enabled", c.Enabled()).Info("rpki: origin validation switched")
	}
	return nil
}

// startRTRServer serves the merged set on a loopback port and points
// GoBGP's RTR client at it.
func (s *Server) startRTRServer(ctx context.Context) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("rpki: loopback RTR server: %w", err)
	}
	srv := rpki.NewServer()
	go func() { _ = srv.Serve(l) }()
	ap := l.Addr().(*net.TCPAddr).AddrPort()
	// Lifetime: how long GoBGP keeps ROAs of a disconnected cache. Ours is
	// in-process, so a disconnection is a bug: drop the ROAs soon.
	if err := s.bgp.AddRpki(ctx, &api.AddRpkiRequest{Address: ap.Addr().String(), Port: uint32(ap.Port()), Lifetime: 60}); err != nil {
		srv.Close()
		return fmt.Errorf("rpki: AddRpki %s: %w", ap, err)
	}
	s.rpki.addr = ap
	s.rpki.srv.Store(srv)
	s.log.WithField("rtr", ap.String()).Info("rpki: serving the VRP set to GoBGP")
	return nil
}

// onVRPChange runs for every new merged set, one at a time.
func (s *Server) onVRPChange(ch rpki.Change) {
	start := time.Now()
	l := s.log.WithFields(logrus.Fields{"topic": "rpki", "vrps": ch.Table.Len(), "changed": len(ch.Changed)})
	if srv := s.rpki.srv.Load(); srv != nil {
		serial, _ := srv.Update(ch.Table.Set())
		if err := s.waitGoBGPSerial(serial); err != nil {
			// Go on: the evaluator and the store must not lag as well.
			l.WithError(err).Error("rpki: GoBGP did not fetch the new VRPs in time")
		}
	}
	s.rpki.view.t.Store(ch.Table)
	var changed bart.Lite
	for _, v := range ch.Changed {
		changed.Insert(v.Prefix)
	}
	res := s.store.ReevaluateCovered(changed.LookupPrefix, s.evaluator())
	var routes, flips, verdicts int
	for peer, r := range res {
		routes += len(r.Keys)
		flips += r.InvalidFlips
		verdicts += r.VerdictChanges
		if r.InvalidFlips > 0 {
			s.resets.schedule(peer)
		}
	}
	if s.store.Dropped() > 0 {
		// The store is incomplete: it cannot say which peers hold
		// affected routes, so every peer re-evaluates.
		s.mu.RLock()
		for name := range s.peers {
			s.resets.schedule(name)
		}
		s.mu.RUnlock()
	}
	s.syncROARouteObjects(context.Background())
	l.WithFields(logrus.Fields{"routes_reevaluated": routes, "invalid_flips": flips, "verdict_changes": verdicts,
		"took": time.Since(start).Round(time.Millisecond)}).Info("rpki: VRP change applied")
}

// waitGoBGPSerial waits until GoBGP's RTR client has fetched serial.
func (s *Server) waitGoBGPSerial(serial uint32) error {
	deadline := time.Now().Add(gobgpSyncTimeout)
	if !s.rpki.gobgpSeen.Load() {
		// GoBGP v3.37's ListRpki reads the client's counters while the
		// goroutine that opens the RTR connection writes them (a data race
		// inside GoBGP). Ask only once GoBGP has been served a complete
		// response, and give its server loop a moment to take the first
		// PDUs, which orders those writes before our reads.
		srv := s.rpki.srv.Load()
		for srv.Served() == 0 {
			if time.Now().After(deadline) {
				return fmt.Errorf("GoBGP never fetched the VRPs from %s", s.rpki.addr)
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		s.rpki.gobgpSeen.Store(true)
	}
	for {
		got, err := s.gobgpRPKISerial()
		if err == nil && got == serial {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("GoBGP at serial %d, want %d", got, serial)
			}
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *Server) gobgpRPKISerial() (uint32, error) {
	var serial uint32
	found := false
	want := s.rpki.addr.Addr().String()
	port := strconv.Itoa(int(s.rpki.addr.Port()))
	err := s.bgp.ListRpki(context.Background(), &api.ListRpkiRequest{}, func(r *api.Rpki) {
		if r.Conf != nil && r.Conf.Address == want && strconv.Itoa(int(r.Conf.RemotePort)) == port && r.State != nil {
			serial, found = r.State.Serial, true
		}
	})
	if err == nil && !found {
		err = fmt.Errorf("GoBGP does not list the RTR server %s", s.rpki.addr)
	}
	return serial, err
}

// RPKIStatus is the VRP count and every source's state, for operators.
type RPKIStatus struct {
	Enabled bool
	VRPs    int
	Sources []rpki.SourceStatus
}

// RPKI reports the origin validation state.
func (s *Server) RPKI() RPKIStatus {
	s.mu.RLock()
	on := s.settings.RPKI != nil
	s.mu.RUnlock()
	st := RPKIStatus{Enabled: on, VRPs: s.rpki.view.table().Len()}
	if s.rpki.mgr != nil {
		st.Sources = s.rpki.mgr.Status()
	}
	return st
}
