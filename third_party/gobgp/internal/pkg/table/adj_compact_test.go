package table

import (
	"fmt"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func adjTestPath(t testing.TB, prefix string, id uint32, withdraw bool) *Path {
	t.Helper()
	nlri, err := bgp.NewPrefixFromRouteFamily(bgp.AFI_IP, bgp.SAFI_UNICAST, prefix)
	require.NoError(t, err)
	nlri.SetPathIdentifier(id)
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), bgp.NewPathAttributeNextHop("45.0.0.1")}
	return NewPath(&PeerInfo{}, nlri, withdraw, attrs, time.Now(), false)
}

// Select lists what Update stored, one Destination per prefix with its
// paths in arrival order, whatever the Adj-RIB-In keeps internally.
func TestAdjRibSelect(t *testing.T) {
	family := bgp.RF_IPv4_UC
	adj := NewAdjRib(logger, []bgp.RouteFamily{family})
	a1, a2 := adjTestPath(t, "45.1.0.0/24", 1, false), adjTestPath(t, "45.1.0.0/24", 2, false)
	b := adjTestPath(t, "45.2.0.0/24", 0, false)
	adj.Update([]*Path{a1, a2, b})

	tbl, err := adj.Select(family, false)
	require.NoError(t, err)
	got := map[string][]*Path{}
	for _, d := range tbl.GetDestinations() {
		got[d.GetNlri().String()] = d.GetAllKnownPathList()
	}
	assert.Equal(t, map[string][]*Path{"45.1.0.0/24": {a1, a2}, "45.2.0.0/24": {b}}, got)

	tbl, err = adj.Select(family, false, TableSelectOption{LookupPrefixes: []*LookupPrefix{{Prefix: "45.2.0.0/24"}}})
	require.NoError(t, err)
	require.Len(t, tbl.GetDestinations(), 1)

	// an unknown family is an empty table, as before
	tbl, err = adj.Select(bgp.RF_IPv6_UC, false)
	require.NoError(t, err)
	assert.Empty(t, tbl.GetDestinations())
}

// A withdrawal removes its path and, with the last one, the prefix; a
// withdrawal of a prefix never received leaves nothing behind (v3.37.0
// left an empty Destination in the table).
func TestAdjRibWithdrawLeavesNothing(t *testing.T) {
	family := bgp.RF_IPv4_UC
	adj := NewAdjRib(logger, []bgp.RouteFamily{family})
	adj.Update([]*Path{adjTestPath(t, "45.9.0.0/24", 0, true)})
	assert.Empty(t, adj.table[family].destinations)

	a1, a2 := adjTestPath(t, "45.1.0.0/24", 1, false), adjTestPath(t, "45.1.0.0/24", 2, false)
	adj.Update([]*Path{a1, a2})
	adj.Update([]*Path{adjTestPath(t, "45.1.0.0/24", 1, true)})
	require.Len(t, adj.table[family].destinations, 1)
	assert.Equal(t, []*Path{a2}, adj.PathList([]bgp.RouteFamily{family}, false))
	assert.Equal(t, 1, adj.Accepted([]bgp.RouteFamily{family}))
	adj.Update([]*Path{adjTestPath(t, "45.1.0.0/24", 2, true)})
	assert.Empty(t, adj.table[family].destinations)
	assert.Equal(t, 0, adj.Count([]bgp.RouteFamily{family}))
	assert.Equal(t, 0, adj.Accepted([]bgp.RouteFamily{family}))
}

// BenchmarkAdjRibMemory reports the heap the Adj-RIB-In keeps per
// received route besides the path itself (bytes/route, 300,000 IPv4 /24s,
// one path each). Run it alone: it measures the whole heap.
func BenchmarkAdjRibMemory(b *testing.B) {
	const n = 300_000
	paths := make([]*Path, n)
	for i := range paths {
		paths[i] = adjTestPath(b, fmt.Sprintf("%d.%d.%d.0/24", 45+i>>16, byte(i>>8), byte(i)), 0, false)
	}
	var per []float64
	for range b.N {
		before := prefixSetHeap()
		adj := NewAdjRib(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
		adj.Update(paths)
		after := prefixSetHeap()
		if adj.Count([]bgp.RouteFamily{bgp.RF_IPv4_UC}) != n {
			b.Fatal("routes lost")
		}
		runtime.KeepAlive(adj)
		per = append(per, float64(int64(after)-int64(before))/n)
	}
	sort.Float64s(per)
	b.ReportMetric(per[len(per)/2], "bytes/route")
	b.ReportMetric(0, "ns/op")
}
