package routeserver

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// TestBIRDOverIPv6Session: a BIRD client whose session runs over ::1
// exchanges IPv6 routes with a BIRD client on an IPv4 session. On a single
// loopback address BIRD refuses to announce its own address (= the
// neighbour's, ::1) as next hop, so this test runs with next_hop = "off"
// and a next hop in the client's own space; the strict check over IPv6 is
// covered by TestBIRDPeers with ExaBGP.
func TestBIRDOverIPv6Session(t *testing.T) {
	speakers.Require(t, "bird")
	rs := startRS(t, fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s", "::1"]
listen_port = 179
state_dir = "S"

[filters]
next_hop = "off"

[[peers]]
name = "v6"
address = "::1"
asn = 21004
password = "six-secret"
prefixes = ["2a0a:4::/32{32,48}"]

[[peers]]
name = "v4"
address = "%[2]s"
asn = 21002
families = ["ipv4", "ipv6"]
prefixes = ["2a0a:2::/32{32,48}"]
`, birdAddr(21), birdAddr(22)), nil)
	six := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21004, RouterID: birdAddr(23),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: "::1", LocalPort: speakers.Port6(speakers.PkgRouteServer, 2),
			PeerAddr: "::1", PeerASN: 21000, Password: "six-secret", IPv6: true, ImportAll: true}},
		Static6: []speakers.StaticRoute{{Prefix: "2a0a:4:1::/48", NextHop: "2a0a:4::1"}, {Prefix: "2001:db8:4::/48", NextHop: "2a0a:4::1"}}})
	four := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: birdAddr(22),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: birdAddr(22), PeerAddr: birdAddr(21), PeerASN: 21000, IPv6: true, ImportAll: true}},
		Static6:   []speakers.StaticRoute{{Prefix: "2a0a:2:1::/48"}}})
	for name, b := range map[string]*speakers.BIRD{"six": six, "four": four} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", name, err)
		}
	}
	if _, err := four.WaitRoutes("master6", func(rs []speakers.Route) bool {
		r := speakers.FindRoute(rs, "2a0a:4:1::/48")
		return len(r) == 1 && r[0].HasPath(21004) && r[0].NextHop == netip.MustParseAddr("2a0a:4::1")
	}, 30*time.Second); err != nil {
		t.Fatalf("IPv6 route from the ::1 session did not arrive unchanged: %v", err)
	}
	if _, err := six.WaitRoutes("master6", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, "2a0a:2:1::/48")) == 1
	}, 30*time.Second); err != nil {
		t.Fatalf("the ::1 session did not receive the IPv6 route of the IPv4 session: %v", err)
	}
	e, ok := rs.Store().Get("v6", routestoreKey(netip.MustParsePrefix("2001:db8:4::/48")))
	if !ok || e.Verdict.Accepted() {
		t.Fatalf("documentation prefix over the IPv6 session: %+v %v", e.Verdict, ok)
	}
	// the accepted route is answered from GoBGP's Adj-RIB-In of the ::1
	// session, which the store does not copy
	a, ok := rs.Store().Get("v6", routestoreKey(netip.MustParsePrefix("2a0a:4:1::/48")))
	if !ok || !a.Verdict.Accepted() || a.Route.NextHop != netip.MustParseAddr("2a0a:4::1") || a.Route.ASPath.String() != "21004" {
		t.Fatalf("accepted route over the IPv6 session: %v %+v", ok, a)
	}
	if c := rs.Store().Counts("v6"); c.Received != 2 || c.Accepted != 1 || c.Rejected != 1 {
		t.Fatalf("counts of the IPv6 session: %+v", c)
	}
	routes, _ := four.Routes("", "master6")
	if len(speakers.FindRoute(routes, "2001:db8:4::/48")) != 0 {
		t.Fatal("bogon reached the other client")
	}
}
