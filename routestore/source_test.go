package routestore

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/rsguard/rsguard/filters"
)

// adjRibIn stands in for GoBGP's Adj-RIB-In in these unit tests of the
// store's own logic: what it holds and what the store keeps must add up to
// every received route. routeserver's tests run the real one.
type adjRibIn map[string]map[Key]Entry

func (a adjRibIn) Peers() []string {
	var out []string
	for p, m := range a {
		if len(m) > 0 {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func (a adjRibIn) Count(peer string) [2]int {
	var n [2]int
	for k := range a[peer] {
		if k.Prefix.Addr().Is4() {
			n[0]++
		} else {
			n[1]++
		}
	}
	return n
}

func (a adjRibIn) Keys(peer string, fn func(Key)) {
	for k := range a[peer] {
		fn(k)
	}
}

func (a adjRibIn) Received(peer string, want func(Key) bool, fn func(Entry) bool) {
	for k, e := range a[peer] {
		if want != nil && !want(k) {
			continue
		}
		if !fn(e) {
			return
		}
	}
}

func (a adjRibIn) ReceivedPath(peer string, k Key) (Entry, bool) {
	e, ok := a[peer][k]
	return e, ok
}

// sourced is a store backed by an adjRibIn, with an evaluator that
// rejects the prefixes in reject (an IRR filter the test changes).
type sourced struct {
	*Store
	adj    adjRibIn
	reject map[netip.Prefix]filters.Reason
}

func newSourced() *sourced {
	x := &sourced{Store: New(0), adj: adjRibIn{}, reject: map[netip.Prefix]filters.Reason{}}
	x.SetSource(x.adj, func() Evaluator { return x.eval })
	return x
}

func (x *sourced) eval(_ string, r filters.Route) filters.Verdict {
	if why, ok := x.reject[r.Prefix]; ok {
		return filters.Verdict{Rejections: []filters.Rejection{{Reason: why, Detail: "test"}}}
	}
	return filters.Verdict{Notes: []filters.Rejection{{Reason: filters.ReasonRPKIInvalid, Detail: "note"}}}
}

// announce is what the feed does: GoBGP's Adj-RIB-In takes the path
// first and says whether it replaced one; the store records the verdict.
func (x *sourced) announce(peer, prefix string) {
	e := entry(peer, prefix)
	if x.adj[peer] == nil {
		x.adj[peer] = map[Key]Entry{}
	}
	_, replaced := x.adj[peer][e.Key]
	x.adj[peer][e.Key] = e
	e.Verdict = x.eval(peer, e.Route)
	x.Record(e, replaced)
}

func (x *sourced) withdraw(peer, prefix string) {
	k := Key{Prefix: netip.MustParsePrefix(prefix)}
	delete(x.adj[peer], k)
	x.Withdraw(peer, k)
}

func (x *sourced) list(q Query) []string {
	var out []string
	x.List(q, func(e Entry) bool {
		v := "accept"
		if !e.Verdict.Accepted() {
			v = "reject"
		}
		out = append(out, e.Peer+" "+e.Key.Prefix.String()+" "+v)
		return true
	})
	return out
}

// TestSourcedStoreKeepsOnlyRejected: with a Source, accepted routes cost
// the store nothing, yet every query answers for them.
func TestSourcedStoreKeepsOnlyRejected(t *testing.T) {
	x := newSourced()
	x.reject[netip.MustParsePrefix("45.9.0.0/24")] = filters.ReasonPrefixNotRegistered
	for _, p := range []string{"45.1.0.0/24", "45.9.0.0/24", "2a00:1::/32"} {
		x.announce("a", p)
	}
	x.announce("b", "45.2.0.0/24")
	if x.total != 1 {
		t.Fatalf("store keeps %d routes, want only the rejected one", x.total)
	}
	if c := x.Counts("a"); c.Received != 3 || c.Accepted != 2 || c.Rejected != 1 || c.ByReason[filters.ReasonPrefixNotRegistered] != 1 {
		t.Fatalf("counts %+v", c)
	}
	if fc := x.FamilyCounts("a"); fc[0].Received != 2 || fc[0].Rejected != 1 || fc[1].Accepted != 1 {
		t.Fatalf("family counts %+v", fc)
	}
	want := []string{"a 45.1.0.0/24 accept", "a 45.9.0.0/24 reject", "a 2a00:1::/32 accept", "b 45.2.0.0/24 accept"}
	if got := x.list(Query{}); !slices.Equal(got, want) {
		t.Fatalf("all routes\n got %q\nwant %q", got, want)
	}
	acc, rej := false, true
	if got := x.list(Query{Rejected: &acc, Peer: "a"}); !slices.Equal(got, []string{"a 45.1.0.0/24 accept", "a 2a00:1::/32 accept"}) {
		t.Fatalf("accepted of a: %q", got)
	}
	if got := x.list(Query{Rejected: &rej}); !slices.Equal(got, []string{"a 45.9.0.0/24 reject"}) {
		t.Fatalf("rejected: %q", got)
	}
	if got := x.list(Query{Contains: netip.MustParseAddr("45.2.0.1")}); !slices.Equal(got, []string{"b 45.2.0.0/24 accept"}) {
		t.Fatalf("contains: %q", got)
	}
	if got := x.list(Query{Prefix: netip.MustParsePrefix("45.1.0.0/24")}); !slices.Equal(got, []string{"a 45.1.0.0/24 accept"}) {
		t.Fatalf("prefix: %q", got)
	}
	e, ok := x.Get("a", Key{Prefix: netip.MustParsePrefix("45.1.0.0/24")})
	if !ok || e.Peer != "a" || !e.Verdict.Accepted() || len(e.Verdict.Notes) != 1 {
		t.Fatalf("Get of an accepted route: %+v %v (want the evaluator's verdict, with its note)", e, ok)
	}
	if got := x.Peers(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("peers %v", got)
	}
	vs := x.Verdicts("a")
	rejected := 0
	for _, kv := range vs {
		if !kv.Verdict.Accepted() {
			rejected++
		}
	}
	if len(vs) != 3 || rejected != 1 {
		t.Fatalf("verdicts: %d routes, %d rejected; want 3, 1", len(vs), rejected)
	}
	// a route announced again with a verdict that accepts it leaves the store
	delete(x.reject, netip.MustParsePrefix("45.9.0.0/24"))
	x.announce("a", "45.9.0.0/24")
	if x.total != 0 || x.Counts("a").Rejected != 0 || x.Counts("a").Accepted != 3 {
		t.Fatalf("after acceptance: store keeps %d, counts %+v", x.total, x.Counts("a"))
	}
	x.withdraw("a", "45.1.0.0/24")
	if c := x.Counts("a"); c.Received != 2 {
		t.Fatalf("after withdrawal %+v", c)
	}
}

// TestSourcedStoreHistory: a route the store does not keep was accepted,
// so its rejection (by a new announcement or a re-evaluation) is a
// verdict change, and so is its acceptance again.
func TestSourcedStoreHistory(t *testing.T) {
	x := newSourced()
	p := netip.MustParsePrefix("45.1.0.0/24")
	x.announce("a", "45.1.0.0/24")
	x.reject[p] = filters.ReasonPrefixNotRegistered
	x.announce("a", "45.1.0.0/24") // replaces the accepted path
	h := x.History(p, "a")
	if len(h) != 1 || !h[0].Old.Accepted() || h[0].New.Accepted() || h[0].Cause != CauseAnnouncement {
		t.Fatalf("history after a rejecting announcement: %+v", h)
	}
	// a first announcement that is rejected is no change
	x.announce("a", "45.7.0.0/24")
	x.reject[netip.MustParsePrefix("45.7.0.0/24")] = filters.ReasonBogonPrefix
	x.withdraw("a", "45.7.0.0/24")
	x.announce("a", "45.7.0.0/24")
	if h := x.History(netip.MustParsePrefix("45.7.0.0/24"), "a"); len(h) != 0 {
		t.Fatalf("a new rejected announcement made history: %+v", h)
	}
	delete(x.reject, p)
	if n := x.ReevaluateBecause(CauseReload, "a", x.eval); n != 1 {
		t.Fatalf("re-evaluation changed %d verdicts, want 1", n)
	}
	if h := x.History(p, "a"); len(h) != 2 || !h[0].New.Accepted() || h[0].Cause != CauseReload {
		t.Fatalf("history after re-evaluation: %+v", h)
	}
}

// TestSourcedStoreReevaluation: an IRR change that rejects routes the
// store does not hold makes it keep them, with the reasons; ReevaluateKeys
// and ReevaluateCovered reach them too.
func TestSourcedStoreReevaluation(t *testing.T) {
	x := newSourced()
	for _, p := range []string{"45.1.0.0/24", "45.1.1.0/24", "45.2.0.0/24"} {
		x.announce("a", p)
	}
	x.announce("b", "45.1.0.0/24")
	x.reject[netip.MustParsePrefix("45.1.0.0/24")] = filters.ReasonPrefixNotRegistered
	if n := x.Reevaluate("a", x.eval); n != 1 {
		t.Fatalf("peer a: %d changes, want 1", n)
	}
	if c := x.Counts("a"); c.Rejected != 1 || c.Accepted != 2 || c.ByReason[filters.ReasonPrefixNotRegistered] != 1 {
		t.Fatalf("a after re-evaluation %+v", c)
	}
	if c := x.Counts("b"); c.Rejected != 0 {
		t.Fatalf("b re-evaluated with a: %+v", c)
	}
	if n := x.Reevaluate("", x.eval); n != 1 || x.Counts("b").Rejected != 1 {
		t.Fatalf("all peers: %d changes, b %+v", n, x.Counts("b"))
	}
	x.reject[netip.MustParsePrefix("45.2.0.0/24")] = filters.ReasonDampened
	x.ReevaluateKeys("a", []Key{{Prefix: netip.MustParsePrefix("45.2.0.0/24")}, {Prefix: netip.MustParsePrefix("45.99.0.0/24")}},
		func(r filters.Route) filters.Verdict { return x.eval("a", r) })
	if c := x.Counts("a"); c.Rejected != 2 || c.ByReason[filters.ReasonDampened] != 1 || c.Received != 3 {
		t.Fatalf("after ReevaluateKeys %+v (the unknown key must not appear)", c)
	}
	x.reject = map[netip.Prefix]filters.Reason{netip.MustParsePrefix("45.1.1.0/24"): filters.ReasonRPKIInvalid}
	under := netip.MustParsePrefix("45.1.0.0/16")
	res := x.ReevaluateCovered(func(p netip.Prefix) bool { return under.Overlaps(p) }, x.eval)
	ra := res["a"]
	if ra == nil || len(ra.Keys) != 2 || ra.VerdictChanges != 2 {
		t.Fatalf("covered of a: %+v, want 45.1.0.0/24 accepted again and 45.1.1.0/24 rejected", ra)
	}
	if ra.InvalidFlips < 1 {
		t.Fatalf("covered of a: a route that was accepted is now RPKI-invalid but no flip was counted: %+v", ra)
	}
	if c := x.Counts("a"); c.Rejected != 2 || c.ByReason[filters.ReasonRPKIInvalid] != 1 {
		t.Fatalf("after ReevaluateCovered %+v", c)
	}
}
