package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// This file's speakers use 127.41.12.x (engineer octet 12).
func ca(host byte) string { return fmt.Sprintf("127.41.12.%d", host) }

type commRouteJSON struct {
	Prefix           string   `json:"prefix"`
	ASPath           string   `json:"as_path"`
	Communities      []string `json:"communities"`
	LargeCommunities []string `json:"large_communities"`
}

type commExplainJSON struct {
	Verdict     string   `json:"verdict"`
	Communities []string `json:"communities"`
	Exports     []struct {
		Peer    string `json:"peer"`
		Sent    bool   `json:"sent"`
		Prepend int    `json:"prepend"`
		Rule    string `json:"rule"`
	} `json:"exports"`
}

func (x commExplainJSON) sentTo() string {
	var out []string
	for _, e := range x.Exports {
		if e.Sent {
			out = append(out, e.Peer)
		}
	}
	return strings.Join(out, ",")
}

// TestCommunitiesWithRsctl: a BIRD client's communities show in `rsctl
// routes`; the advertised view shows them scrubbed and the prepend done;
// `rsctl explain` (with the communities the peer sent, and a what-if with
// --large-community) names exactly the peers that really got the route.
func TestCommunitiesWithRsctl(t *testing.T) {
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
state_dir = %[5]q

[api]
socket = %[6]q

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.44.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = []

[[peers]]
name = "c"
address = "%[4]s"
asn = 21003
prefixes = []
`, ca(1), ca(2), ca(3), ca(4), filepath.Join(dir, "state"), socket)
	if err := os.WriteFile(e.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	d := runDaemon(t, e.cfg)
	neighbor := func(local string, asn uint32) speakers.BIRDNeighbor {
		return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: ca(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
	}
	aCfg, err := speakers.BIRDConfig{ASN: 21001, RouterID: ca(2), Neighbors: []speakers.BIRDNeighbor{neighbor(ca(2), 21001)},
		Static4: []speakers.StaticRoute{{Prefix: "45.44.1.0/24"}, {Prefix: "45.44.2.0/24"}}}.WithCommunities(map[string]speakers.RouteCommunities{
		"45.44.1.0/24": {Std: []string{"0:21002", "21001:7"}},
		"45.44.2.0/24": {Large: []string{"21000:101:21003"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	birdA := speakers.StartBIRD(t, aCfg)
	birdB := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: ca(3), Neighbors: []speakers.BIRDNeighbor{neighbor(ca(3), 21002)}})
	birdC := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21003, RouterID: ca(4), Neighbors: []speakers.BIRDNeighbor{neighbor(ca(4), 21003)}})
	for n, b := range map[string]*speakers.BIRD{"a": birdA, "b": birdB, "c": birdC} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", n, err)
		}
	}
	if _, err := birdC.WaitRoutes("master4", func(rs []speakers.Route) bool { return len(rs) == 2 }, 30*time.Second); err != nil {
		t.Fatalf("c: %v", err)
	}
	if _, err := birdB.WaitRoutes("master4", func(rs []speakers.Route) bool { return len(rs) == 1 }, 30*time.Second); err != nil {
		t.Fatalf("b: %v", err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := d.RouteServer().Store().Counts("a").Received; n != 2 {
		t.Fatalf("store holds %d of a's routes", n)
	}

	var received []commRouteJSON
	e.json(&received, "routes", "--peer", "a")
	got := map[string]commRouteJSON{}
	for _, r := range received {
		got[r.Prefix] = r
	}
	if r := got["45.44.1.0/24"]; !slices.Equal(r.Communities, []string{"0:21002", "21001:7"}) || len(r.LargeCommunities) != 0 {
		t.Errorf("received 45.44.1.0/24: %+v", r)
	}
	if r := got["45.44.2.0/24"]; len(r.Communities) != 0 || !slices.Equal(r.LargeCommunities, []string{"21000:101:21003"}) {
		t.Errorf("received 45.44.2.0/24: %+v", r)
	}
	out, err := e.rsctl("routes", "--peer", "a")
	if err != nil || !strings.Contains(out, "COMMUNITIES") || !strings.Contains(out, "0:21002 21001:7") {
		t.Errorf("rsctl routes table (%v):\n%s", err, out)
	}

	var advertised []commRouteJSON
	e.json(&advertised, "routes", "--peer", "c", "--view", "advertised")
	got = map[string]commRouteJSON{}
	for _, r := range advertised {
		got[r.Prefix] = r
	}
	if r := got["45.44.1.0/24"]; !slices.Equal(r.Communities, []string{"21001:7"}) {
		t.Errorf("advertised to c, 45.44.1.0/24: %+v (0:21002 must be scrubbed)", r)
	}
	if r := got["45.44.2.0/24"]; r.ASPath != "21001 21001" || len(r.LargeCommunities) != 0 {
		t.Errorf("advertised to c, 45.44.2.0/24: %+v (prepended once, control community scrubbed)", r)
	}

	atB, _ := birdB.Routes("", "master4")
	atC, _ := birdC.Routes("", "master4")
	for _, p := range []string{"45.44.1.0/24", "45.44.2.0/24"} {
		var ex commExplainJSON
		e.json(&ex, "explain", p, "--peer", "a")
		var really []string
		if len(speakers.FindRoute(atB, p)) > 0 {
			really = append(really, "b")
		}
		if len(speakers.FindRoute(atC, p)) > 0 {
			really = append(really, "c")
		}
		if ex.sentTo() != strings.Join(really, ",") {
			t.Errorf("explain %s says sent to %q, BIRD clients really got it: %v (%+v)", p, ex.sentTo(), really, ex)
		}
	}
	var whatIf commExplainJSON
	e.json(&whatIf, "explain", "45.44.9.0/24", "--peer", "a", "--large-community", "21000:1:21003", "--community", "no_export")
	if whatIf.Verdict != "accept" || whatIf.sentTo() != "c" || !slices.Equal(whatIf.Communities, []string{"65535:65281"}) {
		t.Errorf("what-if explain: %+v", whatIf)
	}
}
