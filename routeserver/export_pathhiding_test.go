package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

const pathHidingConfig = `
[global]
asn = 21000
router_id = "127.10.12.21"
listen_addresses = ["127.10.12.21"]
listen_port = 179
state_dir = "STATE"

[[peers]]
name = "a"
address = "127.10.12.22"
asn = 21001
prefixes = ["45.16.0.0/16+"]

[[peers]]
name = "b"
address = "127.10.12.23"
asn = 21002
prefixes = ["45.16.0.0/16+"]

[[peers]]
name = "c"
address = "127.10.12.24"
asn = 21003
prefixes = ["45.17.0.0/16+"]
`

// TestExportNoPathHiding (RFC 7947 §2.3.1): when the best path toward a
// client is held back by announcement control, the client gets the next
// best path for the prefix instead of nothing.
func TestExportNoPathHiding(t *testing.T) {
	rs := startRSStopFirst(t, pathHidingConfig)
	ctx := context.Background()
	c := startSpeaker(t, SpeakerConfig{ASN: 21003, RouterID: exportAddr(24), Address: exportAddr(24), RSAddr: exportAddr(21), RSPort: 179, RSASN: 21000})
	rs.stopFirst(t)
	if err := c.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	dial := func(asn uint32, host byte) *RawPeer {
		p, err := DialRawPeer(ctx, SpeakerConfig{ASN: asn, RouterID: exportAddr(host), Address: exportAddr(host), RSAddr: exportAddr(21), RSPort: 179, RSASN: 21000})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		return p
	}
	a, b := dial(21001, 22), dial(21002, 23)
	pfx := netip.MustParsePrefix("45.16.1.0/24")
	// a's path is shorter, so it is best everywhere, but it must not reach AS21003
	if err := a.AnnounceWithCommunities(filters.Route{Prefix: pfx, ASPath: filters.Seq(21001), NextHop: netip.MustParseAddr(exportAddr(22))},
		filters.Communities{Std: []filters.Community{filters.NewCommunity(0, 21003)}}); err != nil {
		t.Fatal(err)
	}
	if err := b.AnnounceWithCommunities(filters.Route{Prefix: pfx, ASPath: filters.Seq(21002, 21012), NextHop: netip.MustParseAddr(exportAddr(23))},
		filters.Communities{}); err != nil {
		t.Fatal(err)
	}
	var got []decodedPath
	waitFor(t, 20*time.Second, "AS21003 to receive the prefix from AS21002", func() bool {
		var err error
		got, err = c.ReceivedIPv4(ctx)
		return err == nil && len(got) == 1 && got[0].Route.ASPath.String() == "21002 21012"
	})
	// a path carrying AS21003 itself (it would drop it as a loop) must not
	// hide b's either
	loop := netip.MustParsePrefix("45.16.2.0/24")
	if err := a.AnnounceWithCommunities(filters.Route{Prefix: loop, ASPath: filters.Seq(21001, 21003), NextHop: netip.MustParseAddr(exportAddr(22))},
		filters.Communities{}); err != nil {
		t.Fatal(err)
	}
	if err := b.AnnounceWithCommunities(filters.Route{Prefix: loop, ASPath: filters.Seq(21002, 21012, 21013), NextHop: netip.MustParseAddr(exportAddr(23))},
		filters.Communities{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "AS21003 to receive the loop-free path", func() bool {
		got, err := c.ReceivedIPv4(ctx)
		if err != nil {
			return false
		}
		for _, g := range got {
			if g.Key.Prefix == loop {
				return g.Route.ASPath.String() == "21002 21012 21013"
			}
		}
		return false
	})
	// and when a withdraws, b's path stays; when a comes back, still b's
	if err := a.Withdraw(pfx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	got, _ = c.ReceivedIPv4(ctx)
	n := 0
	for _, g := range got {
		if g.Key.Prefix == pfx {
			n++
			if g.Route.ASPath.String() != "21002 21012" {
				t.Errorf("after a's withdrawal AS21003 has %s via %s", pfx, g.Route.ASPath)
			}
		}
	}
	if n != 1 {
		t.Fatalf("after a's withdrawal AS21003 has %v", fmt.Sprint(got))
	}
}
