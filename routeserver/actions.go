package routeserver

import (
	"context"
	"fmt"
	"slices"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// actionSettings derives the import actions' switches from the config.
func actionSettings(c *config.Config) filters.ActionSettings {
	return filters.ActionSettings{RSASN: c.Global.ASN, Tag: c.Filters.RejectPolicy == config.RejectPolicyTag,
		Info: c.Filters.InfoCommunities, GracefulShutdown: c.Global.GracefulShutdown, RPKI: c.RPKI.Enabled(),
		Blackhole: filters.BlackholeSettings{NextHopIPv4: c.Blackhole.NextHopIPv4, NextHopIPv6: c.Blackhole.NextHopIPv6}}
}

func largeStrings(ls []filters.LargeCommunity) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.String()
	}
	return out
}

// withActions adds a statement's community conditions and, for a
// modifying statement, its changes in place of the reject.
func withActions(st *api.Statement, s filters.Statement) *api.Statement {
	st.Conditions.CommunitySet = apiCommunityMatch(s.Std)
	st.Conditions.LargeCommunitySet = apiCommunityMatch(s.Large)
	if s.RPKIState != filters.RPKIAny {
		// oc.RpkiValidationResultTypeToIntMap: 1 not-found, 2 valid, 3 invalid
		st.Conditions.RpkiResult = int32(s.RPKIState)
	}
	m := s.Mods
	if m == nil {
		return st
	}
	a := &api.Actions{RouteAction: api.RouteAction_NONE}
	switch {
	case len(m.AddStd) > 0:
		a.Community = &api.CommunityAction{Type: api.CommunityAction_ADD, Communities: communityStrings(m.AddStd)}
	case len(m.RemoveStd) > 0:
		a.Community = &api.CommunityAction{Type: api.CommunityAction_REMOVE, Communities: m.RemoveStd}
	}
	switch {
	case len(m.AddLarge) > 0:
		a.LargeCommunity = &api.CommunityAction{Type: api.CommunityAction_ADD, Communities: largeStrings(m.AddLarge)}
	case len(m.RemoveLarge) > 0:
		a.LargeCommunity = &api.CommunityAction{Type: api.CommunityAction_REMOVE, Communities: m.RemoveLarge}
	}
	if m.LocalPref > 0 {
		a.LocalPref = &api.LocalPrefAction{Value: m.LocalPref}
	}
	if m.NextHop.IsValid() {
		a.Nexthop = &api.NexthopAction{Address: m.NextHop.String()}
	}
	st.Actions = a
	return st
}

// installCommunitySets adds the community sets of compiled import
// statements.
func installCommunitySets(ctx context.Context, s *server.BgpServer, sets []filters.CommunitySetDef) error {
	for _, d := range sets {
		if err := s.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: apiCommunitySet(d)}); err != nil {
			return fmt.Errorf("community set %s: %w", d.Name, err)
		}
	}
	return nil
}

// guardedExport puts the export guards (filters/export_guard.go) in front
// of a peer's export chain.
func guardedExport(a *api.PolicyAssignment, as filters.ActionSettings, c config.Peer) *api.PolicyAssignment {
	var ps []*api.Policy
	for _, g := range filters.ExportGuards(as, c.AcceptBlackholes) {
		ps = append(ps, &api.Policy{Name: g})
	}
	a.Policies = append(ps, a.Policies...)
	return a
}

// compileCommon is the shared import policy with the import actions.
func (s *Server) compileCommon() filters.Compiled { return s.compileCommonWith(&s.settings) }

// compileCommonWith compiles the shared policy for settings, with the
// import actions of the config in force. Every compile of a live policy
// goes through here or compilePeerWith, so policy diffs see the same
// statements GoBGP holds.
func (s *Server) compileCommonWith(set *filters.Settings) filters.Compiled {
	return filters.CompileCommonActions(filters.CompileCommon(set), set, actionSettings(s.Config()))
}

// compilePeer is a peer's import policy with the import actions.
func (s *Server) compilePeer(p *peer) filters.Compiled {
	return s.compilePeerWith(&s.settings, p, p.input.Load())
}

// compilePeerWith compiles peer p's policy for settings and input in.
func (s *Server) compilePeerWith(set *filters.Settings, p *peer, in *filters.Peer) filters.Compiled {
	p.mu.Lock()
	gshut := p.gshut
	p.mu.Unlock()
	return filters.CompilePeerActions(filters.CompilePeer(set, in), set, actionSettings(s.Config()), in, gshut)
}

// updateBlackholeSets follows a change of a peer's allowed prefixes in its
// blackhole sets (its registered space at any length), by diff.
func (s *Server) updateBlackholeSets(ctx context.Context, peer string, old, new *filters.PrefixList, fc *FilterChange) error {
	b := s.Settings().Blackhole
	sets := filters.ActionSets(peer)
	o4, o6 := b.SpaceSets(old)
	n4, n6 := b.SpaceSets(new)
	for _, f := range []struct {
		set      string
		old, new []filters.PrefixRange
	}{{sets.Blackhole4, o4, n4}, {sets.Blackhole6, o6, n6}} {
		del, add := diffRanges(f.old, f.new)
		if err := updatePrefixSet(ctx, s.bgp, f.set, nil, add); err != nil {
			return err
		}
		if err := updatePrefixSet(ctx, s.bgp, f.set, del, nil); err != nil {
			return err
		}
		fc.Added += len(add)
		fc.Deleted += len(del)
	}
	return nil
}

// deleteActionSets removes a removed peer's action sets.
func (s *Server) deleteActionSets(ctx context.Context, peer string) {
	sets := filters.ActionSets(peer)
	for _, n := range []string{sets.Blackhole4, sets.Blackhole6, sets.Gshut4, sets.Gshut6} {
		_ = s.bgp.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: &api.DefinedSet{DefinedType: api.DefinedType_PREFIX, Name: n}, All: true})
	}
}

// GuardExports applies the export guards to explained export decisions:
// a route carrying BLACKHOLE goes to no peer with accept_blackholes =
// false, whatever its communities ask (tagged routes are rejected ones,
// which the caller already sends nowhere).
func (s *Server) GuardExports(c filters.Communities, ts []filters.ExportTarget) []filters.ExportTarget {
	if !c.CarriesBlackhole() {
		return ts
	}
	ts = slices.Clone(ts)
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i := range ts {
		if pc, ok := s.cfg.Peer(ts[i].Peer.Name); ok && !pc.AcceptBlackholes {
			ts[i].Decision = filters.ExportDecision{Rule: "BLACKHOLE (65535:666): the peer has accept_blackholes = false"}
		}
	}
	return ts
}
