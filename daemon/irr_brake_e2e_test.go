package daemon

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeBrakeRPSL writes AS-BRAKE (AS21201) with n /24 route objects, or
// without the set at all when n < 0.
func writeBrakeRPSL(t *testing.T, path string, n int) {
	var b strings.Builder
	if n >= 0 {
		b.WriteString("as-set: AS-BRAKE\nmembers: AS21201\nmnt-by: TEST-MNT\nsource: TEST\n\n")
	}
	for j := range max(n, 0) {
		fmt.Fprintf(&b, "route: 45.%d.%d.0/24\norigin: AS21201\nmnt-by: TEST-MNT\nsource: TEST\n\n", 100+j/128, 2*(j%128))
	}
	if err := os.WriteFile(path+".new", []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}

type refreshOutcome struct {
	Peer     string `json:"peer"`
	Changed  bool   `json:"changed"`
	IPv4     int    `json:"ipv4_prefixes"`
	HeldBack *struct {
		Reason string `json:"reason"`
	} `json:"held_back"`
	Error string `json:"error"`
}

// TestIRRBrakeWithRsctl: the real daemon and the real rsctl. A registry
// answer that shrinks the peer's list beyond max_shrink, or comes back
// empty (the set gone), is held back: the old list stays in force, `rsctl
// irr refresh` says why and `rsctl irr status` shows it; `--force`
// applies it. A registry dump that is garbage is an error and changes
// nothing.
func TestIRRBrakeWithRsctl(t *testing.T) {
	dir := t.TempDir()
	cfg, socket, dump := filepath.Join(dir, "rsguard.toml"), filepath.Join(dir, "rsguard.sock"), filepath.Join(dir, "irr.rpsl")
	os.WriteFile(cfg, []byte(daemonHeader(fa(60), dir)+fmt.Sprintf(`
[irr]
files = [%q]
max_shrink = 0.5

[[peers]]
name = "p"
address = %q
asn = 21201
as_set = "AS-BRAKE"
`, dump, fa(61))), 0o600)
	writeBrakeRPSL(t, dump, 100)
	p := runRsguard(t, cfg, socket)
	e := &e2e{t: t, socket: socket}
	refresh := func(args ...string) refreshOutcome {
		t.Helper()
		var out struct{ Peers []refreshOutcome }
		text, err := e.rsctl(append([]string{"irr", "refresh", "--peer", "p", "--json"}, args...)...)
		if jerr := json.Unmarshal([]byte(text), &out); jerr != nil || len(out.Peers) != 1 {
			t.Fatalf("rsctl irr refresh %v: %v / %v\n%s", args, err, jerr, text)
		}
		// rsctl exits non-zero on a failed and on a held-back refresh
		if (out.Peers[0].Error != "" || out.Peers[0].HeldBack != nil) != (err != nil) {
			t.Errorf("rsctl exit status %v with error %q", err, out.Peers[0].Error)
		}
		return out.Peers[0]
	}
	inForce := func() int {
		var st []irrStatusJSON
		e.json(&st, "irr", "status")
		return st[0].IPv4
	}
	if r := refresh(); r.IPv4 != 100 || r.HeldBack != nil || r.Error != "" {
		t.Fatalf("first refresh: %+v", r)
	}

	// Shrunk by 60% with max_shrink 0.5: held back until --force.
	writeBrakeRPSL(t, dump, 40)
	r := refresh()
	if r.HeldBack == nil || r.Changed || inForce() != 100 {
		t.Fatalf("shrink 100 → 40: %+v, %d in force", r, inForce())
	}
	t.Logf("shrunk: held back: %s", r.HeldBack.Reason)
	if r = refresh("--force"); r.HeldBack != nil || !r.Changed || inForce() != 40 {
		t.Fatalf("forced: %+v, %d in force", r, inForce())
	}
	// A 25% shrink is within max_shrink: applied.
	writeBrakeRPSL(t, dump, 30)
	if r = refresh(); r.HeldBack != nil || inForce() != 30 {
		t.Fatalf("shrink 40 → 30: %+v, %d in force", r, inForce())
	}

	// The set gone (the answer is empty): held back.
	writeBrakeRPSL(t, dump, -1)
	r = refresh()
	if r.HeldBack == nil || inForce() != 30 {
		t.Fatalf("set gone: %+v, %d in force", r, inForce())
	}
	t.Logf("empty: held back: %s", r.HeldBack.Reason)

	// Garbage in the dump: nothing parses, the set is gone again; held back.
	if err := os.WriteFile(dump, []byte("\x00\x01garbage\xff\nroute: 45.0.0.0/33\norigin: ASX\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = refresh()
	if r.Changed || inForce() != 30 || (r.HeldBack == nil && r.Error == "") {
		t.Fatalf("garbage dump: %+v, %d in force", r, inForce())
	}
	why := r.Error
	if r.HeldBack != nil {
		why = "held back: " + r.HeldBack.Reason
	}
	t.Logf("garbage dump: %s", why)
	logs := p.waitLog(t, 10*time.Second, "objects skipped while parsing the dump", dump+":")
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "objects skipped") {
			t.Logf("daemon: %s", l)
		}
	}
	if !p.running() {
		t.Fatal("daemon exited")
	}
}
