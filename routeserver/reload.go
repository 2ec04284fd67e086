package routeserver

import (
	"context"
	"fmt"
	"reflect"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

// ErrNeedsRestart marks a config change that cannot be applied live.
var ErrNeedsRestart = fmt.Errorf("needs a restart")

// FilterSource gives a peer's complete allowed list and origin set for a
// (new) peer config: static prefixes plus IRR data. nil origins keep the
// default (empty set for as_set peers, none otherwise).
type FilterSource func(config.Peer) ([]filters.PrefixRange, *filters.OriginSet)

// ApplyConfig moves the running server to next, which must already be
// validated, following PlanReload(running, next): a plan that needs a
// restart is refused before anything is touched, so a refused reload keeps
// the old config entirely. Otherwise peers are removed, re-created (a
// session key changed) or added, [dampening] and [filters] are applied to
// the running engine and policy, and peers whose filter, max-prefix limits
// or dampening mode changed are updated under their running session. It
// returns the plan's lines, which `config check` prints too.
func (s *Server) ApplyConfig(ctx context.Context, next *config.Config, src FilterSource) ([]string, error) {
	s.mu.RLock()
	old := s.cfg
	oldSettings := s.settings
	s.mu.RUnlock()
	plan := PlanReload(old, next)
	if err := plan.Refused(); err != nil {
		return nil, err
	}
	changes := plan.Lines()
	for _, pc := range plan.Peers {
		if pc.Kind == PeerRemoved || pc.Kind == PeerReset {
			if err := s.removePeer(ctx, pc.Name); err != nil {
				return changes, err
			}
		}
	}
	newSettings := settingsFor(next)
	newSettings.RPKI = oldSettings.RPKI // the validator follows [rpki] (applyRPKI below), not [filters]
	s.mu.Lock()
	s.cfg = next
	s.settings = newSettings
	s.mu.Unlock()
	if !reflect.DeepEqual(old.RPKI, next.RPKI) {
		if err := s.applyRPKI(ctx, next.RPKI); err != nil {
			return changes, err
		}
	}
	if plan.Changes("[dampening]") {
		if err := s.applyDampeningConfig(next.Dampening); err != nil {
			return changes, err
		}
	}
	if plan.Changes("[filters]") {
		if err := s.applyFiltersConfig(ctx, &oldSettings, &newSettings); err != nil {
			return changes, err
		}
	}
	for _, pc := range plan.Peers {
		np, _ := next.Peer(pc.Name)
		switch pc.Kind {
		case PeerAdded, PeerReset:
			if err := s.addConfiguredPeer(ctx, *np, src); err != nil {
				return changes, err
			}
		case PeerUpdated:
			if err := s.updatePeer(ctx, pc, *np, src); err != nil {
				return changes, err
			}
		}
	}
	if plan.Changes("[filters]") || plan.Changes("[dampening]") {
		// Every stored verdict may have changed; the soft resets (coalesced)
		// re-evaluate what GoBGP holds.
		for _, pc := range next.Peers {
			s.store.ReevaluateBecause(routestore.CauseReload, pc.Name, s.evaluator())
			s.resets.schedule(pc.Name)
		}
	}
	s.syncROARouteObjects(ctx) // new peers get their ROA route objects
	if err := s.applyMonitoring(old, next); err != nil {
		return changes, err
	}
	return changes, nil
}

// addConfiguredPeer builds a peer from config and starts it.
func (s *Server) addConfiguredPeer(ctx context.Context, pc config.Peer, src FilterSource) error {
	p := newPeer(pc)
	in := peerInput(s.Config(), pc, src)
	if s.damp != nil {
		s.setPeerDampMode(pc)
		if s.damp.PeerMode(pc.Name) != dampening.ModeOff {
			in.Dampened = s.dampedCheck(pc.Name)
		}
	}
	p.setInitialInput(in)
	s.mu.Lock()
	s.peers[pc.Name] = p
	s.byAddr[pc.Address] = p
	s.mu.Unlock()
	return s.addPeer(ctx, p)
}

// removePeer ends the session (Cease), then deletes its policy and sets.
func (s *Server) removePeer(ctx context.Context, name string) error {
	s.mu.Lock()
	p := s.peers[name]
	if p == nil {
		s.mu.Unlock()
		return nil
	}
	delete(s.peers, name)
	if s.byAddr[p.cfg.Address] == p {
		delete(s.byAddr, p.cfg.Address)
	}
	s.mu.Unlock()
	if err := s.bgp.DeletePeer(ctx, &api.DeletePeerRequest{Address: p.cfg.Address.String()}); err != nil {
		return fmt.Errorf("peer %s: delete: %w", name, err)
	}
	n := filters.SetNames(name)
	if err := s.bgp.DeletePolicy(ctx, &api.DeletePolicyRequest{Policy: &api.Policy{Name: n.Policy}, All: true}); err != nil {
		s.peerLog(p).WithError(err).Warn("deleting the peer's policy")
	}
	for _, set := range []struct {
		t    api.DefinedType
		name string
	}{{api.DefinedType_PREFIX, n.Allow4}, {api.DefinedType_PREFIX, n.Allow6}, {api.DefinedType_PREFIX, n.Damp4},
		{api.DefinedType_PREFIX, n.Damp6}, {api.DefinedType_PREFIX, n.Block4}, {api.DefinedType_PREFIX, n.Block6},
		{api.DefinedType_AS_PATH, n.First}, {api.DefinedType_AS_PATH, n.Origins}} {
		_ = s.bgp.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: &api.DefinedSet{DefinedType: set.t, Name: set.name}, All: true})
	}
	s.deletePeerListPolicy(ctx, p.input.Load())
	s.deleteActionSets(ctx, name)
	if err := removeExport(ctx, s.bgp, exportSettings(s.Config()), name, p.cfg.ASN); err != nil {
		s.peerLog(p).WithError(err).Warn("deleting the peer's export policy")
	}
	p.limiter.cancelRestart()
	s.adjIn.detach(name)
	s.store.DropPeer(name)
	s.rpki.base.Delete(name)
	if s.damp != nil {
		s.damp.ClearPeer(name)
	}
	s.emit(Event{Kind: EventPeerState, Time: time.Now(), Peer: name, OldState: p.state, NewState: "REMOVED"})
	return nil
}

// Config returns the config in force.
func (s *Server) Config() *config.Config {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cfg
}
