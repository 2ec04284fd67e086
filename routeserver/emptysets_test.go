package routeserver

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// TestEmptyAllowSetDeniesItsFamily: a peer with IPv4 prefixes only must
// not get IPv6 routes through (GoBGP gives a set created empty no family,
// and its INVERT condition then never matches; emptysets.go).
func TestEmptyAllowSetDeniesItsFamily(t *testing.T) {
	rs := startRS(t, listsReloadConfig("", ""), nil)
	ctx := context.Background()
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: addrL(3), Address: addrL(3), RSAddr: addrL(1), RSPort: 179, RSASN: 21000})
	if err := b.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addrL(2), Address: addrL(2), RSAddr: addrL(1), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	v6 := route("2a0a:1::/32", "2a0a:1::2", 21001)
	for _, r := range []filters.Route{v6, route("45.1.0.0/24", addrL(2), 21001)} {
		if err := a.Announce(r); err != nil {
			t.Fatal(err)
		}
	}
	s := rs.Settings()
	if v := filters.Evaluate(v6, &s, rs.peers["a"].input.Load()); !v.Has(filters.ReasonPrefixNotRegistered) {
		t.Fatalf("evaluator: %+v", v)
	}
	waitFor(t, 20*time.Second, "b to receive 45.1.0.0/24", func() bool {
		got, err := b.ReceivedSet(ctx)
		_, ok := got[netip.MustParsePrefix("45.1.0.0/24")]
		return err == nil && ok
	})
	time.Sleep(500 * time.Millisecond) // the IPv6 route, if wrongly accepted, has arrived by now
	got, _ := b.ReceivedSet(ctx)
	if _, leaked := got[v6.Prefix]; leaked {
		t.Fatalf("unregistered %s reached b: an empty allow set did not deny its family", v6.Prefix)
	}
}
