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

func benchEngine(b *testing.B, keys []Key) *Engine {
	b.Helper()
	e := mustNew(b, DefaultParams(), WithDefaultMode(ModeEnforce))
	for _, k := range keys {
		e.Announce(k, 1, base)
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
			e.Announce(keys[i%benchRoutes], 1, base)
		}
	})
	b.Run("duplicate", func(b *testing.B) {
		e := benchEngine(b, keys)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			e.Announce(keys[i%benchRoutes], 1, base)
		}
	})
	b.Run("attribute-change", func(b *testing.B) {
		e := benchEngine(b, keys)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			now := base.Add(time.Duration(i) * time.Millisecond)
			e.Announce(keys[i%benchRoutes], uint64(i/benchRoutes+2), now)
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
		e.Withdraw(k, now)
		e.Announce(k, 1, now)
	}
}

// BenchmarkMemoryPerRoute reports heap bytes per tracked route for 300,000
// announced routes, and per penalized route (withdrawn once) on top.
func BenchmarkMemoryPerRoute(b *testing.B) {
	keys := benchKeys(benchRoutes)
	b.Run("announced", func(b *testing.B) {
		for b.Loop() {
			before := heapInUse()
			e := benchEngine(b, keys)
			after := heapInUse()
			b.ReportMetric(float64(after-before)/benchRoutes, "bytes/route")
			runtime.KeepAlive(e)
		}
	})
	b.Run("penalized", func(b *testing.B) {
		for b.Loop() {
			e := benchEngine(b, keys)
			before := heapInUse()
			for _, k := range keys {
				e.Withdraw(k, base)
			}
			after := heapInUse()
			b.ReportMetric(float64(after-before)/benchRoutes, "extra-bytes/penalized-route")
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

// BenchmarkTick measures a Tick over 300,000 tracked routes of which 10,000
// are penalized: its cost follows the penalized routes only.
func BenchmarkTick(b *testing.B) {
	keys := benchKeys(benchRoutes)
	e := benchEngine(b, keys)
	for _, k := range keys[:10_000] {
		flap(e, k, base)
	}
	now := base.Add(time.Minute) // nothing decays away yet
	b.ResetTimer()
	for b.Loop() {
		e.Tick(now)
	}
}
