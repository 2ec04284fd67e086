package table

import (
	"fmt"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdjRibKeysByFamily: IPv4 and IPv6 unicast prefixes and a family
// keyed by string (labeled IPv4) live side by side; a prefix and a
// longer one with the same first octets, and an IPv4 prefix and the IPv6
// prefix with the same leading octets, are different keys.
func TestAdjRibKeysByFamily(t *testing.T) {
	v4, v6, mpls := bgp.RF_IPv4_UC, bgp.RF_IPv6_UC, bgp.RF_IPv4_MPLS
	adj := NewAdjRib(logger, []bgp.RouteFamily{v4, v6, mpls})
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0)}
	mk := func(nlri bgp.AddrPrefixInterface, withdraw bool) *Path {
		return NewPath(&PeerInfo{}, nlri, withdraw, attrs, time.Now(), false)
	}
	paths := []*Path{
		mk(bgp.NewIPAddrPrefix(24, "45.1.0.0"), false),
		mk(bgp.NewIPAddrPrefix(16, "45.1.0.0"), false),
		mk(bgp.NewIPv6AddrPrefix(32, "2d01::"), false), // 45.1.0.0 as its first octets
		mk(bgp.NewIPv6AddrPrefix(48, "2d01::"), false),
		mk(bgp.NewLabeledIPAddrPrefix(24, "45.1.0.0", *bgp.NewMPLSLabelStack(100)), false),
	}
	adj.Update(paths)
	assert.Equal(t, 2, adj.Count([]bgp.RouteFamily{v4}))
	assert.Equal(t, 2, adj.Count([]bgp.RouteFamily{v6}))
	assert.Equal(t, 1, adj.Count([]bgp.RouteFamily{mpls}))
	for _, p := range paths {
		got, ok := adj.LookupPath(p.GetNlri(), 0)
		require.True(t, ok, p.GetNlri().String())
		assert.Equal(t, p.GetNlri().String(), got.NLRI.String())
	}
	adj.Update([]*Path{mk(bgp.NewIPAddrPrefix(16, "45.1.0.0"), true), mk(bgp.NewIPv6AddrPrefix(48, "2d01::"), true),
		mk(bgp.NewLabeledIPAddrPrefix(24, "45.1.0.0", *bgp.NewMPLSLabelStack(100)), true)})
	assert.Equal(t, 1, adj.Count([]bgp.RouteFamily{v4}))
	assert.Equal(t, 1, adj.Count([]bgp.RouteFamily{v6}))
	assert.Equal(t, 0, adj.Count([]bgp.RouteFamily{mpls}))
	_, ok := adj.LookupPath(bgp.NewIPAddrPrefix(24, "45.1.0.0"), 0)
	assert.True(t, ok, "the /24 survives the /16's withdrawal")
	tbl, err := adj.Select(v6, false)
	require.NoError(t, err)
	assert.Len(t, tbl.GetDestinations(), 1)
}

// BenchmarkAdjRibConvergeWithdraw: 300,000 IPv4 /24s arrive one UPDATE
// of 500 at a time, then are withdrawn the same way: the Adj-RIB-In's
// share of a route server's convergence and withdrawal.
func BenchmarkAdjRibConvergeWithdraw(b *testing.B) {
	const n, per = 300_000, 500
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0)}
	ann := make([]*Path, n)
	wd := make([]*Path, n)
	for i := range ann {
		nlri := func() bgp.AddrPrefixInterface {
			return bgp.NewIPAddrPrefix(24, fmt.Sprintf("%d.%d.%d.0", 45+i>>16, byte(i>>8), byte(i)))
		}
		ann[i] = NewPath(&PeerInfo{}, nlri(), false, attrs, time.Now(), false)
		wd[i] = NewPath(&PeerInfo{}, nlri(), true, nil, time.Now(), false)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		adj := NewAdjRib(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
		for i := 0; i < n; i += per {
			adj.Update(ann[i : i+per])
		}
		for i := 0; i < n; i += per {
			adj.Update(wd[i : i+per])
		}
		if adj.Count([]bgp.RouteFamily{bgp.RF_IPv4_UC}) != 0 {
			b.Fatal("routes left")
		}
	}
}

// TestAdjRibUnicastKeysAllocateNothing: withdrawing an IPv4 and an IPv6
// route and announcing them again costs the Adj-RIB-In only their two
// path lists; a string key cost one allocation more per path and
// operation.
func TestAdjRibUnicastKeysAllocateNothing(t *testing.T) {
	adj := NewAdjRib(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC, bgp.RF_IPv6_UC})
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0)}
	mk := func(nlri bgp.AddrPrefixInterface, withdraw bool) *Path {
		return NewPath(&PeerInfo{}, nlri, withdraw, attrs, time.Now(), false)
	}
	// held throughout, so that neither map empties (an empty map is made anew)
	adj.Update([]*Path{mk(bgp.NewIPAddrPrefix(24, "45.9.0.0"), false), mk(bgp.NewIPv6AddrPrefix(48, "2a0a:4589::"), false)})
	announce := []*Path{mk(bgp.NewIPAddrPrefix(24, "45.1.0.0"), false), mk(bgp.NewIPv6AddrPrefix(48, "2a0a:4580::"), false)}
	withdraw := []*Path{mk(bgp.NewIPAddrPrefix(24, "45.1.0.0"), true), mk(bgp.NewIPv6AddrPrefix(48, "2a0a:4580::"), true)}
	adj.Update(announce)
	n := testing.AllocsPerRun(100, func() {
		adj.Update(withdraw)
		adj.Update(announce)
	})
	if n > 2 {
		t.Errorf("withdrawing and announcing 2 routes: %.0f allocations, want 2 (their path lists)", n)
	}
	assert.Equal(t, 4, adj.Count([]bgp.RouteFamily{bgp.RF_IPv4_UC, bgp.RF_IPv6_UC}))
}
