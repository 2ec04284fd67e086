package routeserver

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
)

// TestFRRPeers: FRR and BIRD as clients of the route server, with MD5.
// FRR's valid route reaches BIRD unchanged, its bogon is rejected with its
// reasons, and BIRD's route reaches FRR with BIRD's path and next hop.
func TestFRRPeers(t *testing.T) {
	speakers.Require(t, "bird")
	speakers.RequireFRR(t)
	rs := startRS(t, fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "S"

[[peers]]
name = "frr"
address = "%[2]s"
asn = 21008
password = "frr-secret"
prefixes = ["45.8.0.0/16{16,24}"]

[[peers]]
name = "bird"
address = "%[3]s"
asn = 21009
password = "bird-secret"
prefixes = ["45.9.0.0/16{16,24}"]
`, birdAddr(81), birdAddr(82), birdAddr(83)), nil)
	frr := speakers.StartFRR(t, speakers.FRRConfig{LocalAddr: birdAddr(82), ASN: 21008,
		Neighbors: []speakers.FRRNeighbor{{PeerAddr: birdAddr(81), PeerASN: 21000, Password: "frr-secret", IPv4: true}},
		Static4:   []speakers.StaticRoute{{Prefix: "45.8.1.0/24"}, {Prefix: "10.8.0.0/16"}}})
	bird := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21009, RouterID: birdAddr(83),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: birdAddr(83), PeerAddr: birdAddr(81), PeerASN: 21000,
			Password: "bird-secret", IPv4: true, ImportAll: true}},
		Static4: []speakers.StaticRoute{{Prefix: "45.9.1.0/24"}}})
	if err := frr.WaitEstablished(birdAddr(81), 60*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := bird.WaitRoutes("master4", func(rs []speakers.Route) bool {
		r := speakers.FindRoute(rs, "45.8.1.0/24")
		return len(r) == 1 && r[0].HasPath(21008) && r[0].NextHop == netip.MustParseAddr(birdAddr(82))
	}, 30*time.Second); err != nil {
		t.Fatalf("FRR's route did not reach BIRD unchanged: %v", err)
	}
	if _, err := frr.WaitRoutes(func(rs []speakers.Route) bool {
		r := speakers.FindRoute(rs, "45.9.1.0/24")
		return len(r) == 1 && r[0].HasPath(21009)
	}, 30*time.Second); err != nil {
		t.Fatalf("BIRD's route did not reach FRR: %v", err)
	}
	waitFor(t, 10*time.Second, "FRR's bogon in the store", func() bool {
		_, ok := rs.Store().Get("frr", routestoreKey(netip.MustParsePrefix("10.8.0.0/16")))
		return ok
	})
	e, _ := rs.Store().Get("frr", routestoreKey(netip.MustParsePrefix("10.8.0.0/16")))
	if !e.Verdict.Has(filters.ReasonBogonPrefix) || !e.Verdict.Has(filters.ReasonPrefixNotRegistered) {
		t.Fatalf("FRR's bogon: %+v", e.Verdict)
	}
	routes, _ := bird.Routes("", "master4")
	if len(speakers.FindRoute(routes, "10.8.0.0/16")) != 0 {
		t.Fatal("FRR's bogon reached BIRD")
	}
}
