package routestore

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

var roundTripKeys = []Key{
	{},
	{PathID: 7},
	{Prefix: netip.MustParsePrefix("45.1.0.0/24")},
	{Prefix: netip.MustParsePrefix("0.0.0.0/0"), PathID: 1},
	{Prefix: netip.MustParsePrefix("45.1.2.3/32"), PathID: 1<<32 - 1},
	{Prefix: netip.MustParsePrefix("2a0a:4580::/29")},
	{Prefix: netip.MustParsePrefix("::/0")},
	{Prefix: netip.MustParsePrefix("2a0a:4580::1/128"), PathID: 3},
	{Prefix: netip.MustParsePrefix("::ffff:45.1.0.0/120")}, // IPv4-mapped stays IPv6
}

func TestPackedKeyRoundTrip(t *testing.T) {
	for _, k := range roundTripKeys {
		got := k.packed().key()
		if got != k {
			t.Errorf("%v (path id %d) came back as %v (path id %d)", k.Prefix, k.PathID, got.Prefix, got.PathID)
		}
	}
	a, b := Key{Prefix: netip.MustParsePrefix("45.1.0.0/24")}, Key{Prefix: netip.MustParsePrefix("45.1.0.0/23")}
	if a.packed() == b.packed() {
		t.Error("prefixes of different lengths pack the same")
	}
	if a.packed() == (Key{Prefix: netip.MustParsePrefix("::ffff:45.1.0.0/24")}).packed() {
		t.Error("an IPv4 prefix and an IPv4-mapped IPv6 prefix pack the same")
	}
}

// TestRouteMapRoundTrip: IPv4 routes live under their own short key; every
// key comes back from the map as it went in, once.
func TestRouteMapRoundTrip(t *testing.T) {
	m := newRouteMap()
	for i, k := range roundTripKeys {
		m.set(k, record{at: int64(i + 1)})
	}
	if m.len() != len(roundTripKeys) || len(m.v4) != 3 {
		t.Fatalf("%d routes, %d of them IPv4; want %d and 3", m.len(), len(m.v4), len(roundTripKeys))
	}
	seen := map[Key]bool{}
	for k, r := range m.all() {
		if seen[k] || r.at == 0 || roundTripKeys[r.at-1] != k {
			t.Errorf("%v (path id %d) yielded with record %d, seen before %v", k.Prefix, k.PathID, r.at, seen[k])
		}
		seen[k] = true
	}
	for i, k := range roundTripKeys {
		if r, ok := m.get(k); !ok || r.at != int64(i+1) {
			t.Errorf("get %v: %v %v", k.Prefix, r.at, ok)
		}
		m.del(k)
		if _, ok := m.get(k); ok {
			t.Errorf("%v still there after del", k.Prefix)
		}
	}
	if m.len() != 0 {
		t.Errorf("%d routes left", m.len())
	}
}

// TestStoreGivesBackWhatWasPut: every field of an Entry survives the
// compact record, whatever other routes share.
func TestStoreGivesBackWhatWasPut(t *testing.T) {
	s := New(0)
	at := time.Date(2026, 11, 29, 21, 0, 0, 123, time.UTC)
	p := netip.MustParsePrefix("45.1.0.0/24")
	full := Entry{Peer: "a", Key: Key{Prefix: p, PathID: 4}, Attrs: Attrs{Origin: OriginEGP, MED: 50, HasMED: true},
		Route: filters.Route{Prefix: p, ASPath: filters.ASPath{{Type: filters.SegSequence, ASNs: []uint32{21001, 21002}},
			{Type: filters.SegSet, ASNs: []uint32{21003, 21004}}}, NextHop: netip.MustParseAddr("45.255.0.1"), Blackhole: true},
		Verdict: filters.Verdict{RPKI: rpki.StateInvalid, Rejections: []filters.Rejection{{Reason: filters.ReasonRPKIInvalid, Detail: "origin AS21002 not authorised"}},
			Notes: []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered, Detail: "not in AS-A"}}},
		ReceivedAt: at, AttrHash: 99, LearnedFrom: "b",
		Communities: filters.Communities{Std: []filters.Community{filters.NewCommunity(21001, 1)}, Large: []filters.LargeCommunity{{Global: 21001, Local1: 2, Local2: 3}}}}
	other := full
	other.Key = Key{Prefix: netip.MustParsePrefix("45.1.1.0/24")}
	other.Route.Prefix = other.Key.Prefix
	odd := full // a route whose Route.Prefix is not its Key's is kept as given
	odd.Key = Key{Prefix: netip.MustParsePrefix("45.1.2.0/24")}
	bare := Entry{Peer: "a", Key: Key{Prefix: netip.MustParsePrefix("2a0a:4580::/32")}}
	for _, e := range []Entry{full, other, odd, bare} {
		s.Put(e)
	}
	for _, want := range []Entry{full, other, odd, bare} {
		got, ok := s.Get("a", want.Key)
		if !ok {
			t.Fatalf("%v not found", want.Key)
		}
		if !got.ReceivedAt.Equal(want.ReceivedAt) {
			t.Errorf("%v: received %v, want %v", want.Key.Prefix, got.ReceivedAt, want.ReceivedAt)
		}
		got.ReceivedAt, want.ReceivedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v:\n got %+v\nwant %+v", want.Key.Prefix, got, want)
		}
	}
}

// TestStoreSharesAndFreesAttributes: routes with the same attributes share
// one copy, a different verdict does not split them, and the last route
// gone frees the copy (a table churning through attributes must not grow).
func TestStoreSharesAndFreesAttributes(t *testing.T) {
	s := New(0)
	now := time.Now()
	for i := 0; i < 100; i++ {
		s.Put(memEntry(0, i, now))
	}
	tab := s.peers["peer0"]
	attrs, verdicts := tab.sums()
	// memEntry: 6 origins (each with its own community), both families; 3
	// rejected shapes, one of them per route (i%100 == 71)
	if attrs != 6 || verdicts != 3 {
		t.Fatalf("%d attribute sets and %d verdicts for 100 routes, want 6 and 3", attrs, verdicts)
	}
	a, _ := s.Get("peer0", memEntry(0, 0, now).Key)
	b, _ := s.Get("peer0", memEntry(0, 18, now).Key) // same origin and community
	if &a.Route.ASPath[0].ASNs[0] != &b.Route.ASPath[0].ASNs[0] {
		t.Error("routes with the same attributes do not share their AS path")
	}
	s.Reevaluate("peer0", func(_ string, r filters.Route) filters.Verdict {
		return filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonDampened, Detail: "suppressed"}}}
	})
	if attrs, verdicts := tab.sums(); attrs != 6 || verdicts != 1 || len(tab.sets) != 6 {
		t.Errorf("after re-evaluating to one verdict: %d attribute sets, %d verdicts, %d pairs kept, want 6, 1, 6", attrs, verdicts, len(tab.sets))
	}
	if c := s.Counts("peer0"); c.Rejected != 100 || c.ByReason[filters.ReasonDampened] != 100 {
		t.Errorf("counts after re-evaluation %+v", c)
	}
	for i := 0; i < 100; i++ {
		s.Put(memEntry(0, i, now)) // back to their own verdicts
	}
	for i := 0; i < 100; i++ {
		s.Withdraw("peer0", memEntry(0, i, now).Key)
	}
	if attrs, verdicts := tab.sums(); attrs != 0 || verdicts != 0 || len(tab.sets) != 0 || tab.routes.len() != 0 {
		t.Errorf("all withdrawn: %d attribute sets, %d verdicts, %d pairs, %d routes kept", attrs, verdicts, len(tab.sets), tab.routes.len())
	}
	if c := s.Counts("peer0"); c.Received != 0 || c.Rejected != 0 {
		t.Errorf("counts after withdrawing everything %+v", c)
	}
}

// TestVerdictsListsEveryRoute: a max-prefix recount reads every route's
// key and current verdict from Verdicts.
func TestVerdictsListsEveryRoute(t *testing.T) {
	s := New(0)
	now := time.Now()
	want := map[Key]bool{} // accepted
	for i := 0; i < 200; i++ {
		e := memEntry(1, i, now)
		s.Put(e)
		want[e.Key] = e.Verdict.Accepted()
	}
	s.ReevaluateKeys("peer1", []Key{memEntry(1, 0, now).Key}, func(filters.Route) filters.Verdict {
		return filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonDampened}}}
	})
	want[memEntry(1, 0, now).Key] = false
	got := s.Verdicts("peer1")
	if len(got) != len(want) {
		t.Fatalf("%d routes listed, want %d", len(got), len(want))
	}
	for _, kv := range got {
		if acc, ok := want[kv.Key]; !ok || acc != kv.Verdict.Accepted() {
			t.Errorf("%v: accepted %v, want %v (known %v)", kv.Key.Prefix, kv.Verdict.Accepted(), acc, ok)
		}
	}
	if s.Verdicts("nobody") != nil {
		t.Error("routes listed for an unknown peer")
	}
}

func TestKeySet(t *testing.T) {
	s := NewKeySet()
	for _, k := range roundTripKeys {
		if s.Has(k) {
			t.Errorf("%v in the empty set", k.Prefix)
		}
		s.Add(k)
		s.Add(k)
	}
	if s.Len() != len(roundTripKeys) {
		t.Fatalf("%d keys, want %d", s.Len(), len(roundTripKeys))
	}
	for _, k := range roundTripKeys {
		if !s.Has(k) {
			t.Errorf("%v (path id %d) missing", k.Prefix, k.PathID)
		}
		s.Delete(k)
		if s.Has(k) {
			t.Errorf("%v still in after Delete", k.Prefix)
		}
	}
	if s.Len() != 0 {
		t.Errorf("%d keys left", s.Len())
	}
}

// TestUnlinkFromAChain: sets whose hashes collide share a chain; freeing
// one keeps the others findable, wherever it sits in the chain.
func TestUnlinkFromAChain(t *testing.T) {
	next := func(a *attrSet) **attrSet { return &a.next }
	chain := func(m map[uint64]*attrSet) (out []*attrSet) {
		for a := m[1]; a != nil; a = a.next {
			out = append(out, a)
		}
		return out
	}
	for drop := 0; drop < 3; drop++ {
		sets := []*attrSet{{sum: 1}, {sum: 1}, {sum: 1}}
		sets[0].next, sets[1].next = sets[1], sets[2]
		m := map[uint64]*attrSet{1: sets[0]}
		unlink(m, 1, sets[drop], next)
		var want []*attrSet
		for i, a := range sets {
			if i != drop {
				want = append(want, a)
			}
		}
		if got := chain(m); !reflect.DeepEqual(got, want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("dropping set %d: chain of %d, want %d", drop, len(got), len(want))
		}
	}
	only := &attrSet{sum: 1}
	m := map[uint64]*attrSet{1: only}
	unlink(m, 1, only, next)
	if len(m) != 0 {
		t.Error("the last set of a chain left its hash in the map")
	}
}
