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

// This file's speakers use 127.41.13.x (engineer octet 13).
func bh(host byte) string { return fmt.Sprintf("127.41.13.%d", host) }

// TestGracefulShutdownWithRsctl: `rsctl routes` marks a blackhole request;
// `rsctl shutdown --graceful` tags every route at the clients and --undo
// lifts it; `rsctl peer shutdown a --graceful --wait 2s` tags a's routes at
// b while a is still up, then a's session ends with the message.
func TestGracefulShutdownWithRsctl(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	socket := filepath.Join(dir, "run", "rsguard.sock")
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: socket}
	cfg := fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[4]q

[api]
socket = %[5]q

[blackhole]
next_hop_ipv4 = "%[6]s"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.45.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = []
`, bh(1), bh(2), bh(3), filepath.Join(dir, "state"), socket, bh(66))
	if err := os.WriteFile(e.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	d := runDaemon(t, e.cfg)
	neighbor := func(local string, asn uint32) speakers.BIRDNeighbor {
		return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: bh(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
	}
	aCfg, err := speakers.BIRDConfig{ASN: 21001, RouterID: bh(2), Neighbors: []speakers.BIRDNeighbor{neighbor(bh(2), 21001)},
		Static4: []speakers.StaticRoute{{Prefix: "45.45.1.0/24"}, {Prefix: "45.45.9.9/32"}}}.WithCommunities(map[string]speakers.RouteCommunities{
		"45.45.9.9/32": {Std: []string{"65535:666"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	birdA := speakers.StartBIRD(t, aCfg)
	birdB := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: bh(3), Neighbors: []speakers.BIRDNeighbor{neighbor(bh(3), 21002)}})
	for n, b := range map[string]*speakers.BIRD{"a": birdA, "b": birdB} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", n, err)
		}
	}
	gshut := func(on bool) func([]speakers.Route) bool {
		return func(rs []speakers.Route) bool {
			if len(rs) != 2 {
				return false
			}
			for _, r := range rs {
				if strings.Contains(r.Attrs["BGP.community"], "(65535,0)") != on {
					return false
				}
			}
			return true
		}
	}
	if _, err := birdB.WaitRoutes("master4", gshut(false), 30*time.Second); err != nil {
		t.Fatalf("b: %v", err)
	}
	var routes []struct {
		Prefix    string `json:"prefix"`
		Blackhole bool   `json:"blackhole"`
	}
	e.json(&routes, "routes", "--peer", "a", "--view", "accepted")
	marked := map[string]bool{}
	for _, r := range routes {
		marked[r.Prefix] = r.Blackhole
	}
	if len(marked) != 2 || !marked["45.45.9.9/32"] || marked["45.45.1.0/24"] {
		t.Errorf("rsctl routes --json blackhole flags: %v", marked)
	}
	if out, err := e.rsctl("routes", "--peer", "b", "--view", "advertised"); err != nil || !strings.Contains(out, "45.45.9.9/32 (blackhole)") || !strings.Contains(out, bh(66)) {
		t.Errorf("advertised to b: %v\n%s", err, out)
	}

	if out, err := e.rsctl("shutdown", "--graceful"); err != nil {
		t.Fatalf("shutdown --graceful: %v %s", err, out)
	}
	if _, err := birdB.WaitRoutes("master4", gshut(true), 30*time.Second); err != nil {
		t.Fatalf("server-wide graceful shutdown not seen at b: %v", err)
	}
	if out, err := e.rsctl("shutdown", "--graceful", "--undo"); err != nil {
		t.Fatalf("shutdown --graceful --undo: %v %s", err, out)
	}
	if _, err := birdB.WaitRoutes("master4", gshut(false), 30*time.Second); err != nil {
		t.Fatalf("graceful shutdown not lifted at b: %v", err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := e.rsctl("peer", "shutdown", "a", "--graceful", "--wait", "3s", "--message", "maintenance window")
		done <- err
	}()
	if _, err := birdB.WaitRoutes("master4", gshut(true), 3*time.Second); err != nil {
		t.Fatalf("a's routes not tagged at b during its graceful shutdown: %v", err)
	}
	for _, p := range d.RouteServer().Peers() {
		if p.Name == "a" && p.State != "ESTABLISHED" {
			t.Fatalf("a is %s while its routes are only tagged", p.State)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := birdB.WaitRoutes("master4", func(rs []speakers.Route) bool { return len(rs) == 0 }, 20*time.Second); err != nil {
		t.Fatalf("a's routes still at b after its shutdown: %v", err)
	}
	for _, p := range d.RouteServer().Peers() {
		if p.Name == "a" && (!p.Disabled || p.ShutdownMessage != "maintenance window") {
			t.Errorf("a after graceful shutdown: disabled=%v message=%q", p.Disabled, p.ShutdownMessage)
		}
	}
}
