package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

var rsctlBin, rsguardBin string

// TestMain builds the real rsctl once: the end-to-end test drives the
// daemon exactly as an operator does.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rsctl-bin-")
	if err != nil {
		panic(err)
	}
	rsctlBin, rsguardBin = filepath.Join(dir, "rsctl"), filepath.Join(dir, "rsguard")
	_, file, _, _ := runtime.Caller(0)
	for bin, pkg := range map[string]string{rsctlBin: "./cmd/rsctl", rsguardBin: "./cmd/rsguard"} {
		build := exec.Command("go", "build", "-o", bin, pkg)
		build.Dir = filepath.Join(filepath.Dir(file), "..")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func a(host byte) string { return speakers.Addr(speakers.PkgDaemon, host) }

type e2e struct {
	t      *testing.T
	dir    string
	cfg    string
	socket string
}

// rsctl runs the CLI against the daemon's socket and returns stdout.
func (e *e2e) rsctl(args ...string) (string, error) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, rsctlBin, append([]string{"--socket", e.socket}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("rsctl %s: %v: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), nil
}

func (e *e2e) json(v any, args ...string) {
	e.t.Helper()
	out, err := e.rsctl(append(args, "--json")...)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		e.t.Fatalf("rsctl %v: bad JSON: %v\n%s", args, err, out)
	}
}

type reasonJSON struct {
	Code   int    `json:"code"`
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

type routeJSON struct {
	Peer    string       `json:"peer"`
	Prefix  string       `json:"prefix"`
	ASPath  string       `json:"as_path"`
	NextHop string       `json:"next_hop"`
	Reasons []reasonJSON `json:"reasons"`
}

func reasonNames(rs []reasonJSON) string {
	var n []string
	for _, r := range rs {
		n = append(n, r.Name)
	}
	sort.Strings(n)
	return strings.Join(n, ",")
}

func e2eConfig(dir, prefixesA string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[5]q

[api]
socket = %[6]q

[irr]
files = [%[7]q]

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = [%[8]s]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.42.0.0/16{16,24}"]

[[peers]]
name = "c"
address = "%[4]s"
asn = 21003
as_set = "AS-CHARLIE"
`, a(1), a(2), a(3), a(4), filepath.Join(dir, "state"), filepath.Join(dir, "run", "rsguard.sock"),
		filepath.Join(dir, "irr.rpsl"), prefixesA)
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func toRS(local string, asn uint32) speakers.BIRDNeighbor {
	return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: a(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
}

// TestEndToEndWithRsctl runs the daemon with real BIRD peers and drives it
// with the real rsctl binary over the unix socket: several reasons at once
// in `rsctl rejected --json`, explain agreeing with what the route server
// actually did, a config reload and an IRR refresh moving routes between
// accepted and rejected, and the operator commands.
func TestEndToEndWithRsctl(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "run", "rsguard.sock")}
	copyFile(t, "testdata/irr-before.rpsl", filepath.Join(dir, "irr.rpsl"))
	os.WriteFile(e.cfg, []byte(e2eConfig(dir, `"45.41.0.0/16{16,24}"`)), 0o600)
	d := runDaemon(t, e.cfg)
	if st, err := os.Stat(e.socket); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("control socket %s: %v mode %v, want 0600", e.socket, err, st.Mode().Perm())
	}

	birdA := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: a(2), Neighbors: []speakers.BIRDNeighbor{toRS(a(2), 21001)},
		Static4: []speakers.StaticRoute{
			{Prefix: "45.41.1.0/24"},
			{Prefix: "45.41.2.0/24", ASPath: []uint32{21001, 21011}},
			{Prefix: "45.49.0.0/24"},                                        // not registered (until the reload)
			{Prefix: "192.168.5.0/25", ASPath: []uint32{21001, 64512}},      // four reasons at once
			{Prefix: "45.41.3.0/24", ASPath: []uint32{21001, 65551, 23456}}, // bogon ASNs
			{Prefix: "45.41.4.0/24", NextHop: a(99)},                        // third-party next hop
		}})
	birdB := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: a(3), Neighbors: []speakers.BIRDNeighbor{toRS(a(3), 21002)},
		Static4: []speakers.StaticRoute{{Prefix: "45.42.1.0/24"}}})
	birdC := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21003, RouterID: a(4), Neighbors: []speakers.BIRDNeighbor{toRS(a(4), 21003)},
		Static4: []speakers.StaticRoute{{Prefix: "45.43.0.0/24"}, {Prefix: "45.43.1.0/24"}, {Prefix: "45.43.2.0/24", ASPath: []uint32{21003, 21099}}}})
	for n, b := range map[string]*speakers.BIRD{"a": birdA, "b": birdB, "c": birdC} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", n, err)
		}
	}
	rs := d.RouteServer()
	deadline := time.Now().Add(30 * time.Second)
	for rs.Store().Counts("a").Received < 6 || rs.Store().Counts("c").Received < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("store: a %+v c %+v", rs.Store().Counts("a"), rs.Store().Counts("c"))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// peers
	var peers []struct {
		Name     string `json:"name"`
		State    string `json:"state"`
		Received int    `json:"received"`
		Accepted int    `json:"accepted"`
		Rejected int    `json:"rejected"`
	}
	e.json(&peers, "peers")
	if len(peers) != 3 || peers[0].Name != "a" || peers[0].State != "established" || peers[0].Received != 6 || peers[0].Accepted != 2 || peers[0].Rejected != 4 {
		t.Fatalf("rsctl peers: %+v", peers)
	}

	// rejected: every reason of every route
	var rejected []routeJSON
	e.json(&rejected, "rejected", "--peer", "a")
	want := map[string]string{
		"45.49.0.0/24":   "prefix_not_registered",
		"192.168.5.0/25": "bogon_asn,bogon_prefix,prefix_length,prefix_not_registered",
		"45.41.3.0/24":   "bogon_asn",
		"45.41.4.0/24":   "next_hop_mismatch",
	}
	if len(rejected) != len(want) {
		t.Fatalf("rsctl rejected: %d routes, want %d: %+v", len(rejected), len(want), rejected)
	}
	for _, r := range rejected {
		if want[r.Prefix] != reasonNames(r.Reasons) {
			t.Errorf("%s: reasons %s, want %s", r.Prefix, reasonNames(r.Reasons), want[r.Prefix])
		}
		for _, x := range r.Reasons {
			if x.Code == 0 || x.Detail == "" {
				t.Errorf("%s: reason without code or evidence: %+v", r.Prefix, x)
			}
		}
	}
	var byReason []routeJSON
	e.json(&byReason, "rejected", "--reason", "bogon_asn")
	if len(byReason) != 2 {
		t.Fatalf("rsctl rejected --reason bogon_asn: %+v", byReason)
	}

	// explain agrees with what the route server did, for every route sent
	received, _ := birdB.Routes("", "master4")
	var all []routeJSON
	e.json(&all, "routes", "--peer", "a", "--view", "received")
	for _, r := range all {
		var ex struct {
			Verdict string       `json:"verdict"`
			Reasons []reasonJSON `json:"reasons"`
		}
		e.json(&ex, "explain", r.Prefix, "--peer", "a", "--as-path", r.ASPath, "--next-hop", r.NextHop)
		atB := len(speakers.FindRoute(received, r.Prefix)) > 0
		if (ex.Verdict == "accept") != atB || reasonNames(ex.Reasons) != reasonNames(r.Reasons) {
			t.Errorf("explain %s: %s %s, but at b=%v and the store says %s", r.Prefix, ex.Verdict, reasonNames(ex.Reasons), atB, reasonNames(r.Reasons))
		}
	}
	// what-if: a route never announced
	var whatIf struct {
		Verdict string       `json:"verdict"`
		Reasons []reasonJSON `json:"reasons"`
	}
	e.json(&whatIf, "explain", "45.41.77.0/24", "--peer", "a", "--as-path", "21001 21011")
	if whatIf.Verdict != "accept" {
		t.Fatalf("what-if explain: %+v", whatIf)
	}
	// issue 8: an IPv6 route with a third-party next hop against a peer whose
	// session is IPv4 (families default): never "accept"
	var v6 struct {
		Verdict string       `json:"verdict"`
		Reasons []reasonJSON `json:"reasons"`
	}
	e.json(&v6, "explain", "2a0a:4580::/32", "--peer", "a", "--as-path", "21001", "--next-hop", "2a0a:ffff::1")
	if v6.Verdict == "accept" || !strings.Contains(reasonNames(v6.Reasons), "invalid_afi") || !strings.Contains(reasonNames(v6.Reasons), "next_hop_mismatch") {
		t.Fatalf("explain of an IPv6 route with a third-party next hop on an IPv4 peer: %+v", v6)
	}
	for _, x := range v6.Reasons {
		if x.Code == 5 && !strings.Contains(x.Detail, "2a0a:ffff::1") {
			t.Errorf("next-hop evidence %q does not name the next hop", x.Detail)
		}
	}
	if out, err := e.rsctl("explain", "45.41.77.0/24", "--peer", "nobody"); err == nil || !strings.Contains(err.Error(), "NotFound") {
		t.Fatalf("explain for an unknown peer: %v %s", err, out)
	}

	// IRR: c's AS-SET covers 45.43.0.0/24 only; 45.43.2.0/24 has a wrong origin too
	var crej []routeJSON
	e.json(&crej, "rejected", "--peer", "c")
	if len(crej) != 2 {
		t.Fatalf("c rejected: %+v", crej)
	}
	for _, r := range crej {
		want := map[string]string{"45.43.1.0/24": "prefix_not_registered", "45.43.2.0/24": "origin_not_in_as_set,prefix_not_registered"}[r.Prefix]
		if reasonNames(r.Reasons) != want {
			t.Errorf("c %s: %s, want %s", r.Prefix, reasonNames(r.Reasons), want)
		}
	}
	copyFile(t, "testdata/irr-after.rpsl", filepath.Join(dir, "irr.rpsl"))
	if out, err := e.rsctl("irr", "refresh", "--peer", "c"); err != nil {
		t.Fatalf("irr refresh: %v %s", err, out)
	}
	waitAccepted(t, e, "c", "45.43.1.0/24", true)
	if _, err := birdB.WaitRoutes("master4", func(rs []speakers.Route) bool { return len(speakers.FindRoute(rs, "45.43.1.0/24")) == 1 }, 20*time.Second); err != nil {
		t.Fatalf("b did not receive c's newly registered route: %v", err)
	}
	if out, err := e.rsctl("irr", "refresh", "--peer", "a"); err == nil || !strings.Contains(err.Error(), "FailedPrecondition") {
		t.Fatalf("irr refresh of a peer without as_set: %v %s", err, out)
	}
	var irrStatus []struct {
		Peer    string `json:"peer"`
		ASSet   string `json:"as_set"`
		Origins int    `json:"origins"`
		IPv4    int    `json:"ipv4_prefixes"`
	}
	e.json(&irrStatus, "irr", "status")
	if len(irrStatus) != 1 || irrStatus[0].ASSet != "AS-CHARLIE" || irrStatus[0].Origins != 1 || irrStatus[0].IPv4 == 0 {
		t.Fatalf("irr status: %+v", irrStatus)
	}

	// config: registering 45.49.0.0/24 by reload moves it to accepted
	os.WriteFile(e.cfg, []byte(e2eConfig(dir, `"45.41.0.0/16{16,24}", "45.49.0.0/24"`)), 0o600)
	if out, err := e.rsctl("config", "check"); err != nil {
		t.Fatalf("config check: %v %s", err, out)
	}
	if out, err := e.rsctl("config", "reload"); err != nil {
		t.Fatalf("config reload: %v %s", err, out)
	}
	waitAccepted(t, e, "a", "45.49.0.0/24", true)
	// a broken config is refused and the old one stays
	os.WriteFile(e.cfg, []byte(e2eConfig(dir, `"45.41.0.0/33"`)), 0o600)
	out, err := e.rsctl("config", "reload")
	if err == nil || !strings.Contains(out+err.Error(), "rsguard.toml:") {
		t.Fatalf("broken reload accepted: %v %s", err, out)
	}
	waitAccepted(t, e, "a", "45.49.0.0/24", true)

	// advertised view, dampening, peer actions, events
	var adv []routeJSON
	e.json(&adv, "routes", "--peer", "b", "--view", "advertised")
	if len(adv) == 0 {
		t.Fatal("nothing advertised to b")
	}
	var damped []map[string]any
	e.json(&damped, "dampened")
	if _, err := e.rsctl("dampening", "clear", "--peer", "a"); err != nil {
		t.Fatal(err)
	}
	events := exec.Command(rsctlBin, "--socket", e.socket, "events", "--json")
	var evOut bytes.Buffer
	events.Stdout = &evOut
	if err := events.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	for _, args := range [][]string{{"peer", "disable", "b", "--message", "maintenance"}, {"peer", "enable", "b"}, {"peer", "reset", "a"}} {
		if out, err := e.rsctl(args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	if err := birdB.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatalf("b after enable: %v", err)
	}
	time.Sleep(500 * time.Millisecond)
	events.Process.Signal(os.Interrupt)
	events.Wait()
	if !strings.Contains(evOut.String(), `"peer_state"`) {
		t.Fatalf("rsctl events saw no peer state change:\n%s", evOut.String())
	}
}

func waitAccepted(t *testing.T, e *e2e, peer, prefix string, accepted bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var rs []routeJSON
		e.json(&rs, "routes", "--peer", peer, "--view", "accepted", "--prefix", prefix)
		if (len(rs) == 1) == accepted {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s from %s: accepted=%v never reached", prefix, peer, accepted)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
