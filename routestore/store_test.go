package routestore

import (
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/filters"
)

func entry(peer, prefix string, reasons ...filters.Reason) Entry {
	p := netip.MustParsePrefix(prefix)
	e := Entry{Peer: peer, Key: Key{Prefix: p}, Route: filters.Route{Prefix: p}}
	for _, r := range reasons {
		e.Verdict.Rejections = append(e.Verdict.Rejections, filters.Rejection{Reason: r})
	}
	return e
}

func TestStoreCountsAndQueries(t *testing.T) {
	s := New(0)
	s.Put(entry("a", "45.1.0.0/24"))
	s.Put(entry("a", "10.0.0.0/8", filters.ReasonBogonPrefix, filters.ReasonPrefixNotRegistered))
	s.Put(entry("a", "45.9.0.0/24", filters.ReasonPrefixNotRegistered))
	s.Put(entry("b", "45.2.0.0/24"))
	if c := s.Counts("a"); c.Received != 3 || c.Accepted != 1 || c.Rejected != 2 || c.ByReason[filters.ReasonPrefixNotRegistered] != 2 {
		t.Fatalf("counts %+v", c)
	}
	// replacing a rejected route by an accepted one moves the counters
	s.Put(entry("a", "45.9.0.0/24"))
	if c := s.Counts("a"); c.Accepted != 2 || c.Rejected != 1 {
		t.Fatalf("after replace %+v", c)
	}
	var got []string
	rej := true
	s.List(Query{Rejected: &rej}, func(e Entry) bool { got = append(got, e.Key.Prefix.String()); return true })
	if len(got) != 1 || got[0] != "10.0.0.0/8" {
		t.Fatalf("rejected view %v", got)
	}
	got = nil
	s.List(Query{Contains: netip.MustParseAddr("45.2.0.9")}, func(e Entry) bool { got = append(got, e.Peer); return true })
	if len(got) != 1 || got[0] != "b" {
		t.Fatalf("contains query %v", got)
	}
	got = nil
	s.List(Query{Reason: filters.ReasonBogonPrefix}, func(e Entry) bool { got = append(got, e.Key.Prefix.String()); return true })
	if len(got) != 1 {
		t.Fatalf("reason query %v", got)
	}
	s.Withdraw("a", Key{Prefix: netip.MustParsePrefix("10.0.0.0/8")})
	if c := s.Counts("a"); c.Received != 2 || c.Rejected != 0 {
		t.Fatalf("after withdraw %+v", c)
	}
	changed := s.Reevaluate("a", func(_ string, r filters.Route) filters.Verdict {
		return filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonDampened}}}
	})
	if changed != 2 || s.Counts("a").Rejected != 2 || s.Counts("b").Rejected != 0 {
		t.Fatalf("reevaluate changed %d, counts %+v", changed, s.Counts("a"))
	}
	if n := s.DropPeer("a"); n != 2 || s.Counts("a").Received != 0 {
		t.Fatalf("drop %d", n)
	}
}

func TestStoreLimit(t *testing.T) {
	s := New(2)
	s.Put(entry("a", "45.1.0.0/24"))
	s.Put(entry("a", "45.1.1.0/24"))
	s.Put(entry("a", "45.1.2.0/24"))
	s.Put(entry("a", "45.1.0.0/24", filters.ReasonDampened)) // replacing fits
	if c := s.Counts("a"); c.Received != 2 || s.Dropped() != 1 || c.Rejected != 1 {
		t.Fatalf("counts %+v dropped %d", c, s.Dropped())
	}
}

// BenchmarkStorePut measures the store's cost and memory per route.
func BenchmarkStorePut(b *testing.B) {
	s := New(0)
	path := filters.Seq(21001, 21002)
	v := filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered, Detail: "not covered by any of the peer's 2 allowed prefixes"}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{45, byte(i >> 16), byte(i >> 8), 0}), 24)
		s.Put(Entry{Peer: "a", Key: Key{Prefix: p}, Route: filters.Route{Prefix: p, ASPath: path}, Verdict: v})
	}
}
