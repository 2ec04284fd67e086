package dampening

import (
	"net/netip"
	"runtime"
	"testing"
	"time"
)

const benchRoutes = 300_000

// benchKeys returns n distinct /24s from 45.0.0.0 upwards (public space).
func benchKeys(n int) []Key {
	keys := make([]Key, n)
	for i := range keys {
		a := uint32(45)<<24 + uint32(i)<<8
		addr := netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		keys[i] = Key{Peer: "p1", Prefix: netip.PrefixFrom(addr, 24)}
	}
	return keys
}

// The benchmarks pass each event's Prior themselves, as the route server
// does from its route store, so that only the engine is measured (the
// tests' announce helper keeps a map of its own).
var (
	benchFirst     = Prior{}
	benchAnnounced = Prior{Announced: true, AttrHash: 1}
)

func benchEngine(b *testing.B, keys []Key) *Engine {
	b.Helper()
	e := mustNew(b, DefaultParams(), WithDefaultMode(ModeEnforce))
	for _, k := range keys {
		e.Announce(k, benchFirst, 1, base)
	}
	return e
}

// BenchmarkAnnounce measures Announce over 300,000 distinct keys: first
// announcements into a growing table, duplicate UPDATEs, and attribute
// changes (penalty events).
func BenchmarkAnnounce(b *testing.B) {
	keys := benchKeys(benchRoutes)
	b.Run("new", func(b *testing.B) {
		e := mustNew(b, DefaultParams())
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if i > 0 && i%benchRoutes == 0 {
				b.StopTimer()
				e = mustNew(b, DefaultParams())
				b.StartTimer()
			}
			e.Announce(keys[i%benchRoutes], benchFirst, 1, base)
		}
	})
	b.Run("duplicate", func(b *testing.B) {
		e := benchEngine(b, keys)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			e.Announce(keys[i%benchRoutes], benchAnnounced, 1, base)
		}
	})
	b.Run("attribute-change", func(b *testing.B) {
		e := benchEngine(b, keys)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			now := base.Add(time.Duration(i) * time.Millisecond)
			prev := Prior{Announced: true, AttrHash: uint64(i/benchRoutes + 1)}
			e.Announce(keys[i%benchRoutes], prev, prev.AttrHash+1, now)
		}
	})
}

// BenchmarkFlap measures a withdraw/re-announce cycle (two penalty events).
func BenchmarkFlap(b *testing.B) {
	keys := benchKeys(benchRoutes)
	e := benchEngine(b, keys)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		now := base.Add(time.Duration(i) * time.Millisecond)
		k := keys[i%benchRoutes]
		e.Withdraw(k, benchAnnounced, now)
		e.Announce(k, benchFirst, 1, now)
	}
}

// BenchmarkMemoryPerRoute reports the engine's heap bytes per route after
// 300,000 first announcements (B/route: ~0, the engine keeps no state for
// routes that never flapped), and per route once each is withdrawn.
func BenchmarkMemoryPerRoute(b *testing.B) {
	keys := benchKeys(benchRoutes)
	b.Run("announced", func(b *testing.B) {
		for b.Loop() {
			before := heapInUse()
			e := benchEngine(b, keys)
			after := heapInUse()
			b.ReportMetric(float64(after-before)/benchRoutes, "B/route")
			runtime.KeepAlive(e)
		}
	})
	b.Run("penalized", func(b *testing.B) {
		for b.Loop() {
			e := benchEngine(b, keys)
			before := heapInUse()
			for _, k := range keys {
				e.Withdraw(k, benchAnnounced, base)
			}
			after := heapInUse()
			b.ReportMetric(float64(after-before)/benchRoutes, "B/penalized-route")
			runtime.KeepAlive(e)
		}
	})
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkTick measures a Tick over 300,000 announced routes of which
// 10,000 are penalized: its cost follows the penalized routes only.
func BenchmarkTick(b *testing.B) {
	keys := benchKeys(benchRoutes)
	e := benchEngine(b, keys)
	for _, k := range keys[:10_000] {
		e.Withdraw(k, benchAnnounced, base)
		e.Announce(k, benchFirst, 1, base)
	}
	now := base.Add(time.Minute) // nothing decays away yet
	b.ResetTimer()
	for b.Loop() {
		e.Tick(now)
	}
}
