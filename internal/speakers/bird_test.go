package speakers

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Session and route deadlines for the live tests. They bound the waits;
// on loopback sessions come up in about a second.
const (
	upTimeout    = 20 * time.Second
	routeTimeout = 10 * time.Second
)

// wantRoute is what a receiving speaker must show for one prefix.
type wantRoute struct {
	prefix  string
	path    []uint32
	nextHop string
}

// checkRoutes fails the test unless every wanted prefix is present once,
// learned from from, with exactly the wanted path and next hop.
func checkRoutes(t *testing.T, got []Route, from string, want []wantRoute) {
	t.Helper()
	for _, w := range want {
		rs := FindRoute(got, w.prefix)
		if len(rs) != 1 {
			t.Errorf("%s: %d routes, want 1 (all: %v)", w.prefix, len(rs), got)
			continue
		}
		r := rs[0]
		if r.From != netip.MustParseAddr(from) {
			t.Errorf("%s: from %v, want %s", w.prefix, r.From, from)
		}
		if !r.HasPath(w.path...) {
			t.Errorf("%s: AS path %v, want %v", w.prefix, r.ASPath, w.path)
		}
		if r.NextHop != netip.MustParseAddr(w.nextHop) {
			t.Errorf("%s: next hop %v, want %s", w.prefix, r.NextHop, w.nextHop)
		}
	}
}

// hasPrefixes returns a WaitRoutes predicate: all prefixes present.
func hasPrefixes(prefixes ...string) func([]Route) bool {
	return func(rs []Route) bool {
		for _, p := range prefixes {
			if len(FindRoute(rs, p)) == 0 {
				return false
			}
		}
		return true
	}
}

// lacksPrefixes returns a WaitRoutes predicate: none of prefixes present.
func lacksPrefixes(prefixes ...string) func([]Route) bool {
	return func(rs []Route) bool {
		for _, p := range prefixes {
			if len(FindRoute(rs, p)) != 0 {
				return false
			}
		}
		return true
	}
}

// receiver is a BIRD that keeps everything its one passive neighbor sends.
func receiver(host byte, asn uint32, peerHost byte, peerASN uint32, password string) BIRDConfig {
	return BIRDConfig{ASN: asn, Neighbors: []BIRDNeighbor{{
		Name: "sender", LocalAddr: Addr(PkgSpeakers, host), PeerAddr: Addr(PkgSpeakers, peerHost),
		PeerASN: peerASN, Password: password, Passive: true, IPv4: true, IPv6: true, ImportAll: true,
	}}}
}

// TestBIRDPairExchangesRoutes: two BIRDs with the same MD5 key establish;
// the sender's static routes arrive with the AS path and next hop asked
// for, IPv6 routes ride the IPv4 session, and Reconfigure, Disable and
// Enable act on the live session.
func TestBIRDPairExchangesRoutes(t *testing.T) {
	t.Parallel()
	const key = "md5-shared-key"
	senderCfg := BIRDConfig{
		ASN: 21001,
		Neighbors: []BIRDNeighbor{{
			Name: "rcv", LocalAddr: Addr(PkgSpeakers, 1), PeerAddr: Addr(PkgSpeakers, 2),
			PeerASN: 21002, Password: key, IPv4: true, IPv6: true,
		}},
		Static4: []StaticRoute{
			{Prefix: "45.60.1.0/24", ASPath: []uint32{21001, 21003, 21004}, NextHop: Addr(PkgSpeakers, 99)},
			{Prefix: "45.60.2.0/24"},
		},
		Static6: []StaticRoute{
			{Prefix: "2a0a:60:1::/48"},
			{Prefix: "2a0a:60:2::/48", ASPath: []uint32{21001, 21005}, NextHop: "2a0a:60::99"},
		},
	}
	sender := StartBIRD(t, senderCfg)
	rcv := StartBIRD(t, receiver(2, 21002, 1, 21001, key))
	if err := rcv.WaitEstablished("sender", upTimeout); err != nil {
		t.Fatal(err)
	}
	if state, info, since, err := sender.ProtocolState("rcv"); err != nil || state != "up" || info != "Established" || since.IsZero() {
		t.Errorf("sender's view: state=%q info=%q since=%v err=%v", state, info, since, err)
	}
	all := []string{"45.60.1.0/24", "45.60.2.0/24", "2a0a:60:1::/48", "2a0a:60:2::/48"}
	got, err := rcv.WaitRoutes("", hasPrefixes(all...), routeTimeout)
	if err != nil {
		t.Fatalf("%v; routes: %v", err, got)
	}
	checkRoutes(t, got, Addr(PkgSpeakers, 1), []wantRoute{
		{"45.60.1.0/24", []uint32{21001, 21003, 21004}, Addr(PkgSpeakers, 99)},
		{"45.60.2.0/24", []uint32{21001}, Addr(PkgSpeakers, 1)},
		{"2a0a:60:1::/48", []uint32{21001}, "::1"},
		{"2a0a:60:2::/48", []uint32{21001, 21005}, "2a0a:60::99"},
	})
	if c := sender.Config(); len(c.Static4) != 2 {
		t.Errorf("Config() returned %d static4 routes, want 2", len(c.Static4))
	}

	t.Run("Reconfigure", func(t *testing.T) {
		next := senderCfg
		next.Static4 = append([]StaticRoute{{Prefix: "45.60.3.0/24", ASPath: []uint32{21001, 21006}}}, senderCfg.Static4[1:]...)
		if err := sender.Reconfigure(next); err != nil {
			t.Fatal(err)
		}
		got, err := rcv.WaitRoutes("master4", func(rs []Route) bool {
			return hasPrefixes("45.60.3.0/24")(rs) && lacksPrefixes("45.60.1.0/24")(rs)
		}, routeTimeout)
		if err != nil {
			t.Fatalf("%v; routes: %v", err, got)
		}
		checkRoutes(t, got, Addr(PkgSpeakers, 1), []wantRoute{{"45.60.3.0/24", []uint32{21001, 21006}, Addr(PkgSpeakers, 1)}})
		bad := next
		bad.Extra = "protocol nonsense {"
		if err := sender.Reconfigure(bad); err == nil || !strings.Contains(err.Error(), "rejects") {
			t.Errorf("Reconfigure with a broken config: err = %v, want BIRD's rejection", err)
		}
		if _, err := sender.Cmd("show", "status"); err != nil {
			t.Errorf("BIRD after a rejected config: %v", err)
		}
	})

	t.Run("DisableEnable", func(t *testing.T) {
		if err := sender.DisableProtocol("rcv"); err != nil {
			t.Fatal(err)
		}
		if _, err := rcv.WaitRoutes("", lacksPrefixes(all[1:]...), routeTimeout); err != nil {
			t.Fatalf("routes stay after the session was disabled: %v", err)
		}
		if err := sender.EnableProtocol("rcv"); err != nil {
			t.Fatal(err)
		}
		if err := rcv.WaitEstablished("sender", upTimeout); err != nil {
			t.Fatal(err)
		}
		if _, err := rcv.WaitRoutes("", hasPrefixes(all[1:]...), routeTimeout); err != nil {
			t.Fatal(err)
		}
		if err := sender.EnableProtocol("nosuch"); err == nil {
			t.Error("EnableProtocol(nosuch) succeeded")
		}
	})
}

// TestBIRDFirstASMismatchVerbatim: a path whose first AS is not the
// sender's reaches the receiver exactly as written (the session is
// rendered as `rs client`), and the other routes keep their contract.
func TestBIRDFirstASMismatchVerbatim(t *testing.T) {
	t.Parallel()
	sender := BIRDConfig{
		ASN: 21001,
		Neighbors: []BIRDNeighbor{{
			Name: "rcv", LocalAddr: Addr(PkgSpeakers, 3), PeerAddr: Addr(PkgSpeakers, 4), PeerASN: 21002,
		}},
		Static4: []StaticRoute{
			{Prefix: "45.60.4.0/24", ASPath: []uint32{21009, 21004}},
			{Prefix: "45.60.5.0/24", ASPath: []uint32{21001, 21004}},
			{Prefix: "45.60.6.0/24"},
		},
	}
	if !strings.Contains(sender.Render("/dev/null"), "rs client;") {
		t.Fatal("a foreign first AS did not switch the session to rs client")
	}
	StartBIRD(t, sender)
	rcv := StartBIRD(t, receiver(4, 21002, 3, 21001, ""))
	if err := rcv.WaitEstablished("sender", upTimeout); err != nil {
		t.Fatal(err)
	}
	got, err := rcv.WaitRoutes("master4", hasPrefixes("45.60.4.0/24", "45.60.5.0/24", "45.60.6.0/24"), routeTimeout)
	if err != nil {
		t.Fatalf("%v; routes: %v", err, got)
	}
	from := Addr(PkgSpeakers, 3)
	checkRoutes(t, got, from, []wantRoute{
		{"45.60.4.0/24", []uint32{21009, 21004}, from},
		{"45.60.5.0/24", []uint32{21001, 21004}, from},
		{"45.60.6.0/24", []uint32{21001}, from},
	})
}

// TestBIRDWrongPasswordNeverEstablishes: different MD5 keys keep the
// session down for the whole bounded wait.
func TestBIRDWrongPasswordNeverEstablishes(t *testing.T) {
	t.Parallel()
	a := StartBIRD(t, BIRDConfig{ASN: 21001, Neighbors: []BIRDNeighbor{{
		Name: "b", LocalAddr: Addr(PkgSpeakers, 5), PeerAddr: Addr(PkgSpeakers, 6), PeerASN: 21002, Password: "key-one",
	}}, Static4: []StaticRoute{{Prefix: "45.60.7.0/24"}}})
	b := StartBIRD(t, receiver(6, 21002, 5, 21001, "key-two"))
	err := b.WaitEstablished("sender", 8*time.Second)
	if err == nil {
		t.Fatal("sessions with different MD5 keys reached Established")
	}
	if !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("wait ended for another reason than its deadline: %v", err)
	}
	state, info, _, err := a.ProtocolState("b")
	if err != nil || info == "Established" {
		t.Errorf("active side: state=%q info=%q err=%v", state, info, err)
	}
	t.Logf("with mismatched keys the active side shows %q/%q", state, info)
}

// TestBIRDOverIPv6Loopback: two BIRDs on ::1, told apart by port, carry
// IPv6 and IPv4 routes over an IPv6 session with MD5.
func TestBIRDOverIPv6Loopback(t *testing.T) {
	t.Parallel()
	portA, portB := Port6(PkgSpeakers, 1), Port6(PkgSpeakers, 2)
	a := BIRDConfig{
		RouterID: Addr(PkgSpeakers, 7), ASN: 21001,
		Neighbors: []BIRDNeighbor{{
			Name: "b6", LocalAddr: "::1", LocalPort: portA, PeerAddr: "::1", PeerPort: portB,
			PeerASN: 21002, Password: "v6-key", IPv4: true, IPv6: true,
		}},
		Static4: []StaticRoute{{Prefix: "45.60.8.0/24"}},
		Static6: []StaticRoute{{Prefix: "2a0a:60:8::/48", NextHop: "2a0a:60::7", ASPath: []uint32{21001, 21008}}},
	}
	b := BIRDConfig{
		RouterID: Addr(PkgSpeakers, 8), ASN: 21002,
		Neighbors: []BIRDNeighbor{{
			Name: "a6", LocalAddr: "::1", LocalPort: portB, PeerAddr: "::1", PeerPort: portA,
			PeerASN: 21001, Password: "v6-key", Passive: true, IPv4: true, IPv6: true, ImportAll: true,
		}},
	}
	StartBIRD(t, a)
	rcv := StartBIRD(t, b)
	if err := rcv.WaitEstablished("a6", upTimeout); err != nil {
		t.Fatal(err)
	}
	got, err := rcv.WaitRoutes("", hasPrefixes("45.60.8.0/24", "2a0a:60:8::/48"), routeTimeout)
	if err != nil {
		t.Fatalf("%v; routes: %v", err, got)
	}
	checkRoutes(t, got, "::1", []wantRoute{
		{"45.60.8.0/24", []uint32{21001}, Addr(PkgSpeakers, 7)},
		{"2a0a:60:8::/48", []uint32{21001, 21008}, "2a0a:60::7"},
	})
}

// ExampleAddr shows the address plan.
func ExampleAddr() {
	fmt.Println(Addr(PkgRouteServer, 1), Addr(PkgSpeakers, 2))
	// Output: 127.10.0.1 127.60.0.2
}
