package routeserver

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
)

func birdAddr(host byte) string { return speakers.Addr(speakers.PkgRouteServer, host) }

// birdRSConfig: the route server on 127.10.0.11 and ::1, four BIRD clients.
func birdRSConfig() string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s", "::1"]
listen_port = 179
state_dir = "STATE"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
password = "alpha-secret"
# a announces IPv6 over its IPv4 session, next hop its own IPv6 address
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:1::12"
prefixes = ["45.1.0.0/16{16,24}", "2a0a:1::/32{32,48}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
password = "bravo-secret"
families = ["ipv4", "ipv6"]
prefixes = ["45.2.0.0/16{16,24}", "2a0a:2::/32{32,48}"]

[[peers]]
name = "c"
address = "%[4]s"
asn = 21003
password = "charlie-secret"
prefixes = ["45.3.0.0/16{16,24}"]

[[peers]]
name = "d"
address = "::1"
asn = 21004
password = "delta-secret"
prefixes = ["2a0a:4::/32{32,48}"]
`, birdAddr(11), birdAddr(12), birdAddr(13), birdAddr(14))
}

func rsNeighbor(local, password string, asn uint32) speakers.BIRDNeighbor {
	return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: birdAddr(11), PeerASN: 21000,
		LocalASN: asn, Password: password, IPv4: true, IPv6: true, ImportAll: true}
}

func longPath(n int) []uint32 {
	p := make([]uint32, n)
	for i := range p {
		p[i] = 21001
	}
	return p
}

// TestBIRDPeers runs the route server against real BIRD 2 clients: MD5
// sessions, transparent propagation (AS path and next hop unchanged, no
// route-server ASN), every reject reason triggered by a real announcement
// and never propagated, a wrong password that never establishes, and an
// IPv6 session over ::1.
func TestBIRDPeers(t *testing.T) {
	speakers.Require(t, "bird")
	rs := startRS(t, birdRSConfig(), nil)

	type expect struct {
		route   speakers.StaticRoute
		reasons []filters.Reason
	}
	fromA := []expect{
		{speakers.StaticRoute{Prefix: "45.1.1.0/24"}, nil},
		{speakers.StaticRoute{Prefix: "45.1.2.0/24", ASPath: []uint32{21001, 21011}}, nil},
		{speakers.StaticRoute{Prefix: "10.1.0.0/16"}, []filters.Reason{filters.ReasonBogonPrefix, filters.ReasonPrefixNotRegistered}},
		{speakers.StaticRoute{Prefix: "45.1.3.128/25"}, []filters.Reason{filters.ReasonPrefixLength, filters.ReasonPrefixNotRegistered}},
		{speakers.StaticRoute{Prefix: "45.9.0.0/24"}, []filters.Reason{filters.ReasonPrefixNotRegistered}},
		{speakers.StaticRoute{Prefix: "45.1.4.0/24", ASPath: []uint32{21001, 64512}}, []filters.Reason{filters.ReasonBogonASN}},
		{speakers.StaticRoute{Prefix: "45.1.5.0/24", ASPath: longPath(40)}, []filters.Reason{filters.ReasonASPathTooLong}},
		{speakers.StaticRoute{Prefix: "45.1.6.0/24", NextHop: birdAddr(99)}, []filters.Reason{filters.ReasonNextHopMismatch}},
		{speakers.StaticRoute{Prefix: "45.1.7.0/24", ASPath: []uint32{21009, 21001}}, []filters.Reason{filters.ReasonFirstASMismatch}},
	}
	fromA6 := []expect{
		{speakers.StaticRoute{Prefix: "2a0a:1:1::/48"}, nil},
		{speakers.StaticRoute{Prefix: "2001:db8:5::/48"}, []filters.Reason{filters.ReasonBogonPrefix, filters.ReasonPrefixNotRegistered}},
	}
	var static4, static6 []speakers.StaticRoute
	for _, e := range fromA {
		static4 = append(static4, e.route)
	}
	for _, e := range fromA6 {
		static6 = append(static6, e.route)
	}
	toRSa := rsNeighbor(birdAddr(12), "alpha-secret", 21001)
	toRSa.NextHopAddr6 = "2a0a:1::12" // a's configured ipv6_address
	a := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: birdAddr(12),
		Neighbors: []speakers.BIRDNeighbor{toRSa},
		Static4:   static4, Static6: static6})
	b := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: birdAddr(13),
		Neighbors: []speakers.BIRDNeighbor{rsNeighbor(birdAddr(13), "bravo-secret", 21002)},
		Static4:   []speakers.StaticRoute{{Prefix: "45.2.1.0/24"}}})
	c := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21003, RouterID: birdAddr(14),
		Neighbors: []speakers.BIRDNeighbor{rsNeighbor(birdAddr(14), "not-the-password", 21003)},
		Static4:   []speakers.StaticRoute{{Prefix: "45.3.1.0/24"}}})
	// The IPv6-transport client is ExaBGP on ::1: on a single loopback
	// address BIRD refuses to announce its own address (= the neighbor's)
	// as next hop, and the strict next-hop check requires exactly that.
	speakers.Require(t, "exabgp")
	d := speakers.StartExaBGP(t, speakers.ExaBGPConfig{RouterID: birdAddr(15), LocalAddr: "::1", ASN: 21004,
		Neighbors: []speakers.ExaBGPNeighbor{{PeerAddr: "::1", PeerASN: 21000, Password: "delta-secret", IPv6: true}}})

	for name, sp := range map[string]*speakers.BIRD{"a": a, "b": b} {
		if err := sp.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", name, err)
		}
	}
	if err := d.WaitEstablished("::1", 60*time.Second); err != nil {
		t.Fatalf("ExaBGP d over ::1: %v", err)
	}
	if err := d.Announce("2a0a:4:1::/48", "::1", []uint32{21004}); err != nil {
		t.Fatal(err)
	}

	// b receives exactly the accepted routes, unchanged.
	want4 := map[string][]uint32{"45.1.1.0/24": {21001}, "45.1.2.0/24": {21001, 21011}}
	got4, err := b.WaitRoutes("master4", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, "45.1.1.0/24")) > 0 && len(speakers.FindRoute(rs, "45.1.2.0/24")) > 0
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("b never received a's valid routes: %v", err)
	}
	got6, err := b.WaitRoutes("master6", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, "2a0a:1:1::/48")) > 0 && len(speakers.FindRoute(rs, "2a0a:4:1::/48")) > 0
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("b never received the IPv6 routes (from a over IPv4, from d over ::1): %v", err)
	}
	waitFor(t, 30*time.Second, "the store to hold all of a's routes", func() bool {
		return rs.Store().Counts("a").Received == len(fromA)+len(fromA6)
	})
	time.Sleep(time.Second) // anything wrongly propagated would arrive by now
	got4, _ = b.Routes("", "master4")
	got6, _ = b.Routes("", "master6")
	for prefix, path := range want4 {
		r := speakers.FindRoute(got4, prefix)
		if len(r) != 1 || !r[0].HasPath(path...) || r[0].NextHop != netip.MustParseAddr(birdAddr(12)) {
			t.Errorf("b's route %s = %+v, want path %v next hop %s (transparent)", prefix, r, path, birdAddr(12))
		}
	}
	if r := speakers.FindRoute(got6, "2a0a:4:1::/48"); len(r) != 1 || !r[0].HasPath(21004) {
		t.Errorf("b's route 2a0a:4:1::/48 = %+v, want path [21004]", r)
	}
	for _, r := range append(got4, got6...) {
		for _, asn := range r.ASPath {
			if asn == 21000 {
				t.Errorf("route %s carries the route server's ASN: %v", r.Prefix, r.ASPath)
			}
		}
	}
	// every rejected route: all expected reasons in the store, never at b
	for _, e := range append(fromA, fromA6...) {
		p := netip.MustParsePrefix(e.route.Prefix)
		entry, ok := rs.Store().Get("a", routestoreKey(p))
		if !ok {
			t.Errorf("%s: not in the route store", p)
			continue
		}
		var got []filters.Reason
		for _, r := range entry.Verdict.Rejections {
			got = append(got, r.Reason)
		}
		if fmt.Sprint(got) != fmt.Sprint(e.reasons) {
			t.Errorf("%s: reasons %v, want %v (%+v)", p, got, e.reasons, entry.Verdict.Rejections)
		}
		atB := len(speakers.FindRoute(append(got4, got6...), e.route.Prefix)) > 0
		if atB != (len(e.reasons) == 0) {
			t.Errorf("%s: at b = %v, but reasons %v", p, atB, e.reasons)
		}
	}
	// a receives b's route with b's path and next hop
	if _, err := a.WaitRoutes("master4", func(rs []speakers.Route) bool {
		r := speakers.FindRoute(rs, "45.2.1.0/24")
		return len(r) == 1 && r[0].HasPath(21002) && r[0].NextHop == netip.MustParseAddr(birdAddr(13))
	}, 30*time.Second); err != nil {
		t.Errorf("a did not receive b's route transparently: %v", err)
	}
	// the wrong password never establishes and nothing from c is accepted
	state, info, _, _ := c.ProtocolState("to_rs")
	if strings.EqualFold(info, "Established") || rs.Store().Counts("c").Received != 0 {
		t.Fatalf("peer c with a wrong MD5 password: BIRD state %s/%s, store %+v", state, info, rs.Store().Counts("c"))
	}
	for _, p := range rs.Peers() {
		if p.Name == "c" && p.State == "ESTABLISHED" {
			t.Fatal("route server shows c established despite the wrong password")
		}
	}
	if len(speakers.FindRoute(got4, "45.3.1.0/24")) != 0 {
		t.Fatal("c's route reached b")
	}
}
