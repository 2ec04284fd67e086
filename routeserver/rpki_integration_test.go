package routeserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/rsguard/rsguard/rpki"
)

func rpkiRSConfig(vrpFile, cache, staleAfter string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "STATE"

[rpki]
files = ["%[4]s"]
rtr = ["%[5]s"]
stale_after = "%[6]s"
poll = "100ms"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
password = "alpha-secret"
prefixes = ["45.1.0.0/16{16,24}", "45.5.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
password = "bravo-secret"
prefixes = ["45.2.0.0/16{16,24}"]
`, rpkiAddr(1), rpkiAddr(2), rpkiAddr(3), vrpFile, cache, staleAfter)
}

func vrpJSON(vrps ...rpki.VRP) string {
	var items []string
	for _, v := range vrps {
		items = append(items, fmt.Sprintf(`{"prefix":%q,"maxLength":%d,"asn":"AS%d","ta":"test"}`, v.Prefix, v.MaxLen, v.ASN))
	}
	return `{"metadata":{"generated":0},"roas":[` + strings.Join(items, ",") + `]}`
}

func writeVRPs(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // validators replace files atomically
		t.Fatal(err)
	}
}

// TestRPKIWithBIRD runs origin validation against real BIRD clients: an
// invalid route rejected with reason 14 and the covering VRP as evidence,
// valid and not-found routes passed; then a VRP file change and an update
// from an upstream RTR cache each flip a route at the other peer without a
// session reset; a corrupt file keeps the last good set; a stale file and a
// cache gone for longer than stale_after drop their VRPs.
func TestRPKIWithBIRD(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	vrpFile := filepath.Join(dir, "vrps.json")
	writeVRPs(t, vrpFile, vrpJSON(mustVRP("45.1.0.0/16", 24, 21001), mustVRP("45.1.3.0/24", 24, 21013)), time.Now())

	cache := rpki.NewServer()
	defer cache.Close()
	cache.Update(rpki.NewSet([]rpki.VRP{mustVRP("45.1.4.0/24", 24, 21014), mustVRP("45.5.6.0/24", 24, 21099)}))
	cl, err := net.Listen("tcp", rpkiAddr(1)+":0")
	if err != nil {
		t.Fatal(err)
	}
	go cache.Serve(cl)

	rs := startRS(t, rpkiRSConfig(vrpFile, cl.Addr().String(), "1h"), nil)
	// Start waits for the caches, so the first verdicts are final.
	if n := rs.RPKI().VRPs; n != 4 {
		t.Fatalf("%d VRPs after Start, want the file's 2 and the cache's 2", n)
	}

	routes := []speakers.StaticRoute{
		{Prefix: "45.1.1.0/24"},                                 // valid (file)
		{Prefix: "45.1.2.0/24", ASPath: []uint32{21001, 21011}}, // invalid: 45.1.0.0/16 AS21001
		{Prefix: "45.1.3.0/24", ASPath: []uint32{21001, 21013}}, // valid (file), flips with the file
		{Prefix: "45.1.4.0/24", ASPath: []uint32{21001, 21014}}, // valid (cache), flips with the cache
		{Prefix: "45.5.1.0/24"},                                 // not-found
		{Prefix: "45.5.6.0/24"},                                 // invalid by the cache only
	}
	a := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: rpkiAddr(2),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: rpkiAddr(2), PeerAddr: rpkiAddr(1), PeerASN: 21000,
			LocalASN: 21001, Password: "alpha-secret", IPv4: true, ImportAll: true}},
		Static4: routes})
	b := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: rpkiAddr(3),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: rpkiAddr(3), PeerAddr: rpkiAddr(1), PeerASN: 21000,
			LocalASN: 21002, Password: "bravo-secret", IPv4: true, ImportAll: true}}})
	for name, sp := range map[string]*speakers.BIRD{"a": a, "b": b} {
		if err := sp.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", name, err)
		}
	}
	waitFor(t, 30*time.Second, "the store to hold a's routes", func() bool { return rs.Store().Counts("a").Received == len(routes) })

	// atB waits until b holds exactly the given prefixes of a's routes.
	atB := func(step string, want ...string) {
		t.Helper()
		wantSet := map[string]bool{}
		for _, p := range want {
			wantSet[p] = true
		}
		var got []string
		deadline := time.Now().Add(20 * time.Second)
		for {
			rs4, _ := b.Routes("", "master4")
			got = got[:0]
			ok := true
			for _, r := range routes {
				has := len(speakers.FindRoute(rs4, r.Prefix)) > 0
				if has {
					got = append(got, r.Prefix)
				}
				if has != wantSet[r.Prefix] {
					ok = false
				}
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: b holds %v, want %v", step, got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	states := func(step string, want map[string]rpki.State) {
		t.Helper()
		waitFor(t, 10*time.Second, step+": route states in the store", func() bool {
			for p, st := range want {
				e, ok := rs.Store().Get("a", routestoreKey(mustPrefix(p)))
				if !ok || e.Verdict.RPKI != st || e.Verdict.Has(filters.ReasonRPKIInvalid) != (st == rpki.StateInvalid) {
					return false
				}
			}
			return true
		})
	}
	sessions := func() string {
		var out []string
		for _, p := range rs.Peers() {
			out = append(out, fmt.Sprintf("%s %s %s", p.Name, p.State, p.Since.Format(time.RFC3339Nano)))
		}
		for _, sp := range []struct {
			name string
			b    *speakers.BIRD
		}{{"a", a}, {"b", b}} {
			st, info, since, _ := sp.b.ProtocolState("to_rs")
			out = append(out, fmt.Sprintf("bird %s %s %s %s", sp.name, st, info, since))
		}
		return strings.Join(out, "; ")
	}

	atB("initial", "45.1.1.0/24", "45.1.3.0/24", "45.1.4.0/24", "45.5.1.0/24")
	states("initial", map[string]rpki.State{"45.1.1.0/24": rpki.StateValid, "45.1.2.0/24": rpki.StateInvalid,
		"45.1.3.0/24": rpki.StateValid, "45.1.4.0/24": rpki.StateValid, "45.5.1.0/24": rpki.StateNotFound, "45.5.6.0/24": rpki.StateInvalid})
	e, _ := rs.Store().Get("a", routestoreKey(mustPrefix("45.1.2.0/24")))
	if len(e.Verdict.Rejections) != 1 || !strings.Contains(e.Verdict.Rejections[0].Detail, "45.1.0.0/16 max /24 AS21001") ||
		!strings.Contains(e.Verdict.Rejections[0].Detail, "origin AS21011") {
		t.Fatalf("45.1.2.0/24 verdict %+v, want only rpki_invalid with the covering VRP", e.Verdict)
	}
	before := sessions()

	// A VRP file change: 45.1.3.0/24 loses its VRP and becomes invalid.
	writeVRPs(t, vrpFile, vrpJSON(mustVRP("45.1.0.0/16", 24, 21001)), time.Now())
	atB("file change", "45.1.1.0/24", "45.1.4.0/24", "45.5.1.0/24")
	states("file change", map[string]rpki.State{"45.1.3.0/24": rpki.StateInvalid})

	// An RTR cache update: 45.1.4.0/24 loses its VRP, 45.1.3.0/24 gets one back.
	cache.Update(rpki.NewSet([]rpki.VRP{mustVRP("45.1.3.0/24", 24, 21013), mustVRP("45.5.6.0/24", 24, 21099)}))
	atB("cache update", "45.1.1.0/24", "45.1.3.0/24", "45.5.1.0/24")
	states("cache update", map[string]rpki.State{"45.1.3.0/24": rpki.StateValid, "45.1.4.0/24": rpki.StateInvalid})

	// A corrupt file keeps the last good set, and says which file.
	writeVRPs(t, vrpFile, `{"roas":[{"prefix":"45.1.0.0/16",`, time.Now())
	waitFor(t, 5*time.Second, "the file error in the status", func() bool {
		for _, s := range rs.RPKI().Sources {
			if s.Kind == "file" && strings.Contains(s.Error, vrpFile) {
				return true
			}
		}
		return false
	})
	time.Sleep(300 * time.Millisecond)
	atB("corrupt file", "45.1.1.0/24", "45.1.3.0/24", "45.5.1.0/24")
	states("corrupt file", map[string]rpki.State{"45.1.2.0/24": rpki.StateInvalid, "45.1.4.0/24": rpki.StateInvalid})

	// A stale file (last written 2 h ago, stale_after 1 h) drops its VRPs:
	// 45.1.2.0/24 and 45.1.4.0/24 are no longer covered.
	writeVRPs(t, vrpFile, vrpJSON(mustVRP("45.1.0.0/16", 24, 21001)), time.Now().Add(-2*time.Hour))
	atB("stale file", "45.1.1.0/24", "45.1.2.0/24", "45.1.3.0/24", "45.1.4.0/24", "45.5.1.0/24")
	states("stale file", map[string]rpki.State{"45.1.1.0/24": rpki.StateNotFound, "45.1.2.0/24": rpki.StateNotFound,
		"45.1.4.0/24": rpki.StateNotFound, "45.5.6.0/24": rpki.StateInvalid})

	// A reload shortens stale_after; then the cache goes away and, once
	// stale, its VRPs go too: 45.5.6.0/24 reaches b.
	next, err := config.Parse([]byte(rpkiRSConfig(vrpFile, cl.Addr().String(), "2s")), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	next.Global.StateDir = rs.Config().Global.StateDir
	if _, err := rs.ApplyConfig(context.Background(), next, nil); err != nil {
		t.Fatal(err)
	}
	cache.Close()
	time.Sleep(time.Second)
	states("cache down, not yet stale", map[string]rpki.State{"45.5.6.0/24": rpki.StateInvalid})
	atB("cache stale", "45.1.1.0/24", "45.1.2.0/24", "45.1.3.0/24", "45.1.4.0/24", "45.5.1.0/24", "45.5.6.0/24")
	states("cache stale", map[string]rpki.State{"45.5.6.0/24": rpki.StateNotFound, "45.1.3.0/24": rpki.StateNotFound})

	if after := sessions(); after != before {
		t.Fatalf("sessions changed:\nbefore %s\nafter  %s", before, after)
	}
}
