package speakers

import (
	"testing"
)

// TestExaBGPAnnounceWithdraw: ExaBGP dials a passive BIRD with MD5,
// announces routes with a verbatim AS path (foreign first AS included)
// and a foreign next hop, and withdraws them; a quick flap ends in the
// state of the last command.
func TestExaBGPAnnounceWithdraw(t *testing.T) {
	t.Parallel()
	const key = "exa-key"
	bird := StartBIRD(t, BIRDConfig{ASN: 21002, Neighbors: []BIRDNeighbor{{
		Name: "exa", LocalAddr: Addr(PkgSpeakers, 11), PeerAddr: Addr(PkgSpeakers, 10), PeerASN: 21003,
		Password: key, Passive: true, IPv4: true, IPv6: true, ImportAll: true,
	}}})
	exa := StartExaBGP(t, ExaBGPConfig{LocalAddr: Addr(PkgSpeakers, 10), ASN: 21003, Neighbors: []ExaBGPNeighbor{{
		PeerAddr: Addr(PkgSpeakers, 11), PeerASN: 21002, Password: key, IPv4: true, IPv6: true,
	}}})
	// Announced before the session is up: ExaBGP keeps it and sends it.
	if err := exa.Announce("45.60.10.0/24", Addr(PkgSpeakers, 99), []uint32{21003, 21004}); err != nil {
		t.Fatal(err)
	}
	if err := exa.WaitEstablished(Addr(PkgSpeakers, 11), upTimeout); err != nil {
		t.Fatal(err)
	}
	if err := bird.WaitEstablished("exa", upTimeout); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		prefix, nh string
		path       []uint32
	}{
		{"45.60.11.0/24", "", nil},
		{"45.60.12.0/24", Addr(PkgSpeakers, 10), []uint32{21009, 21004}},
		{"2a0a:60:12::/48", "::1", []uint32{21003}},
	} {
		if err := exa.Announce(a.prefix, a.nh, a.path); err != nil {
			t.Fatal(err)
		}
	}
	all := []string{"45.60.10.0/24", "45.60.11.0/24", "45.60.12.0/24", "2a0a:60:12::/48"}
	got, err := bird.WaitRoutes("", hasPrefixes(all...), routeTimeout)
	if err != nil {
		t.Fatalf("%v; routes: %v", err, got)
	}
	from := Addr(PkgSpeakers, 10)
	checkRoutes(t, got, from, []wantRoute{
		{"45.60.10.0/24", []uint32{21003, 21004}, Addr(PkgSpeakers, 99)},
		{"45.60.11.0/24", []uint32{21003}, from},
		{"45.60.12.0/24", []uint32{21009, 21004}, from},
		{"2a0a:60:12::/48", []uint32{21003}, "::1"},
	})

	if err := exa.Withdraw("45.60.11.0/24"); err != nil {
		t.Fatal(err)
	}
	// Flap 45.60.12.0/24: five withdraw/announce rounds, ending withdrawn.
	for range 5 {
		if err := exa.Withdraw("45.60.12.0/24"); err != nil {
			t.Fatal(err)
		}
		if err := exa.Announce("45.60.12.0/24", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := exa.Withdraw("45.60.12.0/24"); err != nil {
		t.Fatal(err)
	}
	got, err = bird.WaitRoutes("", lacksPrefixes("45.60.11.0/24", "45.60.12.0/24"), routeTimeout)
	if err != nil {
		t.Fatalf("%v; routes: %v", err, got)
	}
	if len(FindRoute(got, "45.60.10.0/24")) != 1 {
		t.Errorf("45.60.10.0/24 vanished with the withdrawals of others: %v", got)
	}
	if err := exa.Command("announce nonsense"); err == nil {
		t.Error("a malformed command was acknowledged as done")
	}
	if err := exa.Withdraw("not-a-prefix"); err == nil {
		t.Error("Withdraw accepted a malformed prefix")
	}
}
