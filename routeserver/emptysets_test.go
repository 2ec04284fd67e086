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
	rs := startRS(t, `
[global]
asn = 21000
router_id = "127.10.2.1"
listen_addresses = ["127.10.2.1"]
listen_port = 179
state_dir = "STATE"
[[peers]]
name = "a"
address = "127.10.2.2"
asn = 21001
families = ["ipv4", "ipv6"] # IPv6 negotiated, but no IPv6 prefix registered
ipv6_address = "2a0a:1::2"
prefixes = ["45.1.0.0/16+"]
[[peers]]
name = "b"
address = "127.10.2.3"
asn = 21002
families = ["ipv4", "ipv6"]
`, nil)
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
