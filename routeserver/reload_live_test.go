package routeserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
)

// This test's addresses: 127.10.6.x (octet 6 of the routeserver block).
func reloadAddr(host byte) string { return fmt.Sprintf("127.10.6.%d", host) }

// reloadCfg renders the config of TestReloadKeepsSessions; extra goes into
// [global]'s neighbourhood as whole tables, peerA into peer a.
func reloadCfg(stateDir, irrFile, filtersTable, dampTable, peerA string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[4]q

[irr]
files = [%[5]q]

%[6]s

%[7]s

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
%[8]s

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.62.0.0/16{16,24}"]
`, reloadAddr(1), reloadAddr(2), reloadAddr(3), stateDir, irrFile, filtersTable, dampTable, peerA)
}

// TestReloadKeepsSessions changes, by reload, everything that used to
// re-create a session or need a restart — max_prefixes, [filters],
// [dampening], static prefixes → as_set — against real BIRD peers: the
// sessions stay up (same BIRD uptime, no state event) and the verdicts
// follow the new config, in the store and at the other peer.
func TestReloadKeepsSessions(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	irrFile := filepath.Join(dir, "irr.rpsl")
	os.WriteFile(irrFile, []byte("as-set: AS-A\nmembers: AS21001\nsource: TEST\n"), 0o600)
	static := `prefixes = ["45.61.0.0/16{16,25}"]`
	parse := func(filtersTable, dampTable, peerA string) *config.Config {
		t.Helper()
		cfg, err := config.Parse([]byte(reloadCfg(dir, irrFile, filtersTable, dampTable, peerA)), "rs.toml", dir)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	var mu sync.Mutex
	var stateEvents []string
	rs := New(parse("", "", static), Options{Logger: testLogger(), OnEvent: func(e Event) {
		if e.Kind == EventPeerState {
			mu.Lock()
			stateEvents = append(stateEvents, fmt.Sprintf("%s %s→%s", e.Peer, e.OldState, e.NewState))
			mu.Unlock()
		}
	}})
	if err := rs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rs.Stop)
	nb := func(local string, asn uint32) speakers.BIRDNeighbor {
		return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: reloadAddr(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
	}
	birdA := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: reloadAddr(2), Neighbors: []speakers.BIRDNeighbor{nb(reloadAddr(2), 21001)},
		Static4: []speakers.StaticRoute{
			{Prefix: "45.61.1.0/24"},
			{Prefix: "45.61.2.0/25"},                                 // longer than [filters]' /24 until the reload
			{Prefix: "45.61.3.0/24", ASPath: []uint32{21001, 21011}}, // origin outside AS-A
			{Prefix: "45.61.4.0/24", NextHop: reloadAddr(99)},        // third-party next hop
		}})
	birdB := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: reloadAddr(3), Neighbors: []speakers.BIRDNeighbor{nb(reloadAddr(3), 21002)}})
	for _, b := range []*speakers.BIRD{birdA, birdB} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 30*time.Second, "a's 4 routes in the store", func() bool { return rs.Store().Counts("a").Received == 4 })
	birdState, _, birdSince, _ := birdA.ProtocolState("to_rs")
	if birdSince.IsZero() || rsSinceZero(rs, "a") {
		t.Fatalf("no session start time: BIRD %q %v", birdState, birdSince)
	}
	t.Logf("BIRD a: %s since %v", birdState, birdSince)
	rsSince := peerSince(rs, "a")
	mu.Lock()
	stateEvents = nil
	mu.Unlock()

	// verdicts: prefix → accepted, in the store and at b
	expect := func(step string, want map[string]bool) {
		t.Helper()
		waitFor(t, 20*time.Second, step+": verdicts in the store", func() bool {
			for p, acc := range want {
				e, ok := rs.Store().Get("a", routestoreKey(mustPrefix(p)))
				if !ok || e.Verdict.Accepted() != acc {
					return false
				}
			}
			return true
		})
		_, err := birdB.WaitRoutes("master4", func(rs []speakers.Route) bool {
			for p, acc := range want {
				if (len(speakers.FindRoute(rs, p)) > 0) != acc {
					return false
				}
			}
			return true
		}, 20*time.Second)
		if err != nil {
			routes, _ := birdB.Routes("", "master4")
			t.Fatalf("%s: b's table does not match %v: %v", step, want, routes)
		}
	}
	kept := func(step string) {
		t.Helper()
		time.Sleep(700 * time.Millisecond) // past the coalesced soft reset
		state, _, since, err := birdA.ProtocolState("to_rs")
		if err != nil || !strings.Contains(strings.ToLower(state), "established") && !strings.Contains(state, "up") || !speakers.SameSince(since, birdSince) {
			t.Fatalf("%s: BIRD a's session %q since %v (was %v): re-created", step, state, since, birdSince)
		}
		if got := peerSince(rs, "a"); !got.Equal(rsSince) {
			t.Fatalf("%s: the route server's session with a restarted at %v (was %v)", step, got, rsSince)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(stateEvents) > 0 {
			t.Fatalf("%s: peer state changes during a reload: %v", step, stateEvents)
		}
	}
	// storeOnly: a verdict in the store, with the reason
	storeOnly := func(step, prefix string, accepted bool, reason filters.Reason) {
		t.Helper()
		waitFor(t, 20*time.Second, step+": "+prefix, func() bool {
			e, ok := rs.Store().Get("a", routestoreKey(mustPrefix(prefix)))
			return ok && e.Verdict.Accepted() == accepted && (accepted || e.Verdict.Has(reason))
		})
	}
	apply := func(step string, cfg *config.Config, src FilterSource) []string {
		t.Helper()
		changes, err := rs.ApplyConfig(context.Background(), cfg, src)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return changes
	}
	expect("start", map[string]bool{"45.61.1.0/24": true, "45.61.2.0/25": false, "45.61.3.0/24": true})

	// 1. max_prefixes: GoBGP's limit changes, the session stays
	changes := apply("max_prefixes", parse("", "", static+"\nmax_prefixes_ipv4 = 50"), nil)
	if len(changes) != 1 || !strings.Contains(changes[0], "max_prefixes_ipv4 changed: updated, session kept") {
		t.Fatalf("max_prefixes plan: %q", changes)
	}
	kept("max_prefixes")
	if st, err := rs.MaxPrefix("a"); err != nil || st.Limits[0] != 50 {
		t.Fatalf("a's IPv4 prefix limit after the reload: %+v %v, want 50", st, err)
	}

	// 2. [filters]: longer IPv4 prefixes accepted, a shorter AS path limit
	storeOnly("start", "45.61.4.0/24", false, filters.ReasonNextHopMismatch)
	filt := "[filters]\nipv4_prefix_length = [8, 25]\nmax_as_path_length = 1\nnext_hop = \"off\""
	changes = apply("filters", parse(filt, "", static+"\nmax_prefixes_ipv4 = 50"), nil)
	if len(changes) != 3 || !strings.Contains(changes[1], "peer a: resolved next_hop policy changed: updated, session kept") {
		t.Fatalf("filters plan: %q", changes)
	}
	expect("filters", map[string]bool{"45.61.1.0/24": true, "45.61.2.0/25": true, "45.61.3.0/24": false, "45.61.4.0/24": true})
	storeOnly("filters", "45.61.4.0/24", true, 0)
	if e, _ := rs.Store().Get("a", routestoreKey(mustPrefix("45.61.3.0/24"))); !e.Verdict.Has(filters.ReasonASPathTooLong) {
		t.Fatalf("45.61.3.0/24: %+v, want as_path_too_long", e.Verdict)
	}
	kept("filters")

	// 3. back to the defaults: the old statements and set entries are gone
	apply("filters back", parse("", "", static+"\nmax_prefixes_ipv4 = 50"), nil)
	expect("filters back", map[string]bool{"45.61.1.0/24": true, "45.61.2.0/25": false, "45.61.3.0/24": true, "45.61.4.0/24": false})
	storeOnly("filters back", "45.61.4.0/24", false, filters.ReasonNextHopMismatch)
	kept("filters back")

	// 4. static prefixes → as_set: the origin check appears on the live
	// policy, with the IRR data the source hands out
	src := func(p config.Peer) ([]filters.PrefixRange, *filters.OriginSet) {
		if p.ASSet == "AS-A" {
			return append([]filters.PrefixRange{{Prefix: mustPrefix("45.61.0.0/16"), Min: 16, Max: 24}}, p.Prefixes...),
				filters.NewOriginSet("AS-A", []uint32{21001})
		}
		return p.Prefixes, nil
	}
	changes = apply("as_set", parse("", "", "as_set = \"AS-A\"\nmax_prefixes_ipv4 = 50"), src)
	if len(changes) != 2 || changes[0] != "IRR refresher started: the first peer with an as_set" ||
		!strings.Contains(changes[1], "peer a: prefixes, as_set changed: updated, session kept") {
		t.Fatalf("as_set plan: %q", changes)
	}
	expect("as_set", map[string]bool{"45.61.1.0/24": true, "45.61.2.0/25": false, "45.61.3.0/24": false})
	if e, _ := rs.Store().Get("a", routestoreKey(mustPrefix("45.61.3.0/24"))); !e.Verdict.Has(filters.ReasonOriginNotInASSet) {
		t.Fatalf("45.61.3.0/24: %+v, want origin_not_in_as_set", e.Verdict)
	}
	kept("as_set")

	// 5. [dampening] mode off, applied to the running engine
	apply("dampening", parse("", "[dampening]\nmode = \"off\"", "as_set = \"AS-A\"\nmax_prefixes_ipv4 = 50"), src)
	if m := rs.Dampening().PeerMode("a"); m != dampening.ModeOff {
		t.Fatalf("dampening mode of a after the reload: %v", m)
	}
	kept("dampening")

	// 6. as_set → static again: the origin check goes away
	apply("static", parse("", "[dampening]\nmode = \"off\"", static), src)
	expect("static", map[string]bool{"45.61.1.0/24": true, "45.61.2.0/25": false, "45.61.3.0/24": true})
	kept("static")

	// 7. what needs a restart is refused and nothing changes
	next := parse("", "[dampening]\nmode = \"off\"", static)
	next.Global.ListenPort = 1179
	if _, err := rs.ApplyConfig(context.Background(), next, src); !errors.Is(err, ErrNeedsRestart) ||
		!strings.Contains(err.Error(), "[global] listen_port") {
		t.Fatalf("listen_port change: %v", err)
	}
	if rs.Config().Global.ListenPort != 179 {
		t.Fatal("a refused reload changed the running config")
	}
	kept("refused")
}

func peerSince(rs *Server, name string) time.Time {
	for _, p := range rs.Peers() {
		if p.Name == name {
			return p.Since
		}
	}
	return time.Time{}
}

func rsSinceZero(rs *Server, name string) bool { return peerSince(rs, name).IsZero() }
