package routeserver

import (
	"context"
	"fmt"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// exportSettings derives export control from the config: the route
// server's ASN is the "RS" of every control community.
func exportSettings(c *config.Config) filters.ExportSettings {
	return filters.ExportSettings{RSASN: c.Global.ASN, HonourWellKnown: c.Communities.HonourWellKnown}
}

func apiCommunityMatch(m *filters.CommunityMatch) *api.MatchSet {
	if m == nil {
		return nil
	}
	return &api.MatchSet{Name: m.Set, Type: matchType(m.Invert)}
}

func communityStrings(cs []filters.Community) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

// apiExportStatement translates one export statement. GoBGP has one
// community action per statement, so adding and removing standard
// communities in the same statement is refused.
func apiExportStatement(policy string, s filters.ExportStatement) (*api.Statement, error) {
	c := &api.Conditions{CommunitySet: apiCommunityMatch(s.Std), LargeCommunitySet: apiCommunityMatch(s.Large)}
	if s.ASPathSet != "" {
		c.AsPathSet = &api.MatchSet{Name: s.ASPathSet, Type: api.MatchSet_ANY}
	}
	a := &api.Actions{RouteAction: api.RouteAction_NONE}
	if s.Reject {
		a.RouteAction = api.RouteAction_REJECT
	}
	if s.PrependLeftMost > 0 {
		a.AsPrepend = &api.AsPrependAction{UseLeftMost: true, Repeat: uint32(s.PrependLeftMost)}
	}
	switch {
	case len(s.AddStd) > 0 && len(s.RemoveStd) > 0:
		return nil, fmt.Errorf("statement %s: adds and removes standard communities; GoBGP allows one community action", s.Name)
	case len(s.AddStd) > 0:
		a.Community = &api.CommunityAction{Type: api.CommunityAction_ADD, Communities: communityStrings(s.AddStd)}
	case len(s.RemoveStd) > 0:
		a.Community = &api.CommunityAction{Type: api.CommunityAction_REMOVE, Communities: s.RemoveStd}
	}
	if len(s.RemoveLarge) > 0 {
		a.LargeCommunity = &api.CommunityAction{Type: api.CommunityAction_REMOVE, Communities: s.RemoveLarge}
	}
	return &api.Statement{Name: policy + "/" + s.Name, Conditions: c, Actions: a}, nil
}

func apiCommunitySet(d filters.CommunitySetDef) *api.DefinedSet {
	t := api.DefinedType_COMMUNITY
	if d.Large {
		t = api.DefinedType_LARGE_COMMUNITY
	}
	return &api.DefinedSet{DefinedType: t, Name: d.Name, List: d.Patterns}
}

func apiASPathSet(d filters.ASPathSetDef) *api.DefinedSet {
	return &api.DefinedSet{DefinedType: api.DefinedType_AS_PATH, Name: d.Name, List: d.Patterns}
}

// installExport adds compiled export sets and policies to GoBGP.
func installExport(ctx context.Context, s *server.BgpServer, c filters.ExportCompiled) error {
	for _, d := range c.Sets {
		if err := s.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: apiCommunitySet(d)}); err != nil {
			return fmt.Errorf("community set %s: %w", d.Name, err)
		}
	}
	for _, d := range c.ASPathSets {
		if err := s.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: apiASPathSet(d)}); err != nil {
			return fmt.Errorf("as-path set %s: %w", d.Name, err)
		}
	}
	for _, p := range c.Policies {
		ap := &api.Policy{Name: p.Name}
		for _, st := range p.Statements {
			as, err := apiExportStatement(p.Name, st)
			if err != nil {
				return fmt.Errorf("policy %s: %w", p.Name, err)
			}
			ap.Statements = append(ap.Statements, as)
		}
		if err := s.AddPolicy(ctx, &api.AddPolicyRequest{Policy: ap}); err != nil {
			return fmt.Errorf("policy %s: %w", p.Name, err)
		}
	}
	return nil
}

// removeExport deletes a peer's export policy and its own sets (the
// shared ones stay). It recompiles to learn the names, which depend only
// on the settings and the peer.
func removeExport(ctx context.Context, s *server.BgpServer, es filters.ExportSettings, name string, asn uint32) error {
	c := filters.CompileExport(es, name, asn)
	var first error
	for _, p := range c.Policies {
		if err := s.DeletePolicy(ctx, &api.DeletePolicyRequest{Policy: &api.Policy{Name: p.Name}, All: true}); err != nil && first == nil {
			first = fmt.Errorf("export policy %s: %w", p.Name, err)
		}
	}
	for _, d := range c.Sets {
		if err := s.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: apiCommunitySet(d), All: true}); err != nil && first == nil {
			first = fmt.Errorf("community set %s: %w", d.Name, err)
		}
	}
	for _, d := range c.ASPathSets {
		if err := s.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: apiASPathSet(d), All: true}); err != nil && first == nil {
			first = fmt.Errorf("as-path set %s: %w", d.Name, err)
		}
	}
	return first
}

// exportAssignment is a peer's export chain: its own policy, default
// accept (RFC 7947: a route server passes everything it accepted).
func exportAssignment(peer string) *api.PolicyAssignment {
	return &api.PolicyAssignment{
		Direction:     api.PolicyDirection_EXPORT,
		DefaultAction: api.RouteAction_ACCEPT,
		Policies:      []*api.Policy{{Name: filters.ExportPolicyName(peer)}},
	}
}

// ExplainExport decides where a hypothetical route from peerName would
// go: one decision per other configured peer, in config order.
func (s *Server) ExplainExport(peerName string, r filters.Route, c filters.Communities) ([]filters.ExportTarget, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.peers[peerName]; !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownPeer, peerName)
	}
	peers := make([]filters.ExportPeer, 0, len(s.cfg.Peers))
	for _, pc := range s.cfg.Peers {
		peers = append(peers, filters.ExportPeer{Name: pc.Name, ASN: pc.ASN})
	}
	return filters.ExportTargets(exportSettings(s.cfg), r, c, peerName, peers), nil
}

// decodeCommunities appends the communities of a COMMUNITIES or
// LARGE_COMMUNITIES attribute to c; other attributes are ignored.
func decodeCommunities(a bgp.PathAttributeInterface, c *filters.Communities) {
	switch v := a.(type) {
	case *bgp.PathAttributeCommunities:
		for _, x := range v.Value {
			c.Std = append(c.Std, filters.Community(x))
		}
	case *bgp.PathAttributeLargeCommunities:
		for _, x := range v.Values {
			c.Large = append(c.Large, filters.LargeCommunity{Global: x.ASN, Local1: x.LocalData1, Local2: x.LocalData2})
		}
	}
}

// routeServerClient marks a neighbour as an RFC 7947 route-server client.
// SecondaryRoute: when the export policy holds the client's best path
// back (announcement control), GoBGP sends the next best path that passes
// instead of nothing, which is RFC 7947 §2.3.1 path hiding.
func routeServerClient() *api.RouteServer {
	return &api.RouteServer{RouteServerClient: true, SecondaryRoute: true}
}
