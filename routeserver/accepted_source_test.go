package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

// Addresses of the accepted-source tests: 127.10.34.x.
func addr34(host byte) string { return fmt.Sprintf("127.10.34.%d", host) }

func acceptedSourceConfig() string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "STATE"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:4534::2"
prefixes = ["45.34.0.0/16+", "2a0a:4534::/32+"]
`, addr34(1), addr34(2))
}

// TestStoreAnswersAcceptedFromGoBGP: over a real session, the store keeps
// only the rejected routes, yet its counts, listings and lookups answer
// for the accepted ones (GoBGP's Adj-RIB-In, read through gobgp patch 34)
// in both families; a filter change that rejects an accepted route makes
// the store keep it with its reason and a history entry, and one that
// accepts it again lets it go; withdrawals and the session's end leave
// nothing behind.
func TestStoreAnswersAcceptedFromGoBGP(t *testing.T) {
	rs := startRS(t, acceptedSourceConfig(), nil)
	ctx := context.Background()
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr34(2), Address: addr34(2), RSAddr: addr34(1), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	nh4, nh6 := addr34(2), "2a0a:4534::2"
	accepted := []filters.Route{route("45.34.1.0/24", nh4, 21001), route("45.34.2.0/24", nh4, 21001), route("2a0a:4534:1::/48", nh6, 21001)}
	rejected := []filters.Route{route("45.99.1.0/24", nh4, 21001), route("2a0a:4599::/48", nh6, 21001)}
	if err := a.Announce(append(slices.Clone(accepted), rejected...)...); err != nil {
		t.Fatal(err)
	}
	st := rs.Store()
	waitFor(t, 30*time.Second, "all five routes", func() bool { return st.Counts("a").Received == 5 && st.Held() == 2 })
	if c := st.Counts("a"); c.Accepted != 3 || c.Rejected != 2 || c.ByReason[filters.ReasonPrefixNotRegistered] != 2 {
		t.Fatalf("counts %+v", c)
	}
	if fc := st.FamilyCounts("a"); fc[0].Accepted != 2 || fc[0].Rejected != 1 || fc[1].Accepted != 1 || fc[1].Rejected != 1 {
		t.Fatalf("family counts %+v", fc)
	}
	if n := st.Held(); n != 2 {
		t.Fatalf("the store keeps %d routes, want only the 2 rejected ones", n)
	}
	acc := false
	var got []string
	st.List(routestore.Query{Peer: "a", Rejected: &acc}, func(e routestore.Entry) bool {
		got = append(got, fmt.Sprintf("%s %s %v", e.Key.Prefix, e.Route.NextHop, e.Route.ASPath))
		if e.ReceivedAt.IsZero() {
			t.Errorf("%s: no receive time", e.Key.Prefix)
		}
		return true
	})
	want := []string{"45.34.1.0/24 " + nh4 + " 21001", "45.34.2.0/24 " + nh4 + " 21001", "2a0a:4534:1::/48 " + nh6 + " 21001"}
	if !slices.Equal(got, want) {
		t.Fatalf("accepted listing\n got %q\nwant %q", got, want)
	}
	if e, ok := st.Get("a", routestoreKey(mustPrefix("2a0a:4534:1::/48"))); !ok || !e.Verdict.Accepted() || e.Route.NextHop.String() != nh6 {
		t.Fatalf("Get of an accepted IPv6 route: %v %+v", ok, e)
	}
	// the filter shrinks: 45.34.2.0/24 and the IPv6 route are rejected now
	if _, err := rs.SetPeerFilter(ctx, "a", []filters.PrefixRange{{Prefix: mustPrefix("45.34.1.0/24"), Min: 24, Max: 24}}, nil); err != nil {
		t.Fatal(err)
	}
	if c := st.Counts("a"); c.Accepted != 1 || c.Rejected != 4 || st.Held() != 4 {
		t.Fatalf("after the filter change: %+v, store keeps %d", c, st.Held())
	}
	for _, p := range []string{"45.34.2.0/24", "2a0a:4534:1::/48"} {
		e, ok := st.Get("a", routestoreKey(mustPrefix(p)))
		if !ok || !e.Verdict.Has(filters.ReasonPrefixNotRegistered) {
			t.Fatalf("%s after the filter change: %v %+v", p, ok, e.Verdict)
		}
		if h := st.History(mustPrefix(p), "a"); len(h) != 1 || !h[0].Old.Accepted() || h[0].New.Accepted() {
			t.Fatalf("%s history: %+v", p, h)
		}
	}
	// and widens again: they leave the store
	if _, err := rs.SetPeerFilter(ctx, "a", []filters.PrefixRange{{Prefix: mustPrefix("45.34.0.0/16"), Min: 16, Max: 32},
		{Prefix: mustPrefix("2a0a:4534::/32"), Min: 32, Max: 128}}, nil); err != nil {
		t.Fatal(err)
	}
	if c := st.Counts("a"); c.Accepted != 3 || c.Rejected != 2 || st.Held() != 2 {
		t.Fatalf("after widening: %+v, store keeps %d", c, st.Held())
	}
	// an accepted route replaced by a rejected one (a bogon ASN in its
	// path): the store learns from GoBGP that it replaced an accepted
	// path, so the rejection is a verdict change
	if err := a.Announce(route("45.34.1.0/24", nh4, 21001, 64512)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the replacing announcement", func() bool { return st.Held() == 3 })
	if h := st.History(mustPrefix("45.34.1.0/24"), "a"); len(h) != 1 || !h[0].Old.Accepted() || !h[0].New.Has(filters.ReasonBogonASN) {
		t.Fatalf("history of the replaced route: %+v", h)
	}
	if err := a.Withdraw(mustPrefix("45.34.1.0/24"), mustPrefix("45.34.2.0/24"), mustPrefix("45.99.1.0/24")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the withdrawals", func() bool { return st.Counts("a").Received == 2 })
	if c := st.Counts("a"); c.Accepted != 1 || c.Rejected != 1 || st.Held() != 1 {
		t.Fatalf("after withdrawals: %+v, store keeps %d", c, st.Held())
	}
	a.Close()
	waitFor(t, 30*time.Second, "the session's end", func() bool { return st.Counts("a").Received == 0 && st.Held() == 0 })
	var left []netip.Prefix
	st.List(routestore.Query{Peer: "a"}, func(e routestore.Entry) bool { left = append(left, e.Key.Prefix); return true })
	if len(left) != 0 {
		t.Fatalf("routes listed after the session ended: %v", left)
	}
}
