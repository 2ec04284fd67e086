package table

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adjReadTestPath is adjTestPath for either family, with a MED to tell
// announcements of one prefix apart.
func adjReadTestPath(t testing.TB, prefix string, id uint32, med uint32, withdraw bool) *Path {
	t.Helper()
	afi, nh := uint16(bgp.AFI_IP), "45.0.0.1"
	if strings.Contains(prefix, ":") {
		afi, nh = bgp.AFI_IP6, "2001:db8::1"
	}
	nlri, err := bgp.NewPrefixFromRouteFamily(afi, bgp.SAFI_UNICAST, prefix)
	require.NoError(t, err)
	nlri.SetPathIdentifier(id)
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), bgp.NewPathAttributeMultiExitDisc(med)}
	if afi == bgp.AFI_IP {
		attrs = append(attrs, bgp.NewPathAttributeNextHop(nh))
	} else {
		attrs = append(attrs, bgp.NewPathAttributeMpReachNLRI(nh, []bgp.AddrPrefixInterface{nlri}))
	}
	return NewPath(&PeerInfo{}, nlri, withdraw, attrs, time.Now(), false)
}

// samePaths: got holds the very paths of want (nil where want has nil).
func samePaths(t *testing.T, want, got []*Path, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		if want[i] == nil {
			assert.Nil(t, got[i], "%s: [%d]", msg, i)
		} else {
			assert.Same(t, want[i], got[i], "%s: [%d]", msg, i)
		}
	}
}

// UpdateReporting reports, for each path of the list, the path it
// replaced (implicit withdrawal) or withdrew, and nil for a new path, a
// withdrawal of a path never held, an EOR and a nil entry; ADD-PATH
// identifiers are told apart.
func TestAdjRibUpdateReporting(t *testing.T) {
	family := bgp.RF_IPv4_UC
	adj := NewAdjRib(logger, []bgp.RouteFamily{family})
	update := func(paths ...*Path) []*Path {
		t.Helper()
		replaced := make([]*Path, len(paths))
		adj.UpdateReporting(paths, replaced)
		return replaced
	}

	a1 := adjReadTestPath(t, "45.1.0.0/24", 1, 10, false)
	a2 := adjReadTestPath(t, "45.1.0.0/24", 2, 10, false)
	samePaths(t, []*Path{nil, nil}, update(a1, a2), "new paths, distinct path IDs")

	// implicit replace of ID 1 only
	a1b := adjReadTestPath(t, "45.1.0.0/24", 1, 20, false)
	samePaths(t, []*Path{a1}, update(a1b), "implicit replace")
	// a new path ID for the same prefix replaces nothing
	a3 := adjReadTestPath(t, "45.1.0.0/24", 3, 10, false)
	samePaths(t, []*Path{nil}, update(a3), "another path ID")

	// withdrawal of ID 2: a2 (never replaced) is reported, not a1b
	samePaths(t, []*Path{a2}, update(adjReadTestPath(t, "45.1.0.0/24", 2, 0, true)), "withdrawal")
	// withdrawn again, and a prefix never held: nothing
	samePaths(t, []*Path{nil, nil}, update(
		adjReadTestPath(t, "45.1.0.0/24", 2, 0, true),
		adjReadTestPath(t, "45.9.0.0/24", 0, 0, true)), "withdrawals of nothing held")

	// within one list, a later path sees the earlier one; nil entries and
	// an EOR report nothing
	b1 := adjReadTestPath(t, "45.2.0.0/24", 0, 10, false)
	b2 := adjReadTestPath(t, "45.2.0.0/24", 0, 20, false)
	eor := NewEOR(family)
	got := update(b1, nil, eor, b2, adjReadTestPath(t, "45.1.0.0/24", 1, 0, true))
	samePaths(t, []*Path{nil, nil, nil, b1, a1b}, got, "one list")

	// the rejected path it replaced is reported too (the server's hook
	// leaves it out)
	r := adjReadTestPath(t, "45.3.0.0/24", 0, 10, false)
	r.SetRejected(true)
	samePaths(t, []*Path{nil}, update(r), "new, rejected")
	r2 := adjReadTestPath(t, "45.3.0.0/24", 0, 20, false)
	samePaths(t, []*Path{r}, update(r2), "replacing a rejected path")

	// Update (no report) stores the same
	adj.Update([]*Path{adjReadTestPath(t, "45.3.0.0/24", 0, 0, true)})
	assert.ElementsMatch(t, []*Path{a3, b2}, adj.PathList([]bgp.RouteFamily{family}, false))
	assert.Equal(t, 2, adj.Accepted([]bgp.RouteFamily{family}))
}

func readAll(adj *AdjRib, families []bgp.RouteFamily) []AdjPath {
	var l []AdjPath
	adj.ReadPaths(families, func(p AdjPath) { l = append(l, p) })
	sort.Slice(l, func(i, j int) bool {
		if a, b := l[i].NLRI.String(), l[j].NLRI.String(); a != b {
			return a < b
		}
		return l[i].PathID < l[j].PathID
	})
	return l
}

// ReadPaths, CountPaths and LookupPath give the paths held, IPv4 and
// IPv6, with their attributes and path IDs, and leave out a path
// rejected on receipt.
func TestAdjRibReadPaths(t *testing.T) {
	v4, v6 := bgp.RF_IPv4_UC, bgp.RF_IPv6_UC
	both := []bgp.RouteFamily{v4, v6}
	adj := NewAdjRib(logger, both)
	assert.Empty(t, readAll(adj, both))
	assert.Equal(t, 0, adj.CountPaths(both))

	received := time.Now().Add(-time.Hour)
	a1 := adjReadTestPath(t, "45.1.0.0/24", 1, 10, false)
	a2 := adjReadTestPath(t, "45.1.0.0/24", 2, 20, false)
	b := adjReadTestPath(t, "2001:db8:1::/48", 0, 30, false)
	b.setTimestamp(received)
	rej := adjReadTestPath(t, "45.5.0.0/24", 0, 40, false)
	rej.SetRejected(true)
	adj.Update([]*Path{a1, a2, b, rej})

	want := func(p *Path) AdjPath {
		return AdjPath{NLRI: p.GetNlri(), PathID: p.GetNlri().PathIdentifier(), Attrs: p.GetPathAttrs(), Received: p.GetTimestamp()}
	}
	assert.Equal(t, []AdjPath{want(a1), want(a2)}, readAll(adj, []bgp.RouteFamily{v4}))
	assert.Equal(t, []AdjPath{want(b)}, readAll(adj, []bgp.RouteFamily{v6}))
	assert.Len(t, readAll(adj, both), 3)
	assert.Equal(t, 2, adj.CountPaths([]bgp.RouteFamily{v4}))
	assert.Equal(t, 1, adj.CountPaths([]bgp.RouteFamily{v6}))
	assert.Equal(t, 3, adj.CountPaths(both))
	assert.Equal(t, 4, adj.Count(both), "the rejected path is held")
	assert.Empty(t, readAll(adj, []bgp.RouteFamily{bgp.RF_IPv4_MPLS}), "a family not configured")
	assert.Equal(t, 0, adj.CountPaths([]bgp.RouteFamily{bgp.RF_IPv4_MPLS}))

	// the attributes are the held path's own
	got := readAll(adj, []bgp.RouteFamily{v6})[0]
	med, ok := got.Attrs[1].(*bgp.PathAttributeMultiExitDisc)
	require.True(t, ok)
	assert.Equal(t, uint32(30), med.Value)
	assert.Equal(t, received.Unix(), got.Received.Unix())

	lookup := func(prefix string, id uint32) (AdjPath, bool) {
		t.Helper()
		// the NLRI's own path ID is not what is looked up
		return adj.LookupPath(adjReadTestPath(t, prefix, 77, 0, false).GetNlri(), id)
	}
	p, ok := lookup("45.1.0.0/24", 2)
	require.True(t, ok)
	assert.Equal(t, want(a2), p)
	p, ok = lookup("45.1.0.0/24", 1)
	require.True(t, ok)
	assert.Equal(t, want(a1), p)
	_, ok = lookup("45.1.0.0/24", 3)
	assert.False(t, ok, "a path ID not held")
	_, ok = lookup("45.1.0.0/24", 0)
	assert.False(t, ok, "a path ID not held")
	p, ok = lookup("2001:db8:1::/48", 0)
	require.True(t, ok)
	assert.Equal(t, want(b), p)
	_, ok = lookup("2001:db8:2::/48", 0)
	assert.False(t, ok, "a prefix not held")
	_, ok = lookup("45.5.0.0/24", 0)
	assert.False(t, ok, "a rejected path")
	v4only := NewAdjRib(logger, []bgp.RouteFamily{v4})
	_, ok = v4only.LookupPath(b.GetNlri(), 0)
	assert.False(t, ok, "a family not configured")

	// a replacement and a withdrawal are seen at once
	a2b := adjReadTestPath(t, "45.1.0.0/24", 2, 21, false)
	adj.Update([]*Path{a2b, adjReadTestPath(t, "45.1.0.0/24", 1, 0, true)})
	assert.Equal(t, []AdjPath{want(a2b)}, readAll(adj, []bgp.RouteFamily{v4}))
	_, ok = lookup("45.1.0.0/24", 1)
	assert.False(t, ok)
	// the rejected path, accepted on a new announcement, is read
	acc := adjReadTestPath(t, "45.5.0.0/24", 0, 41, false)
	adj.Update([]*Path{acc})
	p, ok = lookup("45.5.0.0/24", 0)
	require.True(t, ok)
	assert.Equal(t, want(acc), p)
	assert.Equal(t, 3, adj.CountPaths(both))
	// and stale marks (graceful restart) leave the paths readable
	adj.StaleAll(both)
	assert.Equal(t, 3, adj.CountPaths(both))
	adj.Drop([]bgp.RouteFamily{v4})
	assert.Equal(t, []AdjPath{want(b)}, readAll(adj, both))
}

// The readers run beside the server loop's writers: under -race, this
// fails if a writer or a reader goes without the lock.
func TestAdjRibReadConcurrent(t *testing.T) {
	v4, v6 := bgp.RF_IPv4_UC, bgp.RF_IPv6_UC
	both := []bgp.RouteFamily{v4, v6}
	adj := NewAdjRib(logger, both)
	const rounds = 300
	const prefixes = 16
	paths := func(round int, withdraw bool) []*Path {
		l := make([]*Path, 0, 2*prefixes)
		for i := 0; i < prefixes; i++ {
			l = append(l, adjReadTestPath(t, fmt.Sprintf("45.%d.0.0/24", i), uint32(i%2), uint32(round), withdraw),
				adjReadTestPath(t, fmt.Sprintf("2001:db8:%x::/48", i), 0, uint32(round), withdraw))
		}
		return l
	}
	// built here: adjReadTestPath may not call require off the test goroutine
	announce := make([][]*Path, rounds)
	withdraw := make([][]*Path, rounds)
	for r := range announce {
		announce[r] = paths(r, false)
		if r%7 == 3 {
			withdraw[r] = paths(r, true)
		}
	}
	probe := adjReadTestPath(t, "45.3.0.0/24", 0, 0, false).GetNlri()

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the server loop
		defer wg.Done()
		defer close(done)
		for r := 0; r < rounds; r++ {
			adj.Update(announce[r])
			switch r % 10 {
			case 1:
				adj.StaleAll(both)
			case 2:
				adj.DropStale(both)
			case 5:
				adj.MarkLLGRStaleOrDrop([]bgp.RouteFamily{v6})
			case 8:
				adj.Drop([]bgp.RouteFamily{v4})
			}
			if withdraw[r] != nil {
				adj.Update(withdraw[r])
			}
		}
	}()
	var reads, seen int
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			adj.ReadPaths(both, func(p AdjPath) {
				if p.NLRI != nil && len(p.Attrs) > 0 {
					seen++
				}
			})
			if p, ok := adj.LookupPath(probe, 1); ok && p.PathID != 1 {
				panic("wrong path ID")
			}
			if n := adj.CountPaths(both); n < 0 || n > 2*prefixes {
				panic(fmt.Sprintf("count %d", n))
			}
			reads++
		}
	}()
	wg.Wait()
	t.Logf("%d reads beside %d rounds of updates, %d paths seen", reads, rounds, seen)
	assert.Equal(t, 2*prefixes, adj.CountPaths(both))
}

// BenchmarkAdjRibUpdateLock: what the write lock adds to an UPDATE of one
// path that replaces the one held (the commonest Adj-RIB-In change).
func BenchmarkAdjRibUpdateLock(b *testing.B) {
	for _, locked := range []bool{false, true} {
		b.Run(fmt.Sprintf("locked=%v", locked), func(b *testing.B) {
			adj := NewAdjRib(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
			l := [2][]*Path{
				{adjReadTestPath(b, "45.1.0.0/24", 0, 1, false)},
				{adjReadTestPath(b, "45.1.0.0/24", 0, 2, false)},
			}
			adj.Update(l[1])
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if locked {
					adj.Update(l[i&1])
				} else {
					adj.update(l[i&1], nil)
				}
			}
		})
	}
}
