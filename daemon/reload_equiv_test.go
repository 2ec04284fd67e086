package daemon

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/rsguard/rsguard/routestore"
)

// This file's addresses: 127.41.6.x (octet 6 of the daemon block).
func eqAddr(host byte) string { return fmt.Sprintf("127.41.6.%d", host) }

const eqIRR = `as-set:   AS-C
members:  AS21003
mnt-by:   TEST-MNT
source:   TEST

route:    45.73.0.0/24
origin:   AS21003
mnt-by:   TEST-MNT
source:   TEST
`

// eqFull is the target config: an as_set peer, [irr], non-default
// [filters] and [dampening], and api (a TCP listener).
func eqFull(dir, stateDir, api string) string {
	return eqHead(dir, stateDir, api) + fmt.Sprintf(`
[irr]
files = [%q]

[filters]
ipv4_prefix_length = [8, 25]

[dampening]
mode = "observe"
half_life = "10m"
`, filepath.Join(dir, "irr.rpsl")) + eqPeers(`as_set = "AS-C"`)
}

func eqHead(dir, stateDir, api string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[2]q

[log]
level = "warning"

[api]
socket = %[3]q
%[4]s`, eqAddr(1), stateDir, filepath.Join(dir, "run", "rs.sock"), api)
}

func eqPeers(peerC string) string {
	return fmt.Sprintf(`
[[peers]]
name = "a"
address = "%s"
asn = 21001
prefixes = ["45.71.0.0/16{16,25}"]

[[peers]]
name = "b"
address = "%s"
asn = 21002
prefixes = ["45.72.0.0/16{16,24}"]

[[peers]]
name = "c"
address = "%s"
asn = 21003
%s
`, eqAddr(2), eqAddr(3), eqAddr(4), peerC)
}

// snapshot is what an operator can observe of a running daemon.
type snapshot struct {
	Peers     []string          // name state
	IRR       []string          // peer as_set origins v4 v6 error
	Verdicts  map[string]string // peer prefix → accept or reasons
	AtB       []string          // prefixes b received from the route server
	Dampening string            // default mode, per-peer modes, params
	Settings  string
	Refresh   string // what `irr refresh` of c says
	API       string // the TCP API's health with the token, when probed
}

// apiProbe says how to reach the TCP API.
type apiProbe struct {
	pool  *x509.CertPool
	token string
}

func (s snapshot) diff(o snapshot) string {
	var out []string
	a, b := fmt.Sprintf("%+v", s), fmt.Sprintf("%+v", o)
	if a != b {
		out = append(out, "reloaded: "+a, "fresh:    "+b)
	}
	return strings.Join(out, "\n")
}

func takeSnapshot(t *testing.T, d *Daemon, birdB *speakers.BIRD, api *apiProbe) snapshot {
	t.Helper()
	ctx := context.Background()
	s := snapshot{Verdicts: map[string]string{}}
	peers, _ := d.ListPeers(ctx)
	for _, p := range peers {
		s.Peers = append(s.Peers, fmt.Sprintf("%s %v", p.Name, p.State))
	}
	st, _ := d.IRRStatus(ctx, "")
	for _, x := range st {
		s.IRR = append(s.IRR, fmt.Sprintf("%s %s %d %d %d %q held=%v", x.Peer, x.ASSet, x.Counts.Origins, x.Counts.IPv4Prefixes, x.Counts.IPv6Prefixes, x.LastError, x.HeldBack != nil))
	}
	rs := d.RouteServer()
	rs.Store().List(routestore.Query{}, func(e routestore.Entry) bool {
		v := "accept"
		if !e.Verdict.Accepted() {
			var names []string
			for _, r := range e.Verdict.Rejections {
				names = append(names, r.Reason.String())
			}
			sort.Strings(names)
			v = strings.Join(names, ",")
		}
		s.Verdicts[e.Peer+" "+e.Key.Prefix.String()] = v
		return true
	})
	routes, _ := birdB.Routes("", "master4")
	for _, r := range routes {
		s.AtB = append(s.AtB, r.Prefix.String())
	}
	sort.Strings(s.AtB)
	damp := rs.Dampening()
	s.Dampening = fmt.Sprintf("default=%v a=%v b=%v c=%v %+v", damp.DefaultMode(), damp.PeerMode("a"), damp.PeerMode("b"), damp.PeerMode("c"), damp.Params())
	// The list checks and the RPKI validator are pointers: compare what
	// they compile to and whether RPKI is on, not their addresses.
	fs := rs.Settings()
	compiled := filters.CompileCommon(&fs)
	rpkiOn := fs.RPKI != nil
	fs.GlobalBlacklist, fs.TransitFree, fs.NeverViaRS, fs.RPKI = nil, nil, nil, nil
	s.Settings = fmt.Sprintf("%+v rpki=%v %+v", fs, rpkiOn, compiled)
	_, err := d.RefreshIRR(ctx, apiserver.IRRRefreshRequest{Peer: "c"}, func(apiserver.IRRProgress) {})
	s.Refresh = fmt.Sprint(err)
	if api != nil {
		s.API = tcpHealth(t, eqAPIAddr, api.pool, api.token)
	}
	return s
}

// writeConfig writes the daemon's config file (dir/rsguard.toml).
func writeConfig(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "rsguard.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startEqBIRDs starts the three BIRD peers (a and c announce, b listens);
// they end with t. It returns b.
func startEqBIRDs(t *testing.T) *speakers.BIRD {
	t.Helper()
	nb := func(host byte, asn uint32) speakers.BIRDNeighbor {
		return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: eqAddr(host), PeerAddr: eqAddr(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
	}
	var birds []*speakers.BIRD
	for _, b := range []struct {
		host byte
		asn  uint32
		rs   []speakers.StaticRoute
	}{
		{2, 21001, []speakers.StaticRoute{{Prefix: "45.71.1.0/24"}, {Prefix: "45.71.2.0/25"}, {Prefix: "45.71.3.0/26"}}},
		{3, 21002, nil},
		{4, 21003, []speakers.StaticRoute{{Prefix: "45.73.0.0/24"}, {Prefix: "45.73.1.0/24"}, {Prefix: "45.73.2.0/24", ASPath: []uint32{21003, 21099}}}},
	} {
		bird := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: b.asn, RouterID: eqAddr(b.host), Neighbors: []speakers.BIRDNeighbor{nb(b.host, b.asn)}, Static4: b.rs})
		birds = append(birds, bird)
	}
	return birds[1]
}

// TestReloadMatchesFreshStart reloads from each "empty" state to a full
// config and compares everything an operator sees with a fresh start on
// that config: peers, IRR status, `irr refresh`, every verdict, what the
// other peer received, dampening mode and parameters, [filters]. Before,
// a reload that added the first as_set left that peer at default deny
// with no IRR service until a restart.
func TestReloadMatchesFreshStart(t *testing.T) {
	speakers.Require(t, "bird")
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "irr.rpsl"), []byte(eqIRR), 0o600); err != nil {
		t.Fatal(err)
	}
	const settle = 30 * time.Second
	tf := apiservertest.NewTLSFiles(t)
	token, _ := os.ReadFile(tf.Token)
	probe := &apiProbe{pool: tf.Pool, token: strings.TrimSpace(string(token))}
	full := func(state string) string { return eqFull(root, state, apiTCP(tf, tf.Token)) }
	var fresh snapshot
	t.Run("fresh start", func(t *testing.T) { // its daemon and peers end with it
		d := runDaemon(t, writeConfig(t, root, full(filepath.Join(root, "state-fresh"))))
		birdB := startEqBIRDs(t)
		deadline := time.Now().Add(settle)
		for {
			s := takeSnapshot(t, d, birdB, probe)
			// settled: c's IRR data applied and b has every accepted route
			if len(s.IRR) == 1 && strings.Contains(s.IRR[0], "AS-C 1 1") && s.Verdicts["c 45.73.0.0/24"] == "accept" &&
				len(s.Verdicts) == 6 && len(s.AtB) == 3 && strings.Count(strings.Join(s.Peers, " "), "established") == 3 && s.API == "SERVING" {
				fresh = s
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("fresh start never settled: %+v", s)
			}
			time.Sleep(300 * time.Millisecond)
		}
	})
	if t.Failed() {
		return
	}
	t.Logf("fresh start: %+v", fresh)

	for _, c := range []struct {
		name, empty string
		peers       bool // BIRD can connect before the reload
	}{
		// static prefixes only, no [irr], default [filters] and [dampening]
		{"no as_set, no irr, no TCP API", eqHead(root, "STATE", "") + eqPeers(`prefixes = ["45.73.1.0/24"]`), true},
		// no peers at all (BIRD starts after the reload: refused before,
		// it would wait its 120 s connect retry time)
		{"no peers", eqHead(root, "STATE", ""), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			state := filepath.Join(root, "state-"+strings.ReplaceAll(c.name, " ", "-"))
			empty := strings.Replace(c.empty, `"STATE"`, fmt.Sprintf("%q", state), 1)
			d := runDaemon(t, writeConfig(t, root, empty))
			var birdB *speakers.BIRD
			if c.peers {
				birdB = startEqBIRDs(t)
				if err := birdB.WaitEstablished("to_rs", 60*time.Second); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(root, "rsguard.toml"), []byte(full(state)), 0o600); err != nil {
				t.Fatal(err)
			}
			chk, err := d.CheckConfig(context.Background(), "")
			if err != nil || len(chk.Errors) > 0 {
				t.Fatalf("check: %v %+v", err, chk)
			}
			res, err := d.ReloadConfig(context.Background())
			if err != nil || !res.Applied {
				t.Fatalf("reload: %v %+v", err, res)
			}
			if strings.Join(res.Changes, "\n") != strings.Join(chk.Plan, "\n") {
				t.Fatalf("check said:\n%s\nreload did:\n%s", strings.Join(chk.Plan, "\n"), strings.Join(res.Changes, "\n"))
			}
			if !c.peers {
				birdB = startEqBIRDs(t)
			}
			deadline := time.Now().Add(settle)
			for {
				s := takeSnapshot(t, d, birdB, probe)
				diff := s.diff(fresh)
				if diff == "" {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the reload the daemon differs from a fresh start:\n%s", diff)
				}
				time.Sleep(300 * time.Millisecond)
			}
		})
	}
}

// TestReloadAddsFirstASSet is the report: static-prefix peers
// only, no [irr]; a reload adds [irr] files and switches c to as_set. The
// IRR refresher must start (status, refresh) and c's registered route be
// accepted, as after a restart — not "0 origins" until one.
func TestReloadAddsFirstASSet(t *testing.T) {
	speakers.Require(t, "bird")
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "irr.rpsl"), []byte(eqIRR), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(root, "state")
	d := runDaemon(t, writeConfig(t, root, eqHead(root, state, "")+eqPeers(`prefixes = ["45.73.1.0/24"]`)))
	birdB := startEqBIRDs(t)
	if err := birdB.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatal(err)
	}
	next := eqHead(root, state, "") + fmt.Sprintf("\n[irr]\nfiles = [%q]\n", filepath.Join(root, "irr.rpsl")) + eqPeers(`as_set = "AS-C"`)
	if err := os.WriteFile(filepath.Join(root, "rsguard.toml"), []byte(next), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := d.ReloadConfig(context.Background())
	if err != nil || !res.Applied || !slices.Contains(res.Changes, "IRR refresher started: the first peer with an as_set") {
		t.Fatalf("reload: %v %+v", err, res)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := takeSnapshot(t, d, birdB, nil)
		if len(s.IRR) == 1 && strings.HasPrefix(s.IRR[0], "c AS-C 1 1 0") && s.Refresh == "<nil>" &&
			s.Verdicts["c 45.73.0.0/24"] == "accept" && s.Verdicts["c 45.73.1.0/24"] == "prefix_not_registered" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after adding the first as_set by reload: irr status %v, irr refresh: %s, verdicts %v", s.IRR, s.Refresh, s.Verdicts)
		}
		time.Sleep(300 * time.Millisecond)
	}

	// A change only a restart can make: check reports the refusal that the
	// reload then makes, with the same words, and nothing changes.
	refused := strings.Replace(next, "listen_port = 179", "listen_port = 1179", 1)
	if err := os.WriteFile(filepath.Join(root, "rsguard.toml"), []byte(refused), 0o600); err != nil {
		t.Fatal(err)
	}
	chk, err := d.CheckConfig(context.Background(), "")
	if err != nil || len(chk.Errors) != 1 || !strings.Contains(chk.Errors[0].Message, "[global] listen_port changed: needs a restart") ||
		len(chk.Plan) != 1 || chk.Plan[0] != "[global] listen_port changed: needs a restart, a reload is refused" {
		t.Fatalf("check of a restart-only change: %v %+v", err, chk)
	}
	res, err = d.ReloadConfig(context.Background())
	if err != nil || res.Applied || len(res.Errors) != 1 || res.Errors[0].Message != chk.Errors[0].Message {
		t.Fatalf("reload of a restart-only change: %v %+v, check said %+v", err, res, chk)
	}
	if d.RouteServer().Config().Global.ListenPort != 179 {
		t.Fatal("a refused reload changed the running config")
	}
}
