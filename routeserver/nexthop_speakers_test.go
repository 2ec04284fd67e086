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

// This file's speakers use 127.10.1.x (engineer octet 1 of the package's
// block), so it runs beside the 127.10.0.x tests.
func nhAddr(host byte) string { return fmt.Sprintf("127.10.1.%d", host) }

// nhGlobal is the [global] table of a route server listening on rsA only.
func nhGlobal(rsA string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "S"
`, rsA)
}

// TestIPv6NextHopOverIPv4Session is issue 8 on the wire: ExaBGP clients
// announce IPv6 routes over IPv4 sessions (MP-BGP), a BIRD client receives.
//   - x carries ipv4+ipv6 and has ipv6_address: a third-party IPv6 next hop
//     is rejected (next_hop_mismatch) and never reaches y; its own IPv6
//     address as next hop is accepted and arrives at y unchanged.
//   - z carries ipv4 only (families default): GoBGP does not negotiate
//     IPv6, so its IPv6 route never arrives; the operator sees it in z's
//     status, and explain says invalid_afi.
func TestIPv6NextHopOverIPv4Session(t *testing.T) {
	speakers.Require(t, "exabgp")
	speakers.Require(t, "bird")
	rsA := nhAddr(1)
	rs := startRS(t, nhGlobal(rsA)+fmt.Sprintf(`
[[peers]]
name = "x"
address = "%[2]s"
asn = 21001
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:4580::2"
prefixes = ["45.65.0.0/22{22,24}", "2a0a:4580::/29{29,48}"]

[[peers]]
name = "y"
address = "%[3]s"
asn = 21002
families = ["ipv4", "ipv6"]
prefixes = []

[[peers]]
name = "z"
address = "%[4]s"
asn = 21003
prefixes = ["45.66.0.0/22{22,24}", "2a0a:4590::/32{32,48}"]
`, nhAddr(1), nhAddr(2), nhAddr(3), nhAddr(4)), nil)

	exa := func(host byte, asn uint32) *speakers.ExaBGP {
		return speakers.StartExaBGP(t, speakers.ExaBGPConfig{LocalAddr: nhAddr(host), ASN: asn,
			Neighbors: []speakers.ExaBGPNeighbor{{PeerAddr: nhAddr(1), PeerASN: 21000, IPv4: true, IPv6: true}}})
	}
	x, z := exa(2, 21001), exa(4, 21003)
	y := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: nhAddr(3),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: nhAddr(3), PeerAddr: nhAddr(1), PeerASN: 21000,
			IPv4: true, IPv6: true, ImportAll: true}}})
	for name, e := range map[string]*speakers.ExaBGP{"x": x, "z": z} {
		if err := e.WaitEstablished(nhAddr(1), 60*time.Second); err != nil {
			t.Fatalf("ExaBGP %s: %v", name, err)
		}
	}
	if err := y.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatalf("BIRD y: %v", err)
	}

	const third, own = "2a0a:4580::/32", "2a0a:4581::/32"
	if err := x.Announce(third, "2a0a:ffff::1", []uint32{21001}); err != nil {
		t.Fatal(err)
	}
	if err := x.Announce(own, "2a0a:4580::2", []uint32{21001}); err != nil {
		t.Fatal(err)
	}
	if err := x.Announce("45.65.1.0/24", nhAddr(2), []uint32{21001}); err != nil {
		t.Fatal(err)
	}
	if err := z.Announce("45.66.1.0/24", nhAddr(4), []uint32{21003}); err != nil {
		t.Fatal(err)
	}
	// ExaBGP acknowledges this but has no IPv6 session to send it on.
	zErr := z.Announce("2a0a:4590::/32", "2a0a:4590::1", []uint32{21003})
	t.Logf("ExaBGP z, IPv6 announce on an IPv4-only session: %v", zErr)

	got6, err := y.WaitRoutes("master6", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, own)) > 0
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("y never received %s: %v", own, err)
	}
	if _, err := y.WaitRoutes("master4", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, "45.65.1.0/24")) > 0 && len(speakers.FindRoute(rs, "45.66.1.0/24")) > 0
	}, 30*time.Second); err != nil {
		t.Fatalf("y never received the IPv4 routes: %v", err)
	}
	waitFor(t, 30*time.Second, "the store to hold x's 3 routes", func() bool { return rs.Store().Counts("x").Received == 3 })
	time.Sleep(time.Second) // anything wrongly propagated would arrive by now
	got6, _ = y.Routes("", "master6")

	// accepted, next hop unchanged (RFC 7947 transparency)
	if r := speakers.FindRoute(got6, own); len(r) != 1 || r[0].NextHop != netip.MustParseAddr("2a0a:4580::2") || !r[0].HasPath(21001) {
		t.Errorf("y's %s = %+v, want next hop 2a0a:4580::2 path [21001]", own, r)
	}
	// the third-party next hop: rejected, with evidence, never at y
	if r := speakers.FindRoute(got6, third); len(r) != 0 {
		t.Errorf("y received %s with a third-party next hop: %+v", third, r)
	}
	e, ok := rs.Store().Get("x", routestoreKey(mustPrefix(third)))
	if !ok || len(e.Verdict.Rejections) != 1 || e.Verdict.Rejections[0].Reason != filters.ReasonNextHopMismatch {
		t.Fatalf("store entry for %s: %v %+v", third, ok, e.Verdict)
	}
	if d := e.Verdict.Rejections[0].Detail; !strings.Contains(d, "2a0a:ffff::1") || !strings.Contains(d, "2a0a:4580::2") {
		t.Errorf("evidence %q must name the next hop and the allowed address", d)
	}
	if e, ok := rs.Store().Get("x", routestoreKey(mustPrefix(own))); !ok || !e.Verdict.Accepted() {
		t.Errorf("store entry for %s: %v %+v", own, ok, e.Verdict)
	}

	// z: IPv4 only. Its IPv6 route never arrives at the route server nor y.
	if r := speakers.FindRoute(got6, "2a0a:4590::/32"); len(r) != 0 {
		t.Errorf("y received z's IPv6 route: %+v", r)
	}
	if _, ok := rs.Store().Get("z", routestoreKey(mustPrefix("2a0a:4590::/32"))); ok {
		t.Error("z's IPv6 route reached the route server although IPv6 was not negotiated")
	}
	// what the operator sees: z's status says IPv6 was offered and refused
	var zStatus PeerStatus
	waitFor(t, 10*time.Second, "z's status to report the refused family", func() bool {
		for _, p := range rs.Peers() {
			if p.Name == "z" {
				zStatus = p
			}
		}
		return strings.Contains(zStatus.LastError, "invalid_afi")
	})
	if !strings.Contains(zStatus.LastError, "ipv6") || zStatus.State != "ESTABLISHED" {
		t.Errorf("z status %q %q", zStatus.State, zStatus.LastError)
	}
	t.Logf("z's status: %s", zStatus.LastError)
	// and explain gives the true verdict for the route z could not send
	v, err := rs.Explain("z", route("2a0a:4590::/32", "2a0a:4590::1", 21003))
	if err != nil || !v.Has(filters.ReasonInvalidAFI) || !v.Has(filters.ReasonNextHopMismatch) {
		t.Errorf("explain z IPv6: %+v %v", v, err)
	}
	// the IPv4 session of z is unaffected
	if e, ok := rs.Store().Get("z", routestoreKey(mustPrefix("45.66.1.0/24"))); !ok || !e.Verdict.Accepted() {
		t.Errorf("z's IPv4 route: %v %+v", ok, e.Verdict)
	}
}
