package routeserver

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
)

// ErrNeedsRestart marks a config change that cannot be applied live.
var ErrNeedsRestart = fmt.Errorf("needs a restart")

// FilterSource gives a peer's complete allowed list and origin set for a
// (new) peer config: static prefixes plus IRR data. nil origins keep the
// default (empty set for as_set peers, none otherwise).
type FilterSource func(config.Peer) ([]filters.PrefixRange, *filters.OriginSet)

// restartOnly reports the parts of a config that the running server
// cannot change in place.
func restartOnly(old, next *config.Config) []string {
	var out []string
	if !reflect.DeepEqual(old.Global, next.Global) {
		out = append(out, "[global]")
	}
	if !reflect.DeepEqual(old.Filters, next.Filters) {
		out = append(out, "[filters]")
	}
	if !reflect.DeepEqual(old.Dampening, next.Dampening) {
		out = append(out, "[dampening]")
	}
	return out
}

// sessionChanged: these keys live in the BGP session, so the peer is
// removed and added again (a password rotation resets the session anyway,
// notes §2).
func sessionChanged(a, b config.Peer) bool {
	return a.Address != b.Address || a.ASN != b.ASN || a.Password != b.Password || a.Passive != b.Passive ||
		a.Dampening != b.Dampening || (a.ASSet == "") != (b.ASSet == "")
}

func filterChanged(a, b config.Peer) bool {
	return !slices.Equal(a.Prefixes, b.Prefixes) || a.ASSet != b.ASSet ||
		a.IRRMaxLengthIPv4 != b.IRRMaxLengthIPv4 || a.IRRMaxLengthIPv6 != b.IRRMaxLengthIPv6
}

// ApplyConfig moves the running server to next, which must already be
// validated: peers are added, removed, re-created (session keys changed)
// or re-filtered in place (prefixes, as_set). Changes to [global],
// [filters] or [dampening] are refused with ErrNeedsRestart before anything
// is touched, so a refused reload keeps the old config entirely.
func (s *Server) ApplyConfig(ctx context.Context, next *config.Config, src FilterSource) ([]string, error) {
	s.mu.RLock()
	old := s.cfg
	s.mu.RUnlock()
	if r := restartOnly(old, next); len(r) > 0 {
		return nil, fmt.Errorf("%v changed: %w (the running config is unchanged)", r, ErrNeedsRestart)
	}
	var changes []string
	oldPeers := map[string]config.Peer{}
	for _, p := range old.Peers {
		oldPeers[p.Name] = p
	}
	newPeers := map[string]config.Peer{}
	for _, p := range next.Peers {
		newPeers[p.Name] = p
	}
	for _, p := range old.Peers {
		np, keep := newPeers[p.Name]
		if keep && !sessionChanged(p, np) && !addressingChanged(old, next, p, np) {
			continue
		}
		if err := s.removePeer(ctx, p.Name); err != nil {
			return changes, err
		}
		if keep {
			changes = append(changes, fmt.Sprintf("peer %s: session settings changed, re-created", p.Name))
		} else {
			changes = append(changes, fmt.Sprintf("peer %s removed", p.Name))
		}
	}
	s.mu.Lock()
	s.cfg = next
	s.mu.Unlock()
	if !reflect.DeepEqual(old.RPKI, next.RPKI) {
		if err := s.applyRPKI(ctx, next.RPKI); err != nil {
			return changes, err
		}
		changes = append(changes, "[rpki] applied")
	}
	for _, np := range next.Peers {
		op, had := oldPeers[np.Name]
		if had && !sessionChanged(op, np) && maxPrefixChanged(op, np) {
			// limits live in rsguard, not in the session: no reset
			s.reconfigureMaxPrefix(s.peers[np.Name], np)
			changes = append(changes, fmt.Sprintf("peer %s: max-prefix settings updated", np.Name))
		}
		switch {
		case !had || sessionChanged(op, np) || addressingChanged(old, next, op, np):
			if err := s.addConfiguredPeer(ctx, np, src); err != nil {
				return changes, err
			}
			if !had {
				changes = append(changes, fmt.Sprintf("peer %s added", np.Name))
			}
		case filterChanged(op, np):
			s.mu.Lock()
			s.peers[np.Name].setConfig(np)
			s.mu.Unlock()
			allowed, origins := src(np)
			fc, err := s.SetPeerFilter(ctx, np.Name, allowed, origins)
			if err != nil {
				return changes, err
			}
			changes = append(changes, fmt.Sprintf("peer %s: filter updated (+%d/-%d entries, %d routes changed verdict)",
				np.Name, fc.Added, fc.Deleted, fc.VerdictChanges))
		case !reflect.DeepEqual(op, np):
			s.mu.Lock()
			s.peers[np.Name].setConfig(np)
			s.mu.Unlock()
			if op.Description != np.Description {
				changes = append(changes, fmt.Sprintf("peer %s: description updated", np.Name))
			}
		}
	}
	s.syncROARouteObjects(ctx) // new peers get their ROA route objects
	return changes, nil
}

// addConfiguredPeer builds a peer from config and starts it.
func (s *Server) addConfiguredPeer(ctx context.Context, pc config.Peer, src FilterSource) error {
	p := newPeer(pc)
	in := filterInput(pc)
	withAddressing(s.Config(), pc, in)
	if src != nil {
		allowed, origins := src(pc)
		if allowed != nil {
			in.Allowed = filters.NewPrefixList(allowed)
		}
		if origins != nil {
			in.Origins = origins
		}
	}
	if s.damp != nil {
		if pc.Dampening != "" {
			if m, err := dampening.ParseMode(pc.Dampening); err == nil {
				s.damp.SetMode(pc.Name, m)
			}
		} else {
			s.damp.UnsetMode(pc.Name)
		}
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
	p.limiter.cancelRestart()
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
