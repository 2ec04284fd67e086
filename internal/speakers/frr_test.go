package speakers

import "testing"

// TestFRRWithBIRD: a standalone FRR bgpd and a BIRD establish with MD5 and
// exchange routes both ways, including a 127/8 next hop FRR would
// otherwise call martian.
func TestFRRWithBIRD(t *testing.T) {
	t.Parallel()
	const key = "frr-key"
	frr := StartFRR(t, FRRConfig{LocalAddr: Addr(PkgSpeakers, 20), ASN: 21005,
		Neighbors: []FRRNeighbor{{PeerAddr: Addr(PkgSpeakers, 21), PeerASN: 21006, Password: key}},
		Static4:   []StaticRoute{{Prefix: "45.60.20.0/24", ASPath: []uint32{21005, 21007}}},
	})
	bird := StartBIRD(t, BIRDConfig{ASN: 21006, Neighbors: []BIRDNeighbor{{
		Name: "frr", LocalAddr: Addr(PkgSpeakers, 21), PeerAddr: Addr(PkgSpeakers, 20), PeerASN: 21005,
		Password: key, Passive: true, ImportAll: true,
	}}, Static4: []StaticRoute{{Prefix: "45.60.21.0/24", NextHop: Addr(PkgSpeakers, 99)}}})
	if err := frr.WaitEstablished(Addr(PkgSpeakers, 21), upTimeout); err != nil {
		t.Fatal(err)
	}
	got, err := bird.WaitRoutes("master4", hasPrefixes("45.60.20.0/24"), routeTimeout)
	if err != nil {
		t.Fatalf("%v; routes: %v", err, got)
	}
	checkRoutes(t, got, Addr(PkgSpeakers, 20), []wantRoute{{"45.60.20.0/24", []uint32{21005, 21007}, Addr(PkgSpeakers, 20)}})
	fgot, err := frr.WaitRoutes(hasPrefixes("45.60.21.0/24"), routeTimeout)
	if err != nil {
		t.Fatalf("%v; routes: %v", err, fgot)
	}
	checkRoutes(t, fgot, Addr(PkgSpeakers, 21), []wantRoute{{"45.60.21.0/24", []uint32{21006}, Addr(PkgSpeakers, 99)}})
}
