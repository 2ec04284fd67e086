package routeserver

import (
	"context"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// TestSetPeerFilterLive changes a peer's allowed list on a live session and
// checks that routes move between accepted and rejected both in GoBGP (what
// the other peer receives) and in the store, without a session reset, and
// that GoBGP's longest-match-only prefix sets were normalised.
func TestSetPeerFilterLive(t *testing.T) {
	rs := startRS(t, diffConfig, nil)
	ctx := context.Background()
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: addr(3), Address: addr(3), RSAddr: addr(1), RSPort: 179, RSASN: 21000, Password: "bravo"})
	if err := b.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr(2), Address: addr(2), RSAddr: addr(1), RSPort: 179, RSASN: 21000, Password: "alpha"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	nested := route("46.1.7.0/24", addr(2), 21001) // needs the /8 range despite the nested /16 entry
	other := route("46.2.0.0/24", addr(2), 21001)
	if err := a.Announce(nested, other); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "store to see both routes", func() bool { return rs.Store().Counts("a").Received == 2 })
	var since time.Time
	for _, p := range rs.Peers() {
		if p.Name == "a" {
			since = p.Since
		}
	}
	has := func(r filters.Route) bool {
		got, _ := b.ReceivedSet(ctx)
		_, ok := got[r.Prefix]
		return ok
	}
	if has(nested) || has(other) {
		t.Fatal("unregistered routes reached b before the filter change")
	}
	allowed := []filters.PrefixRange{
		{Prefix: mustPrefix("46.0.0.0/8"), Min: 8, Max: 24},
		{Prefix: mustPrefix("46.1.0.0/16"), Min: 16, Max: 16},
	}
	fc, err := rs.SetPeerFilter(ctx, "a", allowed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fc.VerdictChanges != 2 {
		t.Fatalf("store verdict changes = %d, want 2", fc.VerdictChanges)
	}
	waitFor(t, 10*time.Second, "b to receive both routes after the change", func() bool { return has(nested) && has(other) })
	// shrink: only 46.2.0.0/16 remains
	if _, err := rs.SetPeerFilter(ctx, "a", []filters.PrefixRange{{Prefix: mustPrefix("46.2.0.0/16"), Min: 16, Max: 24}}, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "b to lose 46.1.7.0/24", func() bool { return !has(nested) && has(other) })
	e, _ := rs.Store().Get("a", routestoreKey(nested.Prefix))
	if !e.Verdict.Has(filters.ReasonPrefixNotRegistered) {
		t.Fatalf("store verdict for %s: %+v", nested.Prefix, e.Verdict)
	}
	for _, p := range rs.Peers() {
		if p.Name == "a" && (p.State != "ESTABLISHED" || !p.Since.Equal(since)) {
			t.Fatalf("peer a's session was disturbed: %s since %s (was %s)", p.State, p.Since, since)
		}
	}
}
