package irrsync

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routeserver"
)

// slash24s returns n consecutive /24 ranges (exact length) from start.
func slash24s(start string, n int) []filters.PrefixRange {
	a := netip.MustParseAddr(start).As4()
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8
	out := make([]filters.PrefixRange, n)
	for i := range out {
		v := base + uint32(i)<<8
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), 0}), 24)
		out[i] = filters.PrefixRange{Prefix: p, Min: 24, Max: 24}
	}
	return out
}

// BenchmarkApply100kPrefixChange measures one live filter change of a peer
// with an established session: SetPeerFilter from one 100,000-entry list to
// another that shares half of it (50,000 entries deleted, 50,000 added),
// alternating between the two lists. Reported besides ns/op
// (runtime.MemStats): MB allocated and mallocs per change, the heap the
// installed 100k filter holds, and the heap growth over all changes.
// The soft reset the change schedules runs asynchronously and is not in
// ns/op.
func BenchmarkApply100kPrefixChange(b *testing.B) {
	const n = 100_000
	toml := fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "state"

[irr]
files = [%[3]q]

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
as_set = "AS-ALPHA"
`, syncAddr(11), syncAddr(12), mustAbs(b, testdata("v1.rpsl")))
	cfg, err := config.Parse([]byte(toml), "bench.toml", b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	rs := routeserver.New(cfg, routeserver.Options{Logger: testLogger()})
	ctx := context.Background()
	if err := rs.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer rs.Stop()
	sp, err := routeserver.StartSpeaker(ctx, routeserver.SpeakerConfig{ASN: 21001, RouterID: syncAddr(12),
		Address: syncAddr(12), RSAddr: syncAddr(11), RSPort: 179, RSASN: 21000}, testLogger())
	if err != nil {
		b.Fatal(err)
	}
	defer sp.Stop()
	if err := sp.WaitEstablished(ctx, 30*time.Second); err != nil {
		b.Fatal(err)
	}
	// some routes for the soft reset and the store re-evaluation to chew on
	for _, r := range slash24s("45.0.0.0", 500) {
		route := filters.Route{Prefix: r.Prefix, NextHop: netip.MustParseAddr(syncAddr(12)), ASPath: filters.Seq(21001)}
		if err := sp.Announce(ctx, route); err != nil {
			b.Fatal(err)
		}
	}

	listA := slash24s("45.0.0.0", n)
	listB := make([]filters.PrefixRange, 0, n)
	fresh := slash24s("80.0.0.0", n/2)
	for i, r := range listA {
		if i%2 == 0 {
			listB = append(listB, r)
		} else {
			listB = append(listB, fresh[i/2])
		}
	}
	origins := filters.NewOriginSet("AS-ALPHA", []uint32{21001, 21011})
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	if _, err := rs.SetPeerFilter(ctx, "a", listA, origins); err != nil {
		b.Fatal(err)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next := listB
		if i%2 == 1 {
			next = listA
		}
		fc, err := rs.SetPeerFilter(ctx, "a", next, origins)
		if err != nil {
			b.Fatal(err)
		}
		if fc.Added != n/2 || fc.Deleted != n/2 {
			b.Fatalf("change %d: added %d, deleted %d; want %d each", i, fc.Added, fc.Deleted, n/2)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N), "mallocs/op")
	runtime.GC()
	runtime.ReadMemStats(&after)
	// what holding a 100k filter costs the route server (GoBGP's prefix
	// sets, the evaluator's list), measured against the heap before the
	// first list was installed
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(base.HeapAlloc))/(1<<20), "filter-heap-MB")
	// what the changes left behind beyond the first install (≈0: no leak)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-growth-MB")
}

func mustAbs(t testing.TB, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
