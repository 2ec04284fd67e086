package routestore

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/heapstat"
	"github.com/rsguard/rsguard/rpki"
)

// The large case of issue 11: 3 peers × 300,000 routes, a handful of AS
// paths per peer, 5% rejected with evidence (some of it per route).
const (
	memPeers         = 3
	memRoutesPerPeer = 300_000
)

// memEntry builds route i of peer p the way routeserver's decodePath does:
// every announcement arrives with its own freshly allocated AS path and
// communities, so what the store keeps per route is what it costs.
func memEntry(p, i int, now time.Time) Entry {
	peerASN := uint32(21001 + p)
	// three quarters IPv4 /24s, one quarter IPv6 /64s, all distinct
	pfx := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(40 + p*8 + i>>16), byte(i >> 8), byte(i), 0}), 24)
	if i%4 == 0 {
		pfx = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x2a, 0x0a, 0x45, byte(p), 0, byte(i >> 16), byte(i >> 8), byte(i)}), 64)
	}
	origin := 21100 + uint32(i%6) // six origins: six distinct AS paths per peer
	r := filters.Route{Prefix: pfx, ASPath: filters.ASPath{{Type: filters.SegSequence, ASNs: []uint32{peerASN, 21050, origin}}},
		NextHop: netip.AddrFrom4([4]byte{45, 255, 0, byte(p + 1)})}
	c := filters.Communities{Std: []filters.Community{filters.NewCommunity(uint16(peerASN), uint16(i%3))}}
	v := filters.Verdict{RPKI: rpki.StateNotFound}
	switch i % 100 {
	case 7, 29, 53: // the same evidence for many routes
		v.Rejections = []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered, Detail: "not covered by any of the peer's 2 allowed prefixes"}}
	case 71: // evidence naming the route
		v.Rejections = []filters.Rejection{{Reason: filters.ReasonPrefixLength, Detail: fmt.Sprintf("%s is longer than /48", pfx)}}
	case 97: // several reasons
		v.Rejections = []filters.Rejection{{Reason: filters.ReasonBogonASN, Detail: "AS64512 is private"},
			{Reason: filters.ReasonPrefixNotRegistered, Detail: "not in AS-EXAMPLE"}}
	}
	return Entry{Peer: fmt.Sprintf("peer%d", p), Key: Key{Prefix: pfx}, Route: r, Verdict: v, ReceivedAt: now,
		Communities: c, Attrs: Attrs{Origin: OriginIGP}, AttrHash: uint64(origin)<<8 | uint64(i%3)}
}

// BenchmarkStorePut900k reports the live heap the store holds per route
// (B/route) after 900k announcements, the number issue 11 is about.
// Run it alone: go test -run '^$' -bench StorePut900k -benchtime 1x ./routestore/
func BenchmarkStorePut900k(b *testing.B) {
	now := time.Now()
	for n := 0; n < b.N; n++ {
		before := heapstat.Live()
		s := New(0)
		for p := 0; p < memPeers; p++ {
			for i := 0; i < memRoutesPerPeer; i++ {
				s.Put(memEntry(p, i, now))
			}
		}
		after := heapstat.Live()
		if c := s.Counts("peer0"); c.Received != memRoutesPerPeer || c.Rejected != memRoutesPerPeer/20 {
			b.Fatalf("counts %+v", c)
		}
		b.ReportMetric(float64(after-before)/float64(memPeers*memRoutesPerPeer), "B/route")
		runtime.KeepAlive(s)
	}
}

// countOnly is a Source that holds nothing but the number of routes per
// peer: the store's own heap is what BenchmarkStorePut900kSourced measures
// (the paths themselves are GoBGP's Adj-RIB-In, held anyway).
type countOnly struct{ n int }

func (c countOnly) Peers() []string                                   { return nil }
func (c countOnly) Count(string) [2]int                               { return [2]int{c.n * 3 / 4, c.n / 4} }
func (c countOnly) Keys(string, func(Key))                            {}
func (c countOnly) Received(string, func(Key) bool, func(Entry) bool) {}
func (c countOnly) ReceivedPath(string, Key) (Entry, bool)            { return Entry{}, false }

// BenchmarkStorePut900kSourced is BenchmarkStorePut900k with a Source, as
// routeserver runs the store: only the rejected routes are kept.
func BenchmarkStorePut900kSourced(b *testing.B) {
	now := time.Now()
	for n := 0; n < b.N; n++ {
		before := heapstat.Live()
		s := New(0)
		s.SetSource(countOnly{n: memRoutesPerPeer}, func() Evaluator { return nil })
		for p := 0; p < memPeers; p++ {
			for i := 0; i < memRoutesPerPeer; i++ {
				s.Record(memEntry(p, i, now), false)
			}
		}
		after := heapstat.Live()
		if c := s.Counts("peer0"); c.Received != memRoutesPerPeer || c.Rejected != memRoutesPerPeer/20 {
			b.Fatalf("counts %+v", c)
		}
		b.ReportMetric(float64(after-before)/float64(memPeers*memRoutesPerPeer), "B/route")
		runtime.KeepAlive(s)
	}
}

// BenchmarkKeySet300k reports what a per-route set of keys (the max-prefix
// limiter's counted routes) costs a route: KeySet against map[Key]struct{}.
func BenchmarkKeySet300k(b *testing.B) {
	now := time.Now()
	keys := make([]Key, memRoutesPerPeer)
	for i := range keys {
		keys[i] = memEntry(0, i, now).Key
	}
	b.Run("KeySet", func(b *testing.B) {
		for n := 0; n < b.N; n++ {
			before := heapstat.Live()
			s := NewKeySet()
			for _, k := range keys {
				s.Add(k)
			}
			b.ReportMetric(float64(heapstat.Live()-before)/float64(len(keys)), "B/route")
			runtime.KeepAlive(s)
		}
	})
	b.Run("map", func(b *testing.B) {
		for n := 0; n < b.N; n++ {
			before := heapstat.Live()
			s := map[Key]struct{}{}
			for _, k := range keys {
				s[k] = struct{}{}
			}
			b.ReportMetric(float64(heapstat.Live()-before)/float64(len(keys)), "B/route")
			runtime.KeepAlive(s)
		}
	})
}

// BenchmarkStorePutRejected100k reports the heap per rejected route when
// every route has evidence of its own (nothing to share but the reason).
func BenchmarkStorePutRejected100k(b *testing.B) {
	const n = 100_000
	now := time.Now()
	for it := 0; it < b.N; it++ {
		before := heapstat.Live()
		s := New(0)
		for i := 0; i < n; i++ {
			e := memEntry(0, i, now)
			e.Verdict.Rejections = []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered, Detail: fmt.Sprintf("%s is not in AS-EXAMPLE", e.Key.Prefix)}}
			s.Put(e)
		}
		after := heapstat.Live()
		if c := s.Counts("peer0"); c.Rejected != n {
			b.Fatalf("counts %+v", c)
		}
		b.ReportMetric(float64(after-before)/n, "B/route")
		runtime.KeepAlive(s)
	}
}
