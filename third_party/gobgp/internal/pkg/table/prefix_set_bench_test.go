package table

import (
	"fmt"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// prefixSetHeap is the live heap after two collections.
func prefixSetHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// memoryPrefixSetConfig is n distinct IPv4 /24 entries, each with the
// exact-length range an IRR-derived filter has (24..24).
func memoryPrefixSetConfig(n int) oc.PrefixSet {
	list := make([]oc.Prefix, n)
	for i := range list {
		list[i] = oc.Prefix{IpPrefix: fmt.Sprintf("%d.%d.%d.0/24", 45+i>>16, byte(i>>8), byte(i)), MasklengthRange: "24..24"}
	}
	return oc.PrefixSet{PrefixSetName: "mem", PrefixList: list}
}

// BenchmarkPrefixSetMemory reports the heap one prefix-set entry keeps
// (bytes/entry) once the set is built: the route server holds one such set
// per peer and family, as large as the peer's IRR list. Run it alone: it
// measures the whole heap.
func BenchmarkPrefixSetMemory(b *testing.B) {
	const n = 100_000
	var per []float64
	for range b.N {
		c := memoryPrefixSetConfig(n)
		before := prefixSetHeap()
		s, err := NewPrefixSet(c)
		if err != nil {
			b.Fatal(err)
		}
		after := prefixSetHeap()
		if got := len(s.List()); got != n {
			b.Fatalf("set holds %d entries, want %d", got, n)
		}
		runtime.KeepAlive(c)
		per = append(per, float64(int64(after)-int64(before))/n)
	}
	sort.Float64s(per)
	b.ReportMetric(per[len(per)/2], "bytes/entry")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkPrefixConditionEvaluate is one import-policy prefix check
// against a 100,000-entry set: a listed route and an unlisted one.
func BenchmarkPrefixConditionEvaluate(b *testing.B) {
	s, err := NewPrefixSet(memoryPrefixSetConfig(100_000))
	if err != nil {
		b.Fatal(err)
	}
	c := &PrefixCondition{set: s}
	in := NewPath(nil, bgp.NewIPAddrPrefix(24, "46.1.2.0"), false, []bgp.PathAttributeInterface{}, time.Now(), false)
	out := NewPath(nil, bgp.NewIPAddrPrefix(24, "99.1.2.0"), false, []bgp.PathAttributeInterface{}, time.Now(), false)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if !c.Evaluate(in, nil) || c.Evaluate(out, nil) {
			b.Fatal("wrong verdict")
		}
	}
}
