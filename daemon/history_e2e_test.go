package daemon

import (
	"bytes"
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

// Addresses of the history test: 127.41.17.x (the history branch's octet),
// so it never meets another daemon test on the same loopback address.
func ha(host byte) string { return fmt.Sprintf("127.%d.17.%d", speakers.PkgDaemon, host) }

func historyConfig(dir, prefixesA string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[4]q

[api]
socket = %[5]q

[irr]
files = [%[6]q]

[dampening]
mode = "enforce"
half_life = "15m"
max_suppress = "1h"
reuse = 750
suppress = 2500
withdrawal_penalty = 1000
attribute_change_penalty = 1000

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = [%[7]s]

[[peers]]
name = "c"
address = "%[3]s"
asn = 21003
as_set = "AS-CHARLIE"

[[peers]]
name = "m"
address = "%[8]s"
asn = 21004
prefixes = ["45.44.0.0/16{16,24}"]
max_prefixes_ipv4 = 2
max_prefix_action = "block"
`, ha(1), ha(2), ha(3), filepath.Join(dir, "state"), filepath.Join(dir, "run", "rsguard.sock"),
		filepath.Join(dir, "irr.rpsl"), prefixesA, ha(4))
}

// eventTail follows `rsctl events --json` in the background.
type eventTail struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	out bytes.Buffer
}

func (w *eventTail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.Write(p)
}

type historyEvent struct {
	Type           string             `json:"type"`
	Peer           string             `json:"peer"`
	VerdictChange  *historyChangeJSON `json:"verdict_change"`
	VerdictSummary *struct {
		Cause              string `json:"cause"`
		AcceptedToRejected int    `json:"accepted_to_rejected"`
		RejectedToAccepted int    `json:"rejected_to_accepted"`
		Text               string `json:"text"`
	} `json:"verdict_summary"`
}

type historyChangeJSON struct {
	Peer       string       `json:"peer"`
	Prefix     string       `json:"prefix"`
	OldVerdict string       `json:"old_verdict"`
	NewVerdict string       `json:"new_verdict"`
	NewReasons []reasonJSON `json:"new_reasons"`
	Cause      string       `json:"cause"`
}

func (w *eventTail) events(t *testing.T) []historyEvent {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []historyEvent
	for _, l := range strings.Split(w.out.String(), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var ev historyEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("events --json line %q: %v", l, err)
		}
		out = append(out, ev)
	}
	return out
}

// waitChange waits for the verdict_change event of prefix from peer with
// cause, and for its summary (unless the cause is a single announcement).
func (w *eventTail) waitChange(t *testing.T, peer, prefix, cause, newVerdict string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var change, summary bool
		for _, ev := range w.events(t) {
			if c := ev.VerdictChange; ev.Type == "verdict_change" && c != nil && c.Peer == peer && c.Prefix == prefix && c.Cause == cause && c.NewVerdict == newVerdict {
				change = true
			}
			if s := ev.VerdictSummary; ev.Type == "verdict_summary" && s != nil && ev.Peer == peer && s.Cause == cause &&
				s.AcceptedToRejected+s.RejectedToAccepted >= 1 && strings.HasPrefix(s.Text, cause+":") {
				summary = true
			}
		}
		if change && summary {
			return
		}
		if time.Now().After(deadline) {
			w.mu.Lock()
			t.Fatalf("no verdict_change (%v) and verdict_summary (%v) of %s from %s by %q to %s; events:\n%s", change, summary, prefix, peer, cause, newVerdict, w.out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkHistory asks `rsctl routes --history` and wants the newest change
// of prefix to have cause and verdict.
func checkHistory(t *testing.T, e *e2e, peer, prefix, cause, newVerdict string, reason string) {
	t.Helper()
	var h []historyChangeJSON
	e.json(&h, "routes", "--history", prefix, "--peer", peer)
	if len(h) == 0 || h[0].Cause != cause || h[0].NewVerdict != newVerdict || h[0].Peer != peer || h[0].Prefix != prefix {
		t.Fatalf("routes --history %s --peer %s: %+v, want newest %s by %q", prefix, peer, h, newVerdict, cause)
	}
	if reason != "" && !strings.Contains(reasonNames(h[0].NewReasons), reason) {
		t.Fatalf("routes --history %s: reasons %s, want %s", prefix, reasonNames(h[0].NewReasons), reason)
	}
	out, err := e.rsctl("routes", "--history", prefix, "--peer", peer)
	if err != nil || !strings.Contains(out, cause) || !strings.Contains(out, prefix) {
		t.Fatalf("routes --history table: %v\n%s", err, out)
	}
}

// TestVerdictHistoryEvents runs the daemon with real BIRD peers and checks
// that a reload, an IRR refresh and a dampening suppression that flip a
// verdict each emit a verdict_change event with that cause plus a summary,
// and that `rsctl routes --history` names the cause.
func TestVerdictHistoryEvents(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "run", "rsguard.sock")}
	copyFile(t, "testdata/irr-before.rpsl", filepath.Join(dir, "irr.rpsl"))
	os.WriteFile(e.cfg, []byte(historyConfig(dir, `"45.41.0.0/16{16,24}"`)), 0o600)
	runDaemon(t, e.cfg)

	rsNeighbor := func(local string, asn uint32) speakers.BIRDNeighbor {
		return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: ha(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
	}
	cfgA := func(flapPath []uint32) speakers.BIRDConfig {
		return speakers.BIRDConfig{ASN: 21001, RouterID: ha(2), Neighbors: []speakers.BIRDNeighbor{rsNeighbor(ha(2), 21001)},
			Static4: []speakers.StaticRoute{{Prefix: "45.41.1.0/24"}, {Prefix: "45.41.5.0/24"}, {Prefix: "45.41.6.0/24", ASPath: flapPath}}}
	}
	birdA := speakers.StartBIRD(t, cfgA(nil))
	birdC := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21003, RouterID: ha(3), Neighbors: []speakers.BIRDNeighbor{rsNeighbor(ha(3), 21003)},
		Static4: []speakers.StaticRoute{{Prefix: "45.43.0.0/24"}, {Prefix: "45.43.1.0/24"}}})
	cfgM := func(prefixes ...string) speakers.BIRDConfig {
		c := speakers.BIRDConfig{ASN: 21004, RouterID: ha(4), Neighbors: []speakers.BIRDNeighbor{rsNeighbor(ha(4), 21004)}}
		for _, p := range prefixes {
			c.Static4 = append(c.Static4, speakers.StaticRoute{Prefix: p})
		}
		return c
	}
	birdM := speakers.StartBIRD(t, cfgM("45.44.1.0/24", "45.44.2.0/24"))
	for n, b := range map[string]*speakers.BIRD{"a": birdA, "c": birdC, "m": birdM} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", n, err)
		}
	}
	waitAccepted(t, e, "a", "45.41.5.0/24", true)
	waitAccepted(t, e, "a", "45.41.6.0/24", true)
	waitAccepted(t, e, "c", "45.43.0.0/24", true)
	waitAccepted(t, e, "c", "45.43.1.0/24", false)

	tail := &eventTail{cmd: exec.Command(rsctlBin, "--socket", e.socket, "events", "--json")}
	tail.cmd.Stdout = tail
	if err := tail.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tail.cmd.Process.Signal(os.Interrupt)
		tail.cmd.Wait()
	})
	time.Sleep(500 * time.Millisecond) // subscribed

	t.Run("reload", func(t *testing.T) {
		// 45.41.5.0/24 is no longer registered for a: accepted → rejected
		os.WriteFile(e.cfg, []byte(historyConfig(dir, `"45.41.1.0/24", "45.41.6.0/24"`)), 0o600)
		if out, err := e.rsctl("config", "reload"); err != nil {
			t.Fatalf("config reload: %v %s", err, out)
		}
		waitAccepted(t, e, "a", "45.41.5.0/24", false)
		tail.waitChange(t, "a", "45.41.5.0/24", "reload", "reject")
		checkHistory(t, e, "a", "45.41.5.0/24", "reload", "reject", "prefix_not_registered")
	})
	t.Run("irr refresh", func(t *testing.T) {
		copyFile(t, "testdata/irr-after.rpsl", filepath.Join(dir, "irr.rpsl"))
		if out, err := e.rsctl("irr", "refresh", "--peer", "c"); err != nil {
			t.Fatalf("irr refresh: %v %s", err, out)
		}
		waitAccepted(t, e, "c", "45.43.1.0/24", true)
		tail.waitChange(t, "c", "45.43.1.0/24", "irr refresh AS-CHARLIE", "accept")
		checkHistory(t, e, "c", "45.43.1.0/24", "irr refresh AS-CHARLIE", "accept", "")
	})
	t.Run("max-prefix", func(t *testing.T) {
		// m is at its limit of 2: a third route is blocked (never accepted,
		// so no change); withdrawing one admits it: rejected → accepted
		waitAccepted(t, e, "m", "45.44.2.0/24", true)
		if err := birdM.Reconfigure(cfgM("45.44.1.0/24", "45.44.2.0/24", "45.44.3.0/24")); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			var rs []routeJSON
			e.json(&rs, "rejected", "--peer", "m", "--reason", "max_prefix_blocked")
			if len(rs) == 1 && rs[0].Prefix == "45.44.3.0/24" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("45.44.3.0/24 not blocked: %+v", rs)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err := birdM.Reconfigure(cfgM("45.44.1.0/24", "45.44.3.0/24")); err != nil {
			t.Fatal(err)
		}
		waitAccepted(t, e, "m", "45.44.3.0/24", true)
		tail.waitChange(t, "m", "45.44.3.0/24", "max-prefix", "accept")
		checkHistory(t, e, "m", "45.44.3.0/24", "max-prefix", "accept", "")
	})
	t.Run("advertised view", func(t *testing.T) {
		// a gets c's and m's accepted routes, sorted by prefix, each naming
		// the peer it came from
		want := "45.43.0.0/24 c,45.43.1.0/24 c,45.44.1.0/24 m,45.44.3.0/24 m"
		deadline := time.Now().Add(30 * time.Second)
		for {
			var adv []struct {
				Prefix      string `json:"prefix"`
				LearnedFrom string `json:"learned_from"`
			}
			e.json(&adv, "routes", "--peer", "a", "--view", "advertised")
			var got []string
			for _, r := range adv {
				got = append(got, r.Prefix+" "+r.LearnedFrom)
			}
			if strings.Join(got, ",") == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("advertised to a: %+v", adv)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	t.Run("dampening", func(t *testing.T) {
		// three attribute changes: penalty 3000 ≥ suppress 2500
		for i, path := range [][]uint32{{21001, 21011}, {21001, 21012}, {21001, 21013}} {
			if err := birdA.Reconfigure(cfgA(path)); err != nil {
				t.Fatalf("flap %d: %v", i, err)
			}
			want := fmt.Sprint(path[1])
			deadline := time.Now().Add(20 * time.Second)
			for {
				var rs []routeJSON
				e.json(&rs, "routes", "--peer", "a", "--view", "received", "--prefix", "45.41.6.0/24")
				if len(rs) == 1 && strings.HasSuffix(rs[0].ASPath, want) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("flap %d never arrived: %+v", i, rs)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		waitAccepted(t, e, "a", "45.41.6.0/24", false)
		tail.waitChange(t, "a", "45.41.6.0/24", "dampening", "reject")
		checkHistory(t, e, "a", "45.41.6.0/24", "dampening", "reject", "dampened")
	})
	// the reload's change is still remembered under the later ones
	var h []historyChangeJSON
	e.json(&h, "routes", "--history", "45.41.5.0/24")
	if len(h) != 1 || h[0].Cause != "reload" {
		t.Fatalf("history of 45.41.5.0/24 over all peers: %+v", h)
	}
}
