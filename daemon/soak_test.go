package daemon

import (
	"context"
	"fmt"
	"math/rand"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/sirupsen/logrus"
)

// The soak test runs the real daemon with four BIRD clients that flap
// thousands of prefixes while a peer's session goes up and down, a fifth
// peer is added and removed by reloads, a static filter changes by reload
// and an IRR refresh widens an AS-SET. When the churn stops, every client
// must hold exactly the routes the filters allow, the daemon's counters must
// agree with what the clients sent, and goroutines, file descriptors and
// memory must be back near their baseline.
//
// RSGUARD_SOAK sets the churn duration (default 40s, so `make test` stays
// short); `make soak` runs it for 10 minutes.

// soakAddr: this test owns 127.41.9.0/24 inside the daemon package's block.
func soakAddr(host byte) string { return fmt.Sprintf("127.41.9.%d", host) }

// soakPeer is one BIRD client and the routes it announces.
type soakPeer struct {
	name string
	asn  uint32
	host byte
	// pool: /24s the peer may announce, all registered for it.
	pool []netip.Prefix
	// bad: /24s it announces that no filter allows (until a change says so).
	bad  []netip.Prefix
	bird *speakers.BIRD
	// now: what its BIRD announces at present.
	now map[netip.Prefix]bool
}

func soakPool(first netip.Addr, n int) []netip.Prefix {
	out := make([]netip.Prefix, 0, n)
	a := first.As4()
	for i := 0; i < n; i++ {
		b := a
		b[1] += byte(i / 256)
		b[2] = byte(i % 256)
		out = append(out, netip.PrefixFrom(netip.AddrFrom4(b), 24))
	}
	return out
}

func (p *soakPeer) birdConfig() speakers.BIRDConfig {
	var static []speakers.StaticRoute
	for pfx := range p.now {
		static = append(static, speakers.StaticRoute{Prefix: pfx.String()})
	}
	sort.Slice(static, func(i, j int) bool { return static[i].Prefix < static[j].Prefix })
	return speakers.BIRDConfig{ASN: p.asn, RouterID: soakAddr(p.host), Static4: static,
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: soakAddr(p.host), PeerAddr: soakAddr(1),
			PeerASN: 21000, IPv4: true, ImportAll: true}}}
}

// flap announces a random 60-100% of the pool and every bad prefix.
func (p *soakPeer) flap(rng *rand.Rand) {
	keep := 0.6 + 0.4*rng.Float64()
	p.now = map[netip.Prefix]bool{}
	for _, pfx := range p.pool {
		if rng.Float64() < keep {
			p.now[pfx] = true
		}
	}
	for _, pfx := range p.bad {
		p.now[pfx] = true
	}
}

func soakConfig(dir string, withE, aWide bool) string {
	aPrefixes := `"45.64.0.0/13{13,24}"`
	if aWide {
		aPrefixes += `, "45.104.0.0/16{16,24}"`
	}
	cfg := fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[2]q

[api]
socket = %[3]q

[irr]
files = [%[4]q]

[dampening]
mode = "observe"

[[peers]]
name = "a"
address = "%[5]s"
asn = 21001
prefixes = [%[6]s]

[[peers]]
name = "b"
address = "%[7]s"
asn = 21002
prefixes = ["45.72.0.0/13{13,24}"]

[[peers]]
name = "c"
address = "%[8]s"
asn = 21003
as_set = "AS-SOAKC"

[[peers]]
name = "d"
address = "%[9]s"
asn = 21004
prefixes = ["45.88.0.0/13{13,24}"]
`, soakAddr(1), filepath.Join(dir, "state"), filepath.Join(dir, "run", "rsguard.sock"),
		filepath.Join(dir, "irr.rpsl"), soakAddr(2), aPrefixes, soakAddr(3), soakAddr(4), soakAddr(5))
	if withE {
		cfg += fmt.Sprintf(`
[[peers]]
name = "e"
address = "%s"
asn = 21005
prefixes = ["45.112.0.0/16{16,24}"]
`, soakAddr(6))
	}
	return cfg
}

func soakRPSL(wide bool) string {
	s := `as-set: AS-SOAKC
members: AS21003
mnt-by: SOAK-MNT
source: TEST

route: 45.80.0.0/13
origin: AS21003
mnt-by: SOAK-MNT
source: TEST
`
	if wide {
		s += `
route: 45.100.0.0/16
origin: AS21003
mnt-by: SOAK-MNT
source: TEST
`
	}
	return s
}

func countFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

func soakDuration(t *testing.T) time.Duration {
	if s := os.Getenv("RSGUARD_SOAK"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("RSGUARD_SOAK=%q: %v", s, err)
		}
		return d
	}
	return 40 * time.Second
}

func TestSoak(t *testing.T) {
	speakers.Require(t, "bird")
	if testing.Short() {
		t.Skip("soak test skipped in -short mode")
	}
	churn := soakDuration(t)
	const poolSize, badSize = 1500, 75 // 5% invalid
	// heapBound: the live heap after the churn, with about 6,000 routes in
	// the tables, must stay below this (13 MiB measured here after a 20 s churn).
	const heapBound = 256 << 20

	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "run", "rsguard.sock")}
	os.WriteFile(filepath.Join(dir, "irr.rpsl"), []byte(soakRPSL(false)), 0o600)
	os.WriteFile(e.cfg, []byte(soakConfig(dir, false, false)), 0o600)
	cfg, err := config.Load(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := logrus.New()
	log.SetLevel(logrus.ErrorLevel)
	d, err := New(e.cfg, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{}) // closed when Run returns, with runErr set
	var runErr error
	go func() { runErr = d.Run(ctx); close(stopped) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-stopped:
		case <-time.After(30 * time.Second):
			t.Error("daemon did not stop")
		}
	})
	select {
	case <-d.Ready():
	case <-stopped:
		t.Fatal(runErr)
	case <-time.After(30 * time.Second):
		t.Fatal("daemon not ready")
	}

	rng := rand.New(rand.NewSource(1))
	peers := []*soakPeer{
		{name: "a", asn: 21001, host: 2, pool: soakPool(netip.MustParseAddr("45.64.0.0"), poolSize),
			bad: append(soakPool(netip.MustParseAddr("45.96.0.0"), badSize), soakPool(netip.MustParseAddr("45.104.0.0"), 20)...)},
		{name: "b", asn: 21002, host: 3, pool: soakPool(netip.MustParseAddr("45.72.0.0"), poolSize),
			bad: soakPool(netip.MustParseAddr("45.97.0.0"), badSize)},
		{name: "c", asn: 21003, host: 4, pool: soakPool(netip.MustParseAddr("45.80.0.0"), poolSize),
			bad: append(soakPool(netip.MustParseAddr("45.98.0.0"), badSize), soakPool(netip.MustParseAddr("45.100.0.0"), 20)...)},
		{name: "d", asn: 21004, host: 5, pool: soakPool(netip.MustParseAddr("45.88.0.0"), poolSize),
			bad: soakPool(netip.MustParseAddr("45.99.0.0"), badSize)},
	}
	for _, p := range peers {
		p.flap(rng)
		p.bird = speakers.StartBIRD(t, p.birdConfig())
	}
	// e connects all the time; the route server knows it only between the
	// two reloads below.
	peerE := &soakPeer{name: "e", asn: 21005, host: 6, pool: soakPool(netip.MustParseAddr("45.112.0.0"), 50)}
	peerE.flap(rng)
	peerE.bird = speakers.StartBIRD(t, peerE.birdConfig())
	for _, p := range peers {
		if err := p.bird.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", p.name, err)
		}
	}
	// Baseline once every session is up and the first tables are in.
	waitClients(t, peers, false, false, 120*time.Second)
	runtime.GC()
	baseG, baseFD := runtime.NumGoroutine(), countFDs(t)
	t.Logf("baseline: %d goroutines, %d fds", baseG, baseFD)

	start := time.Now()
	var rounds, reloads, refreshes, bounces int
	stage := 0
	for time.Since(start) < churn {
		for _, p := range peers {
			p.flap(rng)
			if err := p.bird.Reconfigure(p.birdConfig()); err != nil {
				t.Fatalf("BIRD %s reconfigure: %v", p.name, err)
			}
		}
		rounds++
		// d's session goes down and comes back every third round.
		if rounds%3 == 0 {
			if err := peers[3].bird.DisableProtocol("to_rs"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			if err := peers[3].bird.EnableProtocol("to_rs"); err != nil {
				t.Fatal(err)
			}
			bounces++
		}
		elapsed := time.Since(start)
		switch {
		case stage == 0 && elapsed > churn/4: // add peer e and widen a's filter
			os.WriteFile(e.cfg, []byte(soakConfig(dir, true, true)), 0o600)
			if out, err := e.rsctl("config", "reload"); err != nil {
				t.Fatalf("reload adding e: %v %s", err, out)
			}
			reloads++
			stage++
		case stage == 1 && elapsed > churn/2: // the registry registers 45.100.0.0/16 for c
			os.WriteFile(filepath.Join(dir, "irr.rpsl"), []byte(soakRPSL(true)), 0o600)
			if out, err := e.rsctl("irr", "refresh", "--peer", "c"); err != nil {
				t.Fatalf("irr refresh: %v %s", err, out)
			}
			refreshes++
			stage++
		case stage == 2 && elapsed > 3*churn/4: // e leaves again
			os.WriteFile(e.cfg, []byte(soakConfig(dir, false, true)), 0o600)
			if out, err := e.rsctl("config", "reload"); err != nil {
				t.Fatalf("reload removing e: %v %s", err, out)
			}
			reloads++
			stage++
		}
		time.Sleep(time.Duration(200+rng.Intn(600)) * time.Millisecond)
	}
	for stage < 3 { // a very short churn still goes through every change
		switch stage {
		case 0:
			os.WriteFile(e.cfg, []byte(soakConfig(dir, true, true)), 0o600)
			if out, err := e.rsctl("config", "reload"); err != nil {
				t.Fatalf("reload adding e: %v %s", err, out)
			}
		case 1:
			os.WriteFile(filepath.Join(dir, "irr.rpsl"), []byte(soakRPSL(true)), 0o600)
			if out, err := e.rsctl("irr", "refresh", "--peer", "c"); err != nil {
				t.Fatalf("irr refresh: %v %s", err, out)
			}
		case 2:
			os.WriteFile(e.cfg, []byte(soakConfig(dir, false, true)), 0o600)
			if out, err := e.rsctl("config", "reload"); err != nil {
				t.Fatalf("reload removing e: %v %s", err, out)
			}
		}
		stage++
	}
	t.Logf("churn %v: %d flap rounds (%d peers × ~%d prefixes), %d session bounces, %d reloads, %d IRR refreshes",
		churn, rounds, len(peers), poolSize, bounces, reloads, refreshes)
	if err := peers[3].bird.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatalf("d after the churn: %v", err)
	}

	waitClients(t, peers, true, true, 180*time.Second)
	checkCounters(t, e, peers, true, true)

	// Goroutines and descriptors: back to the baseline, with a little room
	// for timers and the gRPC connection pool. Polled, because sessions and
	// rsctl connections wind down asynchronously.
	deadline := time.Now().Add(30 * time.Second)
	var g, fds int
	for {
		runtime.GC()
		g, fds = runtime.NumGoroutine(), countFDs(t)
		if g <= baseG+10 && fds <= baseFD+5 {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("after the soak: %d goroutines (baseline %d), %d fds (baseline %d)\n%s", g, baseG, fds, baseFD, buf[:n])
		}
		time.Sleep(500 * time.Millisecond)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("after the soak: %d goroutines (baseline %d), %d fds (baseline %d), heap in use %d MiB, sys %d MiB",
		g, baseG, fds, baseFD, ms.HeapInuse>>20, ms.Sys>>20)
	if ms.HeapInuse > heapBound {
		t.Fatalf("heap in use %d MiB > bound %d MiB", ms.HeapInuse>>20, heapBound>>20)
	}
}

// soakAllowed reports whether peer p's prefix passes the filters in force:
// wide says whether the reload and the IRR refresh have happened.
func soakAllowed(p *soakPeer, pfx netip.Prefix, wideA, wideC bool) bool {
	for _, x := range p.pool {
		if x == pfx {
			return true
		}
	}
	switch {
	case p.name == "a" && wideA:
		return netip.MustParsePrefix("45.104.0.0/16").Contains(pfx.Addr())
	case p.name == "c" && wideC:
		return netip.MustParsePrefix("45.100.0.0/16").Contains(pfx.Addr())
	}
	return false
}

// expectedAt is what client c must hold from the route server: every
// allowed route announced by the others.
func expectedAt(c *soakPeer, peers []*soakPeer, wideA, wideC bool) map[netip.Prefix]bool {
	want := map[netip.Prefix]bool{}
	for _, p := range peers {
		if p == c {
			continue
		}
		for pfx := range p.now {
			if soakAllowed(p, pfx, wideA, wideC) {
				want[pfx] = true
			}
		}
	}
	return want
}

// waitClients waits until every client holds exactly the expected routes,
// then compares the full tables route by route (prefix, path, next hop).
func waitClients(t *testing.T, peers []*soakPeer, wideA, wideC bool, timeout time.Duration) {
	t.Helper()
	for _, c := range peers {
		want := expectedAt(c, peers, wideA, wideC)
		got, err := c.bird.WaitRoutes("master4", func(rs []speakers.Route) bool {
			n := 0
			for _, r := range rs {
				if r.Protocol == "to_rs" {
					n++
				}
			}
			return n == len(want)
		}, timeout)
		if err != nil {
			t.Errorf("client %s: %v (want %d routes)", c.name, err, len(want))
		}
		seen := map[netip.Prefix]bool{}
		owner := map[netip.Prefix]*soakPeer{}
		for _, p := range peers {
			for pfx := range p.now {
				owner[pfx] = p
			}
		}
		var problems []string
		for _, r := range got {
			if r.Protocol != "to_rs" {
				continue
			}
			o := owner[r.Prefix]
			seen[r.Prefix] = true
			switch {
			case !want[r.Prefix]:
				problems = append(problems, "leaked "+r.String())
			case o == nil || !r.HasPath(o.asn):
				problems = append(problems, "wrong path "+r.String())
			case r.NextHop.String() != soakAddr(o.host):
				problems = append(problems, "next hop changed "+r.String())
			}
		}
		for pfx := range want {
			if !seen[pfx] {
				problems = append(problems, "missing "+pfx.String())
			}
		}
		if len(problems) > 0 {
			if len(problems) > 10 {
				problems = append(problems[:10], fmt.Sprintf("... %d more", len(problems)-10))
			}
			t.Fatalf("client %s:\n%s", c.name, strings.Join(problems, "\n"))
		}
	}
}

// checkCounters compares `rsctl peers --json` with what each client sent.
func checkCounters(t *testing.T, e *e2e, peers []*soakPeer, wideA, wideC bool) {
	t.Helper()
	var got []struct {
		Name     string `json:"name"`
		State    string `json:"state"`
		Received int    `json:"received"`
		Accepted int    `json:"accepted"`
		Rejected int    `json:"rejected"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		e.json(&got, "peers")
		var bad []string
		if len(got) != len(peers) {
			bad = append(bad, fmt.Sprintf("%d peers, want %d", len(got), len(peers)))
		}
		for i, p := range peers {
			if i >= len(got) {
				break
			}
			acc := 0
			for pfx := range p.now {
				if soakAllowed(p, pfx, wideA, wideC) {
					acc++
				}
			}
			g := got[i]
			if g.Name != p.name || g.State != "established" || g.Received != len(p.now) || g.Accepted != acc || g.Rejected != len(p.now)-acc {
				bad = append(bad, fmt.Sprintf("%+v, want %s established received %d accepted %d rejected %d",
					g, p.name, len(p.now), acc, len(p.now)-acc))
			}
		}
		if len(bad) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("rsctl peers disagrees with the clients:\n%s", strings.Join(bad, "\n"))
		}
		time.Sleep(500 * time.Millisecond)
	}
}
