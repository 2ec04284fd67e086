package table

import (
	"net"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

func presencePath(std, large bool) *Path {
	attrs := []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
		bgp.NewPathAttributeNextHop("45.0.0.1"),
	}
	if std {
		attrs = append(attrs, bgp.NewPathAttributeCommunities([]uint32{21001<<16 | 7}))
	}
	if large {
		attrs = append(attrs, bgp.NewPathAttributeLargeCommunities([]*bgp.LargeCommunity{bgp.NewLargeCommunity(21001, 1, 7)}))
	}
	info := &PeerInfo{AS: 21001, Address: net.ParseIP("45.0.0.1")}
	return NewPath(info, bgp.NewIPAddrPrefix(24, "45.1.0.0"), false, attrs, time.Now(), false)
}

// TestHasCommunityAttrs: the one-walk answer equals getPathAttr's for each
// type, through clones that delete or set the attributes.
func TestHasCommunityAttrs(t *testing.T) {
	check := func(name string, p *Path) {
		t.Helper()
		std, large := p.hasCommunityAttrs()
		if want := p.getPathAttr(bgp.BGP_ATTR_TYPE_COMMUNITIES) != nil; std != want {
			t.Errorf("%s: communities %v, getPathAttr says %v", name, std, want)
		}
		if want := p.getPathAttr(bgp.BGP_ATTR_TYPE_LARGE_COMMUNITY) != nil; large != want {
			t.Errorf("%s: large communities %v, getPathAttr says %v", name, large, want)
		}
	}
	for _, tc := range []struct{ std, large bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		p := presencePath(tc.std, tc.large)
		check("plain", p)
		c := p.Clone(false)
		check("clone", c)
		c.delPathAttr(bgp.BGP_ATTR_TYPE_COMMUNITIES)
		check("clone without communities", c)
		c2 := c.Clone(false)
		c2.SetCommunities([]uint32{21001<<16 | 9}, true)
		check("clone of that with communities set again", c2)
		c3 := p.Clone(false)
		c3.delPathAttr(bgp.BGP_ATTR_TYPE_LARGE_COMMUNITY)
		check("clone without large communities", c3)
	}
}

// TestCommunityConditionsWithPresence: with PolicyOptions (the memo) every
// match type gives what it gives without, for paths with and without the
// attributes, and a path changed by a statement's action is looked at
// afresh.
func TestCommunityConditionsWithPresence(t *testing.T) {
	std, err := NewCommunitySet(oc.CommunitySet{CommunitySetName: "c", CommunityList: []string{"21001:7"}})
	if err != nil {
		t.Fatal(err)
	}
	large, err := NewLargeCommunitySet(oc.LargeCommunitySet{LargeCommunitySetName: "l", LargeCommunityList: []string{"21001:1:7"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []MatchOption{MATCH_OPTION_ANY, MATCH_OPTION_ALL, MATCH_OPTION_INVERT} {
		sc := &CommunityCondition{set: std, option: opt}
		lc := &LargeCommunityCondition{set: large, option: opt}
		for _, tc := range []struct{ std, large bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			p := presencePath(tc.std, tc.large)
			options := &PolicyOptions{}
			if got, want := sc.Evaluate(p, options), sc.Evaluate(p, nil); got != want {
				t.Errorf("%v communities=%v: %v with the memo, %v without", opt, tc.std, got, want)
			}
			if got, want := lc.Evaluate(p, options), lc.Evaluate(p, nil); got != want {
				t.Errorf("%v large=%v: %v with the memo, %v without", opt, tc.large, got, want)
			}
			// an action's clone gains the communities: the memo follows it
			c := p.Clone(false)
			c.SetCommunities([]uint32{21001<<16 | 7}, true)
			if !(&CommunityCondition{set: std, option: MATCH_OPTION_ANY}).Evaluate(c, options) {
				t.Errorf("communities set on a clone were not seen through the memo")
			}
		}
	}
}
