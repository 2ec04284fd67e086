package daemon

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// a7 is this test's own loopback block inside the daemon package's
// 127.41.0.0/16, so it never meets the other daemon tests' speakers.
func a7(host byte) string { return fmt.Sprintf("127.41.7.%d", host) }

// lockedLog collects a child's stderr while the test reads it.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startRsguard runs the real binary; the caller kills it.
func startRsguard(t *testing.T, cfgPath string) (*exec.Cmd, *lockedLog) {
	t.Helper()
	rs := exec.Command(rsguardBin, "run", "-c", cfgPath)
	logs := &lockedLog{}
	rs.Stderr = logs
	if err := rs.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if rs.ProcessState == nil {
			rs.Process.Kill()
			rs.Wait()
		}
	})
	return rs, logs
}

// TestDampeningSurvivesSIGKILL: ExaBGP flaps a prefix until the route
// server suppresses it, the real daemon is killed with SIGKILL right after
// the suppression is enforced, long before the periodic 30 s snapshot, and
// restarted. The prefix must still be suppressed: rejected as dampened
// when ExaBGP announces it again, and never re-advertised to the BIRD
// client, while a steady prefix of the same peer flows again.
func TestDampeningSurvivesSIGKILL(t *testing.T) {
	speakers.Require(t, "bird")
	speakers.Require(t, "exabgp")
	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "rsguard.sock")}
	// half-life 60 s: three withdrawals suppress (penalty ~2990 >= 2000)
	// and reuse is about two minutes away, far beyond the restart.
	os.WriteFile(e.cfg, []byte(fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[4]q
[api]
socket = %[5]q
[dampening]
mode = "enforce"
half_life = "60s"
max_suppress = "240s"
reuse = 750
suppress = 2000
withdrawal_penalty = 1000
attribute_change_penalty = 500
readvertisement_penalty = 0
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
`, a7(1), a7(2), a7(3), filepath.Join(dir, "state"), e.socket)), 0o600)

	rs, logs := startRsguard(t, e.cfg)
	y := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21006, RouterID: a7(3),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: a7(3), PeerAddr: a7(1), PeerASN: 21000, IPv4: true, ImportAll: true}}})
	x := speakers.StartExaBGP(t, speakers.ExaBGPConfig{LocalAddr: a7(2), ASN: 21005,
		Neighbors: []speakers.ExaBGPNeighbor{{PeerAddr: a7(1), PeerASN: 21000, IPv4: true}}})
	if err := x.WaitEstablished(a7(1), 60*time.Second); err != nil {
		t.Fatalf("exabgp: %v\n%s", err, logs)
	}
	if err := y.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatalf("bird: %v\n%s", err, logs)
	}
	flapper, steady := "45.5.1.0/24", "45.5.2.0/24"
	for _, p := range []string{flapper, steady} {
		if err := x.Announce(p, a7(2), []uint32{21005}); err != nil {
			t.Fatal(err)
		}
	}
	has := func(rs []speakers.Route, p string) bool { return len(speakers.FindRoute(rs, p)) > 0 }
	if _, err := y.WaitRoutes("master4", func(rs []speakers.Route) bool { return has(rs, flapper) && has(rs, steady) }, 30*time.Second); err != nil {
		t.Fatalf("initial routes at BIRD: %v", err)
	}

	// Flap: the third withdrawal suppresses. The daemon logs "dampening
	// transitions applied" once the suppression is journaled and enforced;
	// kill it the moment that line appears.
	applied := func() bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "dampening transitions applied") && strings.Contains(l, flapper) {
				return true
			}
		}
		return false
	}
	for i := 0; i < 3 && !applied(); i++ {
		if err := x.Withdraw(flapper); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
		if err := x.Announce(flapper, a7(2), []uint32{21005}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !applied() {
		if time.Now().After(deadline) {
			t.Fatalf("no suppression applied after three flaps\n%s", logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := rs.Process.Kill(); err != nil { // SIGKILL: no shutdown save
		t.Fatal(err)
	}
	rs.Wait()
	firstRun := logs.String()
	t.Logf("killed with SIGKILL; state dir: %v", stateFiles(t, filepath.Join(dir, "state")))

	// BIRD must have seen the session go, and flushed its routes, so what
	// it holds after the restart comes from the new process.
	if _, err := y.WaitRoutes("master4", func(rs []speakers.Route) bool { return !has(rs, steady) }, 30*time.Second); err != nil {
		t.Fatalf("BIRD kept the killed route server's routes: %v", err)
	}

	rs2, logs2 := startRsguard(t, e.cfg)
	// The steady prefix accepted again proves the API is up and ExaBGP
	// re-sent its routes to the new process.
	waitJSON(t, e, 90*time.Second, "the steady prefix accepted after the restart", func(out []byte) bool {
		var rs []routeJSON
		return json.Unmarshal(out, &rs) == nil && len(rs) == 1
	}, "routes", "--peer", "x", "--view", "accepted", "--prefix", steady)
	var rejected []routeJSON
	waitJSON(t, e, 20*time.Second, flapper+" rejected after the restart", func(out []byte) bool {
		rejected = nil
		return json.Unmarshal(out, &rejected) == nil && len(rejected) == 1
	}, "routes", "--peer", "x", "--view", "rejected", "--prefix", flapper)
	if !strings.Contains(reasonNames(rejected[0].Reasons), "dampened") {
		t.Fatalf("after SIGKILL and restart, %s is not rejected as dampened: %+v\nfirst run:\n%s\nsecond run:\n%s", flapper, rejected, firstRun, logs2)
	}
	if _, err := y.WaitRoutes("master4", func(rs []speakers.Route) bool { return has(rs, steady) }, 60*time.Second); err != nil {
		t.Fatalf("steady prefix not re-advertised to BIRD after restart: %v\n%s", err, logs2)
	}
	time.Sleep(time.Second) // give a wrong advertisement the time to arrive
	routes, err := y.Routes("", "master4")
	if err != nil {
		t.Fatal(err)
	}
	if has(routes, flapper) {
		t.Fatalf("suppressed %s re-advertised to BIRD after the restart\n%s", flapper, logs2)
	}
	var damped []map[string]any
	e.json(&damped, "dampened", "--peer", "x")
	if len(damped) != 1 || damped[0]["prefix"] != flapper || damped[0]["suppressed"] != true {
		t.Fatalf("rsctl dampened after restart: %v", damped)
	}
	var st dampeningStateJSON
	e.json(&st, "dampened", "--state")
	if !strings.Contains(st.Status, "state restored from generation 1") || st.JournalEntriesApplied < 1 || len(st.Lost) != 0 {
		t.Fatalf("rsctl dampened --state: %+v", st)
	}
	text, err := e.rsctl("dampened")
	if err != nil || !strings.Contains(text, "State: state restored from generation 1") {
		t.Fatalf("rsctl dampened: %v\n%s", err, text)
	}
	t.Logf("rsctl dampened --state: %s", st.Status)

	// Second crash, and this time the newest snapshot is unreadable: the
	// previous generation plus the journals still hold the suppression,
	// and the loss is named by rsctl.
	rs2.Process.Kill()
	rs2.Wait()
	newest := ""
	for _, name := range stateFiles(t, filepath.Join(dir, "state")) {
		if strings.HasSuffix(name, ".json") && name > newest { // one-digit generations here
			newest = name
		}
	}
	if newest != "dampening.2.json" {
		t.Fatalf("newest snapshot %q, want dampening.2.json: %v", newest, stateFiles(t, filepath.Join(dir, "state")))
	}
	os.WriteFile(filepath.Join(dir, "state", newest), []byte(`{"format":"rsguard-dampening-state","vers`), 0o644)
	_, logs3 := startRsguard(t, e.cfg)
	waitJSON(t, e, 60*time.Second, "the API after the second restart", func(out []byte) bool {
		return json.Unmarshal(out, &st) == nil
	}, "dampened", "--state")
	if !strings.Contains(st.Status, "state restored from generation 1") || len(st.Lost) != 1 ||
		!strings.Contains(st.Lost[0], "snapshot generation 2 rejected") || !strings.Contains(st.Lost[0], "dampening.2.json") {
		t.Fatalf("rsctl dampened --state after a corrupt snapshot: %+v", st)
	}
	if !strings.Contains(logs3.String(), "snapshot generation 2 rejected") {
		t.Fatalf("the log does not state the loss:\n%s", logs3)
	}
	damped = nil
	e.json(&damped, "dampened", "--peer", "x")
	if len(damped) != 1 || damped[0]["suppressed"] != true {
		t.Fatalf("suppression lost with the corrupt snapshot: %v\n%s", damped, logs3)
	}
	t.Logf("after a corrupt snapshot: %s", st.Status)
}

// waitJSON polls an rsctl --json command until ok accepts its output;
// errors (the daemon not listening yet) are retried.
func waitJSON(t *testing.T, e *e2e, timeout time.Duration, what string, ok func([]byte) bool, args ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out, err := e.rsctl(append(args, "--json")...)
		if err == nil && ok([]byte(out)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s: %v %s", timeout, what, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// dampeningStateJSON mirrors rsctl's --json output of `dampened --state`.
type dampeningStateJSON struct {
	Status                string   `json:"status"`
	JournalEntriesApplied int      `json:"journal_entries_applied"`
	Lost                  []string `json:"lost"`
}

func stateFiles(t *testing.T, dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range ents {
		out = append(out, de.Name())
	}
	return out
}
