package routeserver

import (
	"context"
	"fmt"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// peerInput is the evaluator's view of a peer built from its config and
// the filter source (IRR data), the same at start (New), when a reload
// adds a peer and when it changes one's filter: static prefixes, an empty
// origin set for an as_set peer without IRR data yet (default deny), its
// addresses and resolved next-hop policy.
func peerInput(cfg *config.Config, pc config.Peer, src FilterSource) *filters.Peer {
	in := filterInput(pc)
	withAddressing(cfg, pc, in)
	if src != nil {
		allowed, origins := src(pc)
		if allowed != nil {
			in.Allowed = filters.NewPrefixList(allowed)
		}
		if origins != nil && pc.ASSet != "" {
			in.Origins = origins.With(pc.AllowedOrigins, allowedOriginsLabel)
		}
	}
	return in
}

// The live half of a reload: what a fresh start builds from the config,
// applied to the running server without touching sessions. Each function
// leaves the server as Start would have built it for the new config.

// setPeerDampMode gives the engine the peer's own mode, or the default one,
// exactly as Start does, and returns the enforcement changes.
func (s *Server) setPeerDampMode(pc config.Peer) []dampening.Transition {
	if pc.Dampening == "" {
		return s.damp.UnsetMode(pc.Name)
	}
	m, err := dampening.ParseMode(pc.Dampening)
	if err != nil { // validated by config; keep the running mode
		s.log.WithError(err).WithField("peer", pc.Name).Error("dampening mode")
		return nil
	}
	return s.damp.SetMode(pc.Name, m)
}

// enforceDampTransitions writes the suppressions and releases a mode change
// caused: damp sets, stored verdicts and a soft reset in.
func (s *Server) enforceDampTransitions(ts []dampening.Transition) {
	if len(ts) == 0 {
		return
	}
	b := newDampBatch()
	for _, t := range ts {
		b.add(t, true)
	}
	s.applyDamp(b)
}

// syncDampenedCheck gives a peer's evaluator input the dampening check
// when its mode is not off, as Start does.
func (s *Server) syncDampenedCheck(name string) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	p := s.peers[name]
	s.mu.RUnlock()
	if p == nil {
		return
	}
	in := *p.input.Load()
	in.Dampened = nil
	if s.damp.PeerMode(name) != dampening.ModeOff {
		in.Dampened = s.dampedCheck(name)
	}
	p.input.Store(&in)
}

// applyDampeningConfig switches the running engine to a new [dampening]
// table: parameters, then the default mode (with the suppressions and
// releases that causes).
func (s *Server) applyDampeningConfig(d config.Dampening) error {
	mode, err := dampening.ParseMode(d.Mode)
	if err != nil {
		return fmt.Errorf("[dampening] mode: %w", err)
	}
	if err := s.damp.SetParams(d.Params()); err != nil {
		return fmt.Errorf("[dampening]: %w", err)
	}
	s.enforceDampTransitions(s.damp.SetDefaultMode(mode))
	s.mu.RLock()
	names := make([]string, 0, len(s.peers))
	for n := range s.peers {
		names = append(names, n)
	}
	s.mu.RUnlock()
	for _, n := range names {
		s.syncDampenedCheck(n)
	}
	s.log.WithField("mode", mode).Info("dampening: new [dampening] applied")
	return nil
}

// applyFiltersConfig recompiles the common policy and every peer's policy
// for new [filters] settings and applies the differences in place.
func (s *Server) applyFiltersConfig(ctx context.Context, old, next *filters.Settings) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	a, d, err := applyCompiledDiff(ctx, s.bgp, s.compileCommonWith(old), s.compileCommonWith(next))
	if err != nil {
		return fmt.Errorf("[filters]: common policy: %w", err)
	}
	peers := s.peerList()
	for _, p := range peers {
		in := p.input.Load()
		pa, pd, err := applyCompiledDiff(ctx, s.bgp, s.compilePeerWith(old, p, in), s.compilePeerWith(next, p, in))
		if err != nil {
			return fmt.Errorf("[filters]: peer %s: %w", p.cfg.Name, err)
		}
		a, d = a+pa, d+pd
	}
	s.log.WithFields(logrus.Fields{"added": a, "deleted": d}).Info("[filters] applied to the live policy")
	return nil
}

// updatePeer applies a PeerUpdated change under the running session.
func (s *Server) updatePeer(ctx context.Context, pc PeerChange, np config.Peer, src FilterSource) error {
	s.mu.Lock()
	p := s.peers[np.Name]
	if p == nil {
		s.mu.Unlock()
		return fmt.Errorf("peer %s: %w", np.Name, ErrUnknownPeer)
	}
	p.setConfig(np)
	s.mu.Unlock()
	if pc.Limits {
		// max-prefix is counted by rsguard (maxprefix.go), not by the
		// session: new limits apply to the routes already held.
		s.reconfigureMaxPrefix(p, np)
	}
	if pc.Dampening && s.damp != nil {
		s.enforceDampTransitions(s.setPeerDampMode(np))
		s.syncDampenedCheck(np.Name)
		s.store.ReevaluateBecause(routestore.CauseReload, np.Name, s.evaluator())
	}
	if pc.Filter {
		fc, err := s.setPeerInput(ctx, p, np, src)
		if err != nil {
			return err
		}
		s.peerLog(p).WithFields(logrus.Fields{"added": fc.Added, "deleted": fc.Deleted,
			"verdict_changes": fc.VerdictChanges}).Info("reload: peer filter updated, session kept")
	}
	return nil
}

// setPeerInput moves a peer to the filter of its new config (static
// prefixes, as_set on or off, IRR data from src, its addresses and
// resolved next-hop policy) by diff on its live policy, as a fresh start
// would have compiled it.
func (s *Server) setPeerInput(ctx context.Context, p *peer, np config.Peer, src FilterSource) (FilterChange, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	settings, cfg := s.settings, s.cfg
	s.mu.RUnlock()
	cur := p.input.Load()
	fresh := peerInput(cfg, np, src)
	next := *cur // keeps the dampening and max-prefix hooks
	next.Allowed, next.Origins = fresh.Allowed, fresh.Origins
	// The new list is the peer's base (static + IRR) for ROAs as route
	// objects: recorded, so the VRP sync that follows the reload does not
	// put the old base back (the history showed a reload's verdict undone
	// by "rpki vrp change" at once).
	next.Allowed = filters.NewPrefixList(s.withROAs(fresh, fresh.Allowed.Ranges(), fresh.Origins))
	next.Addresses, next.Families, next.NextHop = fresh.Addresses, fresh.Families, fresh.NextHop
	next.Blacklist = fresh.Blacklist // block sets change by diff like the allow sets
	a, d, err := applyCompiledDiff(ctx, s.bgp, s.compilePeerWith(&settings, p, cur), s.compilePeerWith(&settings, p, &next))
	if err != nil {
		return FilterChange{}, fmt.Errorf("peer %s: filter: %w", np.Name, err)
	}
	p.input.Store(&next)
	fc := FilterChange{Added: a, Deleted: d}
	fc.VerdictChanges = s.store.ReevaluateBecause(routestore.CauseReload, np.Name, func(_ string, r filters.Route) filters.Verdict {
		return filters.Evaluate(r, &settings, &next)
	})
	if a+d > 0 {
		s.resets.schedule(np.Name)
	}
	return fc, nil
}
