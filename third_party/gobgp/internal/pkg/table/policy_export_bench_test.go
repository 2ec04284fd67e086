package table

import (
	"fmt"
	"testing"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/require"
)

// A route server's export policy toward one client, shaped like the one
// rsguard compiles (filters/export_compile.go in rsguard): AS-path loop,
// well-known communities, "do not announce to" (standard and large),
// "announce to" (which removes the blocking communities), "block", prepend
// 3..1, add NO_EXPORT / NO_ADVERTISE, scrub the route server's own
// communities. rsASN is the route server, peerASN the client.
const (
	benchRSASN   = 21000
	benchPeerASN = 21005
	benchPeerID  = "45.0.0.5"
)

func benchExportPolicy() (oc.RoutingPolicy, map[string]oc.ApplyPolicy) {
	rs, peer := benchRSASN, benchPeerASN
	var ds oc.BgpDefinedSets
	std := func(name string, patterns ...string) string {
		ds.CommunitySets = append(ds.CommunitySets, oc.CommunitySet{CommunitySetName: name, CommunityList: patterns})
		return name
	}
	large := func(name string, patterns ...string) string {
		ds.LargeCommunitySets = append(ds.LargeCommunitySets, oc.LargeCommunitySet{LargeCommunitySetName: name, LargeCommunityList: patterns})
		return name
	}
	ds.AsPathSets = []oc.AsPathSet{{AsPathSetName: "loop", AsPathList: []string{fmt.Sprintf("_%d_", peer)}}}
	blockStd := []string{fmt.Sprintf("^0:%d$", rs), fmt.Sprintf("^%d:[1-9][0-9]*$", rs)}
	blockLarge := []string{fmt.Sprintf("^%d:0:0$", rs), fmt.Sprintf("^%d:1:[1-9][0-9]*$", rs)}
	scrubStd := []string{"^0:[0-9]+$", fmt.Sprintf("^%d:[0-9]+$", rs)}
	scrubLarge := []string{fmt.Sprintf("^%d:[0-9]+:[0-9]+$", rs)}

	type stmt struct {
		name        string
		std, large  string
		stdInvert   bool
		aspath      string
		reject      bool
		prepend     uint8
		addStd      []string
		removeStd   []string
		removeLarge []string
	}
	stmts := []stmt{
		{name: "loop", aspath: "loop", reject: true},
		{name: "well-known", std: std("well-known", "^65535:65282$", "^65535:65281$"), reject: true},
		{name: "not-std", std: std("not-std", fmt.Sprintf("^0:%d$", peer)), reject: true},
		{name: "not-large", large: large("not-large", fmt.Sprintf("^%d:0:%d$", rs, peer)), reject: true},
		{name: "to-std", std: std("to-std", fmt.Sprintf("^%d:%d$", rs, peer)), removeStd: blockStd, removeLarge: blockLarge},
		{name: "to-large", large: large("to-large", fmt.Sprintf("^%d:1:%d$", rs, peer)), removeStd: blockStd, removeLarge: blockLarge},
		{name: "block-std", std: std("block-std", blockStd...), reject: true},
		{name: "block-large", large: large("block-large", blockLarge...), reject: true},
	}
	for n := 3; n >= 1; n-- {
		stmts = append(stmts, stmt{name: fmt.Sprintf("prepend-%d", n),
			large:   large(fmt.Sprintf("prepend-%d", n), fmt.Sprintf("^%d:%d:%d$", rs, 100+n, peer), fmt.Sprintf("^%d:%d:0$", rs, 100+n)),
			prepend: uint8(n), removeLarge: []string{fmt.Sprintf("^%d:10[1-3]:[0-9]+$", rs)}})
	}
	stmts = append(stmts,
		stmt{name: "add-no-export", large: large("add-no-export", fmt.Sprintf("^%d:65281:%d$", rs, peer)),
			std: std("has-no-export", "^65535:65281$"), stdInvert: true, addStd: []string{"65535:65281"}},
		stmt{name: "add-no-advertise", large: large("add-no-advertise", fmt.Sprintf("^%d:65282:%d$", rs, peer)),
			std: std("has-no-advertise", "^65535:65282$"), stdInvert: true, addStd: []string{"65535:65282"}},
		stmt{name: "scrub-std", std: std("scrub-std", scrubStd...), removeStd: scrubStd},
		stmt{name: "scrub-large", large: large("scrub-large", scrubLarge...), removeLarge: scrubLarge},
	)

	pd := oc.PolicyDefinition{Name: "rs-out"}
	for _, s := range stmts {
		var st oc.Statement
		st.Name = s.name
		c := &st.Conditions.BgpConditions
		if s.std != "" {
			c.MatchCommunitySet = oc.MatchCommunitySet{CommunitySet: s.std, MatchSetOptions: oc.MATCH_SET_OPTIONS_TYPE_ANY}
			if s.stdInvert {
				c.MatchCommunitySet.MatchSetOptions = oc.MATCH_SET_OPTIONS_TYPE_INVERT
			}
		}
		if s.large != "" {
			c.MatchLargeCommunitySet = oc.MatchLargeCommunitySet{LargeCommunitySet: s.large, MatchSetOptions: oc.MATCH_SET_OPTIONS_TYPE_ANY}
		}
		if s.aspath != "" {
			c.MatchAsPathSet = oc.MatchAsPathSet{AsPathSet: s.aspath, MatchSetOptions: oc.MATCH_SET_OPTIONS_TYPE_ANY}
		}
		a := &st.Actions
		if s.reject {
			a.RouteDisposition = oc.ROUTE_DISPOSITION_REJECT_ROUTE
		}
		if s.prepend > 0 {
			a.BgpActions.SetAsPathPrepend = oc.SetAsPathPrepend{RepeatN: s.prepend, As: "last-as"}
		}
		switch {
		case len(s.addStd) > 0:
			a.BgpActions.SetCommunity = oc.SetCommunity{SetCommunityMethod: oc.SetCommunityMethod{CommunitiesList: s.addStd}, Options: "ADD"}
		case len(s.removeStd) > 0:
			a.BgpActions.SetCommunity = oc.SetCommunity{SetCommunityMethod: oc.SetCommunityMethod{CommunitiesList: s.removeStd}, Options: "REMOVE"}
		}
		if len(s.removeLarge) > 0 {
			a.BgpActions.SetLargeCommunity = oc.SetLargeCommunity{SetLargeCommunityMethod: oc.SetLargeCommunityMethod{CommunitiesList: s.removeLarge}, Options: oc.BGP_SET_COMMUNITY_OPTION_TYPE_REMOVE}
		}
		pd.Statements = append(pd.Statements, st)
	}
	rp := oc.RoutingPolicy{DefinedSets: oc.DefinedSets{BgpDefinedSets: ds}, PolicyDefinitions: []oc.PolicyDefinition{pd}}
	ap := map[string]oc.ApplyPolicy{benchPeerID: {Config: oc.ApplyPolicyConfig{
		ExportPolicyList: []string{"rs-out"}, DefaultExportPolicy: oc.DEFAULT_POLICY_TYPE_ACCEPT_ROUTE}}}
	return rp, ap
}

func newBenchExportPolicy(tb testing.TB) *RoutingPolicy {
	tb.Helper()
	rp, ap := benchExportPolicy()
	r := NewRoutingPolicy(logger)
	require.NoError(tb, r.Reset(&rp, ap))
	return r
}

// benchPathCommunities: 10 standard and 5 large communities, none of them
// addressed to the route server, as a member's informational tags are.
func benchPathCommunities() ([]uint32, []*bgp.LargeCommunity) {
	var stds []uint32
	for i := uint32(0); i < 10; i++ {
		stds = append(stds, 21001<<16|(100+i))
	}
	var larges []*bgp.LargeCommunity
	for i := uint32(0); i < 5; i++ {
		larges = append(larges, lc(21001, 1000+i, i))
	}
	return stds, larges
}

// The benchmark policy does what it says, so the benchmark measures the
// accept path through every statement.
func TestBenchExportPolicyDecides(t *testing.T) {
	r := newBenchExportPolicy(t)
	stds, larges := benchPathCommunities()
	apply := func(stds []uint32, larges []*bgp.LargeCommunity) *Path {
		return r.ApplyPolicy(benchPeerID, POLICY_DIRECTION_EXPORT, communityPath(t, stds, larges), &PolicyOptions{})
	}
	require.NotNil(t, apply(nil, nil))
	out := apply(stds, larges)
	require.NotNil(t, out)
	require.Equal(t, stds, out.GetCommunities())
	require.Nil(t, apply(append([]uint32{0<<16 | benchPeerASN}, stds...), larges), "0:peer")
	require.Nil(t, apply(stds, append([]*bgp.LargeCommunity{lc(benchRSASN, 0, benchPeerASN)}, larges...)), "RS:0:peer")
	require.Nil(t, apply([]uint32{benchRSASN<<16 | 21009}, nil), "RS:other")
	out = apply([]uint32{benchRSASN<<16 | 21009, benchRSASN<<16 | benchPeerASN}, nil)
	require.NotNil(t, out, "RS:peer beats RS:other")
	require.Empty(t, out.GetCommunities(), "scrubbed")
	out = apply(nil, []*bgp.LargeCommunity{lc(benchRSASN, 102, benchPeerASN)})
	require.NotNil(t, out)
	require.Equal(t, []uint32{21001, 21001, 21001, 21002}, out.GetAsList(), "left-most ASN prepended twice")
}

func benchmarkExportPolicy(b *testing.B, stds []uint32, larges []*bgp.LargeCommunity) {
	r := newBenchExportPolicy(b)
	path := communityPath(b, stds, larges)
	opts := &PolicyOptions{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r.ApplyPolicy(benchPeerID, POLICY_DIRECTION_EXPORT, path, opts) == nil {
			b.Fatal("rejected")
		}
	}
}

func BenchmarkExportPolicyNoCommunities(b *testing.B) {
	benchmarkExportPolicy(b, nil, nil)
}

func BenchmarkExportPolicy10Std5Large(b *testing.B) {
	stds, larges := benchPathCommunities()
	benchmarkExportPolicy(b, stds, larges)
}
