package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// Addresses of the list-check end-to-end test: 127.41.2.x, next to the
// main end-to-end test's 127.41.0.x.
func al(host byte) string { return fmt.Sprintf("127.41.2.%d", host) }

const listsIRR = `as-set:   AS-CHARLIE
members:  AS21003
mnt-by:   TEST-MNT
source:   TEST

as-set:   AS-DELTA
members:  AS21004
mnt-by:   TEST-MNT
source:   TEST

route:    45.43.0.0/24
origin:   AS21003
mnt-by:   TEST-MNT
source:   TEST

route:    45.43.1.0/24
origin:   AS21003
mnt-by:   TEST-MNT
source:   TEST

route:    45.44.0.0/24
origin:   AS21004
mnt-by:   TEST-MNT
source:   TEST
`

func listsConfig(dir string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[5]q
peering_lans = ["45.127.254.0/24"]

[api]
socket = %[6]q

[filters]
global_blacklist = ["45.126.0.0/16+"]
never_via_route_servers_file = "nvrs.txt"

[irr]
files = [%[7]q]

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
families = ["ipv4", "ipv6"]
ipv6_address = "::1" # BIRD's IPv6 next hop over the IPv4 session
prefixes = ["45.41.0.0/16{16,24}", "45.126.0.0/16{16,24}", "45.127.0.0/16{16,24}"]
blacklist = ["45.41.7.0/24+"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.42.0.0/16{16,24}"]
enforce_prefixes = false

[[peers]]
name = "c"
address = "%[4]s"
asn = 21003
as_set = ["AS-CHARLIE", "AS-DELTA"]
allowed_origins = [21098]
allowed_routes = [{ prefix = "45.44.9.0/24", origin = 21099 }]
`, al(1), al(2), al(3), al(4), filepath.Join(dir, "state"), filepath.Join(dir, "run", "rsguard.sock"),
		filepath.Join(dir, "irr.rpsl"))
}

func toRSLists(local string, asn uint32) speakers.BIRDNeighbor {
	return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: al(1), PeerASN: 21000, LocalASN: asn,
		IPv4: true, IPv6: true, ImportAll: true}
}

// TestEndToEndListChecks: real BIRD clients announce a route of each list
// check's kind; each is rejected with its reason and evidence in `rsctl
// rejected --json` and never reaches another client; several AS-SETs,
// allowed_origins and allowed_routes admit what they should; a peer with
// enforce_prefixes = false has its unregistered route accepted, and explain
// and peer show say the check is off.
func TestEndToEndListChecks(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "run", "rsguard.sock")}
	for name, body := range map[string]string{"irr.rpsl": listsIRR, "nvrs.txt": "# never via route servers\n21900 # test network\n",
		"rsguard.toml": listsConfig(dir)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d := runDaemon(t, e.cfg)

	birdA := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: al(2), Neighbors: []speakers.BIRDNeighbor{toRSLists(al(2), 21001)},
		Static4: []speakers.StaticRoute{
			{Prefix: "45.41.1.0/24"},                                      // accepted
			{Prefix: "45.127.254.0/24"},                                   // the peering LAN
			{Prefix: "45.126.1.0/24"},                                     // global_blacklist
			{Prefix: "45.41.5.0/24", ASPath: []uint32{21001, 174, 21011}}, // transit-free
			{Prefix: "45.41.6.0/24", ASPath: []uint32{21001, 21900}},      // never via route servers
			{Prefix: "45.41.7.0/24"},                                      // the peer's blacklist
		},
		Static6: []speakers.StaticRoute{{Prefix: "4000::/16"}}, // outside 2000::/3
	})
	birdB := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: al(3), Neighbors: []speakers.BIRDNeighbor{toRSLists(al(3), 21002)},
		Static4: []speakers.StaticRoute{{Prefix: "45.42.1.0/24"}, {Prefix: "45.50.0.0/24"}}}) // the second is unregistered
	birdC := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21003, RouterID: al(4), Neighbors: []speakers.BIRDNeighbor{toRSLists(al(4), 21003)},
		Static4: []speakers.StaticRoute{
			{Prefix: "45.43.0.0/24"},                                  // AS-CHARLIE
			{Prefix: "45.44.0.0/24", ASPath: []uint32{21003, 21004}},  // AS-DELTA
			{Prefix: "45.43.1.0/24", ASPath: []uint32{21003, 21098}},  // origin from allowed_origins
			{Prefix: "45.44.9.0/24", ASPath: []uint32{21003, 21099}},  // allowed_routes, not in the IRR
			{Prefix: "45.44.10.0/24", ASPath: []uint32{21003, 21099}}, // neither
		}})
	for n, b := range map[string]*speakers.BIRD{"a": birdA, "b": birdB, "c": birdC} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", n, err)
		}
	}
	rs := d.RouteServer()
	deadline := time.Now().Add(30 * time.Second)
	for rs.Store().Counts("a").Received < 7 || rs.Store().Counts("b").Received < 2 || rs.Store().Counts("c").Received < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("store: a %+v b %+v c %+v", rs.Store().Counts("a"), rs.Store().Counts("b"), rs.Store().Counts("c"))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// every list check with its evidence
	want := map[string]struct{ reasons, evidence string }{
		"45.127.254.0/24": {"prefix_in_global_blacklist", "inside 45.127.254.0/24{24,32} (global blacklist: peering LAN)"},
		"45.126.1.0/24":   {"prefix_in_global_blacklist", "inside 45.126.0.0/16{16,32} (global blacklist: global_blacklist)"},
		"45.41.5.0/24":    {"transit_free_asn", `AS174 at position 2 in AS path "21001 174 21011" is transit-free`},
		"45.41.6.0/24":    {"never_via_route_servers_asn", "nvrs.txt:2) in AS path \"21001 21900\" is never via route servers"},
		"45.41.7.0/24":    {"prefix_in_peer_blacklist", "inside 45.41.7.0/24{24,32} (blacklist of peer a)"},
		"4000::/16":       {"ipv6_not_global_unicast,prefix_not_registered", "outside IPv6 global unicast 2000::/3"},
	}
	var rejected []routeJSON
	e.json(&rejected, "rejected", "--peer", "a")
	if len(rejected) != len(want) {
		t.Fatalf("rsctl rejected: %d routes, want %d: %+v", len(rejected), len(want), rejected)
	}
	for _, r := range rejected {
		w := want[r.Prefix]
		if reasonNames(r.Reasons) != w.reasons || !strings.Contains(r.Reasons[0].Detail, w.evidence) {
			t.Errorf("%s: %+v, want %s with evidence %q", r.Prefix, r.Reasons, w.reasons, w.evidence)
		}
		for _, x := range r.Reasons {
			if x.Code == 0 || x.Detail == "" {
				t.Errorf("%s: reason without code or evidence: %+v", r.Prefix, x)
			}
		}
	}
	for _, reason := range []string{"prefix_in_global_blacklist", "transit_free_asn", "ipv6_not_global_unicast", "prefix_in_peer_blacklist", "never_via_route_servers_asn"} {
		var byReason []routeJSON
		e.json(&byReason, "rejected", "--reason", reason)
		if len(byReason) == 0 {
			t.Errorf("rsctl rejected --reason %s: nothing", reason)
		}
	}

	// several AS-SETs, allowed_origins, allowed_routes
	waitAccepted(t, e, "c", "45.44.0.0/24", true)
	for _, p := range []string{"45.43.0.0/24", "45.43.1.0/24", "45.44.9.0/24"} {
		waitAccepted(t, e, "c", p, true)
	}
	var crej []routeJSON
	e.json(&crej, "rejected", "--peer", "c")
	if len(crej) != 1 || crej[0].Prefix != "45.44.10.0/24" || reasonNames(crej[0].Reasons) != "origin_not_in_as_set,prefix_not_registered" ||
		!strings.Contains(crej[0].Reasons[0].Detail, "AS-CHARLIE,AS-DELTA + allowed_origins") {
		t.Fatalf("c rejected: %+v", crej)
	}
	var irrStatus []struct {
		Peer    string `json:"peer"`
		ASSet   string `json:"as_set"`
		Origins int    `json:"origins"`
		IPv4    int    `json:"ipv4_prefixes"`
	}
	e.json(&irrStatus, "irr", "status")
	if len(irrStatus) != 1 || irrStatus[0].ASSet != "AS-CHARLIE,AS-DELTA" || irrStatus[0].Origins != 2 || irrStatus[0].IPv4 == 0 {
		t.Fatalf("irr status: %+v", irrStatus)
	}

	// enforce_prefixes = false: accepted, and said so
	waitAccepted(t, e, "b", "45.50.0.0/24", true)
	var ex struct {
		Verdict string       `json:"verdict"`
		Reasons []reasonJSON `json:"reasons"`
		Notes   []reasonJSON `json:"notes"`
	}
	e.json(&ex, "explain", "45.50.0.0/24", "--peer", "b")
	if ex.Verdict != "accept" || len(ex.Reasons) != 0 || len(ex.Notes) != 1 || ex.Notes[0].Name != "prefix_not_registered" ||
		!strings.Contains(ex.Notes[0].Detail, "check off for peer b") {
		t.Fatalf("explain with the prefix check off: %+v", ex)
	}
	if out, err := e.rsctl("explain", "45.50.0.0/24", "--peer", "b"); err != nil || !strings.Contains(out, "verdict:   accept") ||
		!strings.Contains(out, "note:      prefix_not_registered (12): check off for peer b") {
		t.Fatalf("explain (text): %v\n%s", err, out)
	}
	var routesB []struct {
		Prefix string       `json:"prefix"`
		Notes  []reasonJSON `json:"notes"`
	}
	e.json(&routesB, "routes", "--peer", "b", "--view", "accepted", "--prefix", "45.50.0.0/24")
	if len(routesB) != 1 || len(routesB[0].Notes) != 1 || routesB[0].Notes[0].Name != "prefix_not_registered" {
		t.Fatalf("routes with the prefix check off: %+v", routesB)
	}
	if out, err := e.rsctl("routes", "--peer", "b", "--view", "accepted", "--prefix", "45.50.0.0/24"); err != nil || !strings.Contains(out, "note: prefix_not_registered (12): check off for peer b") {
		t.Fatalf("routes (text): %v\n%s", err, out)
	}
	var peerB struct {
		ChecksOff []reasonJSON `json:"checks_off"`
	}
	e.json(&peerB, "peer", "show", "b")
	if len(peerB.ChecksOff) != 1 || peerB.ChecksOff[0].Name != "prefix_not_registered" || !strings.Contains(peerB.ChecksOff[0].Detail, "enforce_prefixes = false") {
		t.Fatalf("peer show b: %+v", peerB)
	}
	if out, err := e.rsctl("peer", "show", "b"); err != nil || !strings.Contains(out, "check off:") {
		t.Fatalf("peer show b (text): %v\n%s", err, out)
	}

	// propagation: what was accepted reaches the other clients, nothing else
	atA, err := birdA.WaitRoutes("master4", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, "45.50.0.0/24")) == 1 && len(speakers.FindRoute(rs, "45.44.9.0/24")) == 1
	}, 20*time.Second)
	if err != nil {
		t.Fatalf("a did not receive b's and c's accepted routes: %v", err)
	}
	atB, err := birdB.WaitRoutes("master4", func(rs []speakers.Route) bool {
		return len(speakers.FindRoute(rs, "45.41.1.0/24")) == 1 && len(speakers.FindRoute(rs, "45.43.1.0/24")) == 1 &&
			len(speakers.FindRoute(rs, "45.44.0.0/24")) == 1
	}, 20*time.Second)
	if err != nil {
		t.Fatalf("b did not receive the accepted routes: %v", err)
	}
	time.Sleep(500 * time.Millisecond) // anything wrongly propagated has arrived by now
	atB, _ = birdB.Routes("", "master4")
	atB6, _ := birdB.Routes("", "master6")
	for p := range want {
		if len(speakers.FindRoute(atB, p))+len(speakers.FindRoute(atB6, p)) > 0 {
			t.Errorf("rejected %s reached b", p)
		}
	}
	if len(speakers.FindRoute(atA, "45.44.10.0/24")) > 0 {
		t.Error("c's rejected 45.44.10.0/24 reached a")
	}
}
