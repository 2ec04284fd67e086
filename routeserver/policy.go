package routeserver

import (
	"context"
	"fmt"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/filters"
)

func apiPrefixes(rs []filters.PrefixRange) []*api.Prefix {
	out := make([]*api.Prefix, 0, len(rs))
	for _, r := range rs {
		out = append(out, &api.Prefix{IpPrefix: r.Prefix.String(), MaskLengthMin: uint32(r.Min), MaskLengthMax: uint32(r.Max)})
	}
	return out
}

func matchType(invert bool) api.MatchSet_Type {
	if invert {
		return api.MatchSet_INVERT
	}
	return api.MatchSet_ANY
}

// apiStatement translates one reject-only statement. Statement names are
// global in GoBGP, so they are prefixed with the policy name.
func apiStatement(policy string, s filters.Statement) *api.Statement {
	c := &api.Conditions{}
	if f := apiFamily(s.Family); f != nil {
		c.AfiSafiIn = []*api.Family{f}
	}
	if s.PrefixSet != "" {
		c.PrefixSet = &api.MatchSet{Name: s.PrefixSet, Type: matchType(s.PrefixSetInvert)}
	}
	if s.ASPathSet != "" {
		c.AsPathSet = &api.MatchSet{Name: s.ASPathSet, Type: matchType(s.ASPathSetInvert)}
	}
	if s.ASPathLengthGE > 0 {
		c.AsPathLength = &api.AsPathLength{Type: api.AsPathLength_GE, Length: uint32(s.ASPathLengthGE)}
	}
	for _, p := range s.NextHopIn {
		c.NextHopInList = append(c.NextHopInList, p.String())
	}
	if s.RPKIInvalid {
		c.RpkiResult = rpkiInvalid
	}
	action := api.RouteAction_REJECT
	if s.Accept {
		action = api.RouteAction_ACCEPT
	}
	return withActions(&api.Statement{Name: statementName(policy, s), Conditions: c,
		Actions: &api.Actions{RouteAction: action}}, s)
}

// installCompiled adds the compiled sets and policies to GoBGP. It runs
// before the peers that use them are added, so no route is ever evaluated
// against a half-built chain.
func installCompiled(ctx context.Context, s *server.BgpServer, c filters.Compiled) error {
	if err := installCommunitySets(ctx, s, c.CommunitySets); err != nil {
		return err
	}
	for _, ps := range c.PrefixSets {
		entries, sentinel := ps.Entries, []filters.PrefixRange(nil)
		if len(entries) == 0 {
			sentinel = familySentinel(ps.Family) // see emptysets.go
			entries = sentinel
		}
		ds := &api.DefinedSet{DefinedType: api.DefinedType_PREFIX, Name: ps.Name, Prefixes: apiPrefixes(entries)}
		if err := s.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: ds}); err != nil {
			return fmt.Errorf("prefix set %s: %w", ps.Name, err)
		}
		if err := updatePrefixSet(ctx, s, ps.Name, sentinel, nil); err != nil {
			return err
		}
	}
	for _, as := range c.ASPathSets {
		ds := &api.DefinedSet{DefinedType: api.DefinedType_AS_PATH, Name: as.Name, List: as.Patterns}
		if err := s.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: ds}); err != nil {
			return fmt.Errorf("as-path set %s: %w", as.Name, err)
		}
	}
	for _, p := range c.Policies {
		ap := &api.Policy{Name: p.Name}
		for _, st := range p.Statements {
			ap.Statements = append(ap.Statements, apiStatement(p.Name, st))
		}
		if err := s.AddPolicy(ctx, &api.AddPolicyRequest{Policy: ap}); err != nil {
			return fmt.Errorf("policy %s: %w", p.Name, err)
		}
	}
	return nil
}

// importAssignment is a peer's import chain: shared checks, then its own,
// default accept after the reject-only statements.
func importAssignment(peer string) *api.PolicyAssignment {
	return &api.PolicyAssignment{
		Direction:     api.PolicyDirection_IMPORT,
		DefaultAction: api.RouteAction_ACCEPT,
		Policies: []*api.Policy{{Name: filters.CommonPolicy}, {Name: filters.SetNames(peer).Policy},
			{Name: filters.ListSetNames(peer).IRRPolicy}},
	}
}

// updatePrefixSet changes a live prefix set by diff, in place: GoBGP's
// Replace=true leaves compiled policies pointing at the old set (notes §3
// pitfall 4), so entries are deleted and added instead.
func updatePrefixSet(ctx context.Context, s *server.BgpServer, name string, del, add []filters.PrefixRange) error {
	if len(del) > 0 {
		ds := &api.DefinedSet{DefinedType: api.DefinedType_PREFIX, Name: name, Prefixes: apiPrefixes(del)}
		if err := s.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: ds, All: false}); err != nil {
			return fmt.Errorf("prefix set %s: delete %d entries: %w", name, len(del), err)
		}
	}
	if len(add) > 0 {
		ds := &api.DefinedSet{DefinedType: api.DefinedType_PREFIX, Name: name, Prefixes: apiPrefixes(add)}
		if err := s.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: ds}); err != nil {
			return fmt.Errorf("prefix set %s: add %d entries: %w", name, len(add), err)
		}
	}
	return nil
}
