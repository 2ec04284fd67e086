package table

import (
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func prefixSetOf(t *testing.T, entries ...string) *PrefixSet {
	t.Helper()
	list := make([]oc.Prefix, 0, len(entries)/2)
	for i := 0; i+1 < len(entries); i += 2 {
		list = append(list, oc.Prefix{IpPrefix: entries[i], MasklengthRange: entries[i+1]})
	}
	s, err := NewPrefixSet(oc.PrefixSet{PrefixSetName: "ps", PrefixList: list})
	require.NoError(t, err)
	return s
}

func unicastPath(nlri bgp.AddrPrefixInterface) *Path {
	return NewPath(nil, nlri, false, []bgp.PathAttributeInterface{}, time.Now(), false)
}

// The entries of the longest listed prefix covering the route decide,
// whatever shorter prefixes would admit (GoBGP's matching, kept by patch
// 27), and any of their ranges may admit it.
func TestPrefixSetLongestEntryDecides(t *testing.T) {
	s := prefixSetOf(t,
		"45.0.0.0/8", "8..24",
		"45.1.0.0/16", "16..16",
		"45.1.0.0/16", "20..22",
	)
	s6 := prefixSetOf(t, "2a0a:4580::/29", "29..48", "::ffff:45.0.0.0/104", "104..128")
	c4 := &PrefixCondition{set: s}
	c6 := &PrefixCondition{set: s6}
	for _, tc := range []struct {
		c    *PrefixCondition
		nlri bgp.AddrPrefixInterface
		want bool
	}{
		{c4, bgp.NewIPAddrPrefix(24, "45.2.3.0"), true},
		{c4, bgp.NewIPAddrPrefix(25, "45.2.3.0"), false},
		{c4, bgp.NewIPAddrPrefix(16, "45.1.0.0"), true},
		{c4, bgp.NewIPAddrPrefix(21, "45.1.8.0"), true},
		{c4, bgp.NewIPAddrPrefix(24, "45.1.3.0"), false}, // 45.0.0.0/8 would admit it: the /16 decides
		{c4, bgp.NewIPAddrPrefix(24, "46.1.3.0"), false},
		{c6, bgp.NewIPv6AddrPrefix(48, "2a0a:4580:1::"), true},
		{c6, bgp.NewIPv6AddrPrefix(49, "2a0a:4580:1::"), false},
		{c6, bgp.NewIPv6AddrPrefix(120, "::ffff:45.1.2.0"), true},
		{c6, bgp.NewIPv6AddrPrefix(120, "::ffff:46.1.2.0"), false},
		{c6, bgp.NewIPAddrPrefix(24, "45.2.3.0"), false}, // another family
	} {
		assert.Equal(t, tc.want, tc.c.Evaluate(unicastPath(tc.nlri), nil), tc.nlri.String())
		tc.c.option = MATCH_OPTION_INVERT
		// A path of another family matches neither way.
		sameFamily := (tc.c == c6) == (tc.nlri.AFI() == bgp.AFI_IP6)
		assert.Equal(t, sameFamily && !tc.want, tc.c.Evaluate(unicastPath(tc.nlri), nil), "invert "+tc.nlri.String())
		tc.c.option = MATCH_OPTION_ANY
	}
}

// Append adds ranges to a listed prefix, Remove takes away exactly the
// ranges it names (every duplicate of them), and the prefix goes when it
// has none left. List and ToConfig show every range in address order.
func TestPrefixSetAppendRemoveList(t *testing.T) {
	s := prefixSetOf(t, "45.1.0.0/16", "16..24", "45.0.0.0/8", "8..8")
	require.NoError(t, s.Append(prefixSetOf(t, "45.1.0.0/16", "16..24", "45.1.0.0/16", "25..25")))
	assert.Equal(t, []string{"45.0.0.0/8 8..8", "45.1.0.0/16 16..24", "45.1.0.0/16 16..24", "45.1.0.0/16 25..25"}, s.List())

	require.NoError(t, s.Remove(prefixSetOf(t, "45.1.0.0/16", "16..24", "46.0.0.0/8", "8..8")))
	assert.Equal(t, []string{"45.0.0.0/8 8..8", "45.1.0.0/16 25..25"}, s.List())
	c := &PrefixCondition{set: s}
	assert.False(t, c.Evaluate(unicastPath(bgp.NewIPAddrPrefix(24, "45.1.2.0")), nil))
	assert.True(t, c.Evaluate(unicastPath(bgp.NewIPAddrPrefix(25, "45.1.2.0")), nil))

	require.NoError(t, s.Remove(prefixSetOf(t, "45.1.0.0/16", "25..25")))
	assert.Equal(t, []string{"45.0.0.0/8 8..8"}, s.List())
	assert.False(t, c.Evaluate(unicastPath(bgp.NewIPAddrPrefix(25, "45.1.2.0")), nil), "the /8 decides again")
	assert.Equal(t, &oc.PrefixSet{PrefixSetName: "ps", PrefixList: []oc.Prefix{{IpPrefix: "45.0.0.0/8", MasklengthRange: "8..8"}}}, s.ToConfig())

	assert.Equal(t, []string{"::FFFF:45.0.0.0/104 104..128"}, prefixSetOf(t, "::ffff:45.0.0.0/104", "104..128").List())
	assert.Error(t, s.Append(prefixSetOf(t, "2a0a:4580::/29", "29..48")), "another family")
}

// An empty set (also a condition's placeholder before its set is bound)
// matches nothing and can be appended to.
func TestPrefixSetEmpty(t *testing.T) {
	empty := &PrefixSet{name: "e"}
	c := &PrefixCondition{set: empty}
	assert.False(t, c.Evaluate(unicastPath(bgp.NewIPAddrPrefix(24, "45.2.3.0")), nil))
	assert.Nil(t, empty.List())
	require.NoError(t, empty.Remove(prefixSetOf(t, "45.0.0.0/8", "8..24")))
	require.NoError(t, empty.Append(prefixSetOf(t, "45.0.0.0/8", "8..24")))
	assert.Equal(t, bgp.RF_IPv4_UC, empty.family)
	assert.True(t, c.Evaluate(unicastPath(bgp.NewIPAddrPrefix(24, "45.2.3.0")), nil))
}

// A unicast lookup allocates nothing: it was an IPNet and its two slices
// per path and condition (nlriToIPNet) before patch 27.
func TestPrefixConditionEvaluateDoesNotAllocate(t *testing.T) {
	c := &PrefixCondition{set: prefixSetOf(t, "45.0.0.0/8", "8..24")}
	c6 := &PrefixCondition{set: prefixSetOf(t, "2a0a:4580::/29", "29..48")}
	p := unicastPath(bgp.NewIPAddrPrefix(24, "45.2.3.0"))
	p6 := unicastPath(bgp.NewIPv6AddrPrefix(48, "2a0a:4580:1::"))
	allocs := testing.AllocsPerRun(100, func() {
		if !c.Evaluate(p, nil) || !c6.Evaluate(p6, nil) {
			t.Fatal("no match")
		}
	})
	assert.Zero(t, allocs)
}
