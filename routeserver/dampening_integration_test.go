package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
)

// Short half-life so a test sees suppression and reuse in seconds; the
// ceiling is 750·2^(16/4) = 12000, so suppress 2000 is reachable.
const dampTestSection = `
[dampening]
mode = "enforce"
half_life = "4s"
max_suppress = "16s"
reuse = 750
suppress = 2000
withdrawal_penalty = 1000
attribute_change_penalty = 500
readvertisement_penalty = 0
`

func dampConfig(stateDir string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[5]q
%[6]s
[[peers]]
name = "x"
address = "%[2]s"
asn = 21005
prefixes = ["45.5.0.0/16{16,24}"]

[[peers]]
name = "y"
address = "%[3]s"
asn = 21006
prefixes = ["45.6.0.0/16{16,24}"]

[[peers]]
name = "z"
address = "%[4]s"
asn = 21007
dampening = "observe"
prefixes = ["45.7.0.0/16{16,24}"]
`, birdAddr(51), birdAddr(52), birdAddr(53), birdAddr(54), stateDir, dampTestSection)
}

func exaPeer(t *testing.T, local string, asn uint32) *speakers.ExaBGP {
	e := speakers.StartExaBGP(t, speakers.ExaBGPConfig{LocalAddr: local, ASN: asn,
		Neighbors: []speakers.ExaBGPNeighbor{{PeerAddr: birdAddr(51), PeerASN: 21000, IPv4: true}}})
	if err := e.WaitEstablished(birdAddr(51), 60*time.Second); err != nil {
		t.Fatal(err)
	}
	return e
}

func flap(t *testing.T, e *speakers.ExaBGP, prefix, nh string, asn uint32, n int) {
	for i := 0; i < n; i++ {
		if err := e.Withdraw(prefix); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if err := e.Announce(prefix, nh, []uint32{asn}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDampeningWithRealSpeakers: ExaBGP flaps a prefix at the route server,
// a BIRD client watches. The flapping prefix is suppressed and withdrawn
// from BIRD while a steady prefix of the same peer stays; after the reuse
// time it comes back; a peer in observe mode is reported but never
// suppressed; a session reset adds no penalty.
func TestDampeningWithRealSpeakers(t *testing.T) {
	speakers.Require(t, "bird")
	speakers.Require(t, "exabgp")
	rs := startRS(t, dampConfig(t.TempDir()), nil)
	y := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21006, RouterID: birdAddr(53),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: birdAddr(53), PeerAddr: birdAddr(51), PeerASN: 21000, IPv4: true, ImportAll: true}}})
	x := exaPeer(t, birdAddr(52), 21005)
	z := exaPeer(t, birdAddr(54), 21007)
	if err := y.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatal(err)
	}
	flapper, steady, observed := "45.5.1.0/24", "45.5.2.0/24", "45.7.1.0/24"
	for _, a := range []struct {
		e      *speakers.ExaBGP
		prefix string
		nh     string
		asn    uint32
	}{{x, flapper, birdAddr(52), 21005}, {x, steady, birdAddr(52), 21005}, {z, observed, birdAddr(54), 21007}} {
		if err := a.e.Announce(a.prefix, a.nh, []uint32{a.asn}); err != nil {
			t.Fatal(err)
		}
	}
	present := func(prefixes ...string) func([]speakers.Route) bool {
		return func(rs []speakers.Route) bool {
			for _, p := range prefixes {
				if len(speakers.FindRoute(rs, p)) == 0 {
					return false
				}
			}
			return true
		}
	}
	if _, err := y.WaitRoutes("master4", present(flapper, steady, observed), 30*time.Second); err != nil {
		t.Fatalf("initial routes: %v", err)
	}

	flap(t, x, flapper, birdAddr(52), 21005, 3)
	flap(t, z, observed, birdAddr(54), 21007, 3)
	key := dampening.Key{Peer: "x", Prefix: netip.MustParsePrefix(flapper)}
	st, ok := rs.Dampening().State(key, time.Now())
	if !ok || !st.Suppressed {
		t.Fatalf("flapped prefix not suppressed: %+v", st)
	}
	if _, err := y.WaitRoutes("master4", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, flapper)) == 0 && present(steady, observed)(rs)
	}, 10*time.Second); err != nil {
		t.Fatalf("suppressed prefix still at BIRD, or the steady ones gone: %v", err)
	}
	time.Sleep(time.Second)
	routes, _ := y.Routes("", "master4")
	if len(speakers.FindRoute(routes, flapper)) != 0 {
		t.Fatal("suppressed prefix came back before its reuse time")
	}
	e, _ := rs.Store().Get("x", routestoreKey(netip.MustParsePrefix(flapper)))
	if !e.Verdict.Has(filters.ReasonDampened) {
		t.Fatalf("store verdict lacks dampened: %+v", e.Verdict)
	}
	obs, ok := rs.Dampening().State(dampening.Key{Peer: "z", Prefix: netip.MustParsePrefix(observed)}, time.Now())
	if !ok || !obs.WouldSuppress || obs.Suppressed {
		t.Fatalf("observe mode: want would-suppress without suppression, got %+v", obs)
	}

	// reuse: back at BIRD once the penalty decays below 750
	if _, err := y.WaitRoutes("master4", present(flapper, steady), 30*time.Second); err != nil {
		t.Fatalf("flapper not re-advertised after reuse (reuse at %s): %v", st.ReuseAt, err)
	}
	released := time.Now()
	t.Logf("suppressed until %s, back at BIRD %s after reuse time", st.ReuseAt.Format(time.TimeOnly), released.Sub(st.ReuseAt).Round(10*time.Millisecond))

	// a session reset is not a flap
	before, _ := rs.Dampening().State(key, time.Now())
	x.Stop()
	waitFor(t, 20*time.Second, "x's routes to leave the store", func() bool { return rs.Store().Counts("x").Received == 0 })
	x = exaPeer(t, birdAddr(52), 21005)
	for _, p := range []string{flapper, steady} {
		if err := x.Announce(p, birdAddr(52), []uint32{21005}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 20*time.Second, "x's routes back in the store", func() bool { return rs.Store().Counts("x").Received == 2 })
	after, _ := rs.Dampening().State(key, time.Now())
	if after.Penalty > before.Penalty+1 || after.Suppressed {
		t.Fatalf("session reset penalised: before %.0f, after %.0f (%+v)", before.Penalty, after.Penalty, after)
	}
	if s2, ok := rs.Dampening().State(dampening.Key{Peer: "x", Prefix: netip.MustParsePrefix(steady)}, time.Now()); ok && s2.Penalty > 0 {
		t.Fatalf("steady prefix got a penalty from the reset: %+v", s2)
	}
}

// TestDampeningSurvivesRestart: a suppressed route stays suppressed when
// the route server restarts on the same state_dir.
func TestDampeningSurvivesRestart(t *testing.T) {
	state := t.TempDir()
	cfg := fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[4]q
%[5]s
[[peers]]
name = "x"
address = "%[2]s"
asn = 21005
prefixes = ["45.5.0.0/16{16,24}"]

[[peers]]
name = "y"
address = "%[3]s"
asn = 21006
prefixes = ["45.6.0.0/16{16,24}"]
`, addr(61), addr(62), addr(63), state, dampTestSection)
	ctx := context.Background()
	flapper := route("45.5.1.0/24", addr(62), 21005)
	rs1 := startRS(t, cfg, nil)
	x, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21005, RouterID: addr(62), Address: addr(62), RSAddr: addr(61), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		x.Announce(flapper)
		x.Withdraw(flapper.Prefix)
	}
	key := dampening.Key{Peer: "x", Prefix: flapper.Prefix}
	waitFor(t, 10*time.Second, "suppression", func() bool {
		st, ok := rs1.Dampening().State(key, time.Now())
		return ok && st.Suppressed
	})
	x.Close()
	rs1.Stop()

	rs2 := startRS(t, cfg, nil)
	st, ok := rs2.Dampening().State(key, time.Now())
	if !ok || !st.Suppressed {
		t.Fatalf("restart forgave the flapping route: %+v %v", st, ok)
	}
	y := startSpeaker(t, SpeakerConfig{ASN: 21006, RouterID: addr(63), Address: addr(63), RSAddr: addr(61), RSPort: 179, RSASN: 21000})
	if err := y.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	x2, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21005, RouterID: addr(62), Address: addr(62), RSAddr: addr(61), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer x2.Close()
	steady := route("45.5.2.0/24", addr(62), 21005)
	x2.Announce(flapper, steady)
	waitFor(t, 10*time.Second, "the steady route at y", func() bool {
		got, _ := y.ReceivedSet(ctx)
		_, ok := got[steady.Prefix]
		return ok
	})
	got, _ := y.ReceivedSet(ctx)
	if _, ok := got[flapper.Prefix]; ok {
		t.Fatal("suppressed route propagated after the restart")
	}
}
