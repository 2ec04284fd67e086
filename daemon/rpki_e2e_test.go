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

// rpkiA is this test's block: 127.41.3.0/24 (daemon's 127.41.0.0/16, octet 3).
func rpkiA(host byte) string { return fmt.Sprintf("127.41.3.%d", host) }

func rpkiE2EConfig(dir string, withRPKI bool) string {
	section := ""
	if withRPKI {
		section = fmt.Sprintf("[rpki]\nfiles = [%q]\npoll = \"100ms\"\n", filepath.Join(dir, "vrps.json"))
	}
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[3]q

[api]
socket = %[4]q

%[5]s
[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.41.0.0/16{16,24}"]
`, rpkiA(1), rpkiA(2), filepath.Join(dir, "state"), filepath.Join(dir, "run", "rsguard.sock"), section)
}

type rpkiRouteJSON struct {
	Prefix  string       `json:"prefix"`
	Reasons []reasonJSON `json:"reasons"`
	RPKI    *string      `json:"rpki"`
}

// TestRPKIEndToEndWithRsctl: the daemon with [rpki], a real BIRD peer and
// the real rsctl: `rsctl rejected --json` shows rpki_invalid with the
// covering VRP, `rsctl routes --json` every route's state; a reload that
// removes [rpki] turns validation off live.
func TestRPKIEndToEndWithRsctl(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "run", "rsguard.sock")}
	os.WriteFile(filepath.Join(dir, "vrps.json"), []byte(`{"roas":[{"prefix":"45.41.0.0/16","maxLength":24,"asn":"AS21001","ta":"test"}]}`), 0o600)
	os.WriteFile(e.cfg, []byte(rpkiE2EConfig(dir, true)), 0o600)
	d := runDaemon(t, e.cfg)
	bird := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: rpkiA(2),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: rpkiA(2), PeerAddr: rpkiA(1), PeerASN: 21000, LocalASN: 21001, IPv4: true, ImportAll: true}},
		Static4: []speakers.StaticRoute{
			{Prefix: "45.41.1.0/24"},                                 // valid
			{Prefix: "45.41.2.0/24", ASPath: []uint32{21001, 21011}}, // invalid
		}})
	if err := bird.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for d.RouteServer().Store().Counts("a").Received < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("store: %+v", d.RouteServer().Store().Counts("a"))
		}
		time.Sleep(100 * time.Millisecond)
	}

	var rejected []rpkiRouteJSON
	e.json(&rejected, "rejected", "--reason", "rpki_invalid")
	if len(rejected) != 1 || rejected[0].Prefix != "45.41.2.0/24" || len(rejected[0].Reasons) != 1 ||
		rejected[0].Reasons[0].Code != 14 || !strings.Contains(rejected[0].Reasons[0].Detail, "45.41.0.0/16 max /24 AS21001") ||
		rejected[0].RPKI == nil || *rejected[0].RPKI != "invalid" {
		t.Fatalf("rsctl rejected --reason rpki_invalid: %+v", rejected)
	}
	state := func() map[string]string {
		var routes []rpkiRouteJSON
		e.json(&routes, "routes", "--peer", "a")
		out := map[string]string{}
		for _, r := range routes {
			out[r.Prefix] = "null"
			if r.RPKI != nil {
				out[r.Prefix] = *r.RPKI
			}
		}
		return out
	}
	if got := state(); got["45.41.1.0/24"] != "valid" || got["45.41.2.0/24"] != "invalid" {
		t.Fatalf("rsctl routes states: %v", got)
	}

	// A corrupt file: `rsctl rpki status` names it, the last good set stays.
	vrpFile := filepath.Join(dir, "vrps.json")
	os.WriteFile(vrpFile, []byte(`{"roas":[{"prefix":"45.41.0.0/16"`), 0o600)
	var st struct {
		Enabled bool `json:"enabled"`
		VRPs    int  `json:"vrps"`
		Sources []struct {
			Kind  string `json:"kind"`
			Fresh bool   `json:"fresh"`
			Error string `json:"error"`
		} `json:"sources"`
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		e.json(&st, "rpki", "status")
		if len(st.Sources) == 1 && strings.Contains(st.Sources[0].Error, vrpFile) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rsctl rpki status never named the corrupt file: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !st.Enabled || st.VRPs != 1 || !st.Sources[0].Fresh {
		t.Fatalf("the corrupt file's last good set is not in force: %+v", st)
	}
	if got := state(); got["45.41.2.0/24"] != "invalid" {
		t.Fatalf("after the file turned corrupt: %v", got)
	}
	os.WriteFile(vrpFile, []byte(`{"roas":[{"prefix":"45.41.0.0/16","maxLength":24,"asn":"AS21001","ta":"test"}]}`), 0o600)

	// Reload without [rpki]: validation off, the invalid route accepted.
	os.WriteFile(e.cfg, []byte(rpkiE2EConfig(dir, false)), 0o600)
	if _, err := e.rsctl("config", "reload"); err != nil {
		t.Fatal(err)
	}
	if got := state(); got["45.41.1.0/24"] != "null" || got["45.41.2.0/24"] != "null" {
		t.Fatalf("after disabling [rpki]: %v", got)
	}
	deadline = time.Now().Add(10 * time.Second)
	for d.RouteServer().Store().Counts("a").Rejected != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the invalid route is still rejected after [rpki] was removed: %+v", d.RouteServer().Store().Counts("a"))
		}
		time.Sleep(50 * time.Millisecond)
	}

	// And back on, again by a reload.
	os.WriteFile(e.cfg, []byte(rpkiE2EConfig(dir, true)), 0o600)
	if _, err := e.rsctl("config", "reload"); err != nil {
		t.Fatal(err)
	}
	if got := state(); got["45.41.1.0/24"] != "valid" || got["45.41.2.0/24"] != "invalid" {
		t.Fatalf("after enabling [rpki] again: %v", got)
	}
	if c := d.RouteServer().Store().Counts("a"); c.Rejected != 1 || c.ByReason[14] != 1 {
		t.Fatalf("after enabling [rpki] again: %+v", c)
	}
}
