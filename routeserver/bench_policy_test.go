package routeserver

import (
	"context"
	"io"
	"net/netip"
	"strconv"
	"syscall"
	"testing"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/sirupsen/logrus"
)

// Issue 11: what does GoBGP's import policy cost per path? GoBGP's policy
// engine is internal to its module, so it is driven the way a locally
// originated path takes it: the peer's compiled chain [common, peer, IRR]
// is assigned as the GLOBAL import policy of an in-process BgpServer (no
// listener, no peer) and paths are added with AddPath, which runs
// propagateUpdate → ApplyPolicy exactly as for a received path. The
// benchmark runs the same paths with and without the chain, so the
// difference is the policy's cost; the test checks that the chain run this
// way rejects exactly what filters.Evaluate rejects.

const policyBenchPrefixes = 300_000

// policyPeerConfig is one IRR peer (its list comes from InitialFilter)
// with the default [filters] and the peering LANs on the global
// blacklist; nothing listens or dials.
func policyPeerConfig(stateDir string) string {
	return memGlobal(stateDir) + "peering_lans = [\"45.127.254.0/24\", \"2a0a:4580:ffff::/64\"]\n" + "\n[irr]\nservers = [\"127.10.33.2\"]\n" +
		"\n[[peers]]\nname = \"p0\"\naddress = \"127.10.33.10\"\nasn = 21001\nas_set = \"AS-POL\"\nprefixes = [\"2a0a:4580::/29{29,48}\"]\n"
}

// policyOrigins are the peer's AS-SET origins: its own ASN and n-1
// customers (200: a mid-sized IXP member's cone; 5000: a transit's).
func policyOrigins(n int) []uint32 {
	out := []uint32{21001}
	for i := range n - 1 {
		out = append(out, uint32(30000+i*7))
	}
	return out
}

// policyServer builds a route server for policyPeerConfig (not started)
// and an in-process GoBGP holding its compiled chain as the global import
// policy (or no policy when withPolicy is false).
func policyServer(tb testing.TB, withPolicy bool, origins int) (*Server, *server.BgpServer, *filters.Peer) {
	tb.Helper()
	dir := tb.TempDir()
	cfg, err := config.Parse([]byte(policyPeerConfig(dir)), "policy.toml", dir)
	if err != nil {
		tb.Fatal(err)
	}
	irrList := memIRRRangesFrom(0, policyBenchPrefixes)
	log := logrus.New()
	log.SetOutput(io.Discard)
	rs := New(cfg, Options{Logger: log, InitialFilter: func(p config.Peer) ([]filters.PrefixRange, *filters.OriginSet) {
		return append(append([]filters.PrefixRange{}, irrList...), p.Prefixes...), filters.NewOriginSet(p.ASSet, policyOrigins(origins))
	}})
	p := rs.peers["p0"]
	in := p.input.Load()

	bgp := server.NewBgpServer(server.LoggerOption(newGoBGPLogger(log)))
	go bgp.Serve()
	ctx := context.Background()
	if err := bgp.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{Asn: 21000, RouterId: "127.10.33.1", ListenPort: -1}}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = bgp.StopBgp(context.Background(), &api.StopBgpRequest{}) })
	if !withPolicy {
		return rs, bgp, in
	}
	for _, c := range []filters.Compiled{rs.compileCommon(), rs.compilePeer(p)} {
		if err := installCompiled(ctx, bgp, c); err != nil {
			tb.Fatal(err)
		}
	}
	a := importAssignment("p0")
	a.Name = "global"
	if err := bgp.SetPolicyAssignment(ctx, &api.SetPolicyAssignmentRequest{Assignment: a}); err != nil {
		tb.Fatal(err)
	}
	return rs, bgp, in
}

// memIRRRangesFrom is memIRRRanges(0) from start, for any n: distinct
// public /24s from 45.0.0.0/24 on.
func memIRRRangesFrom(start, n int) []filters.PrefixRange {
	out := make([]filters.PrefixRange, n)
	for j := range out {
		i := start + j
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(45 + i/65536), byte(i >> 8), byte(i), 0}), 24)
		out[j] = filters.PrefixRange{Prefix: p, Min: 24, Max: 24}
	}
	return out
}

// policyRoutes are n routes as the peer would send them: 19 of 20 valid
// (registered /24, peer first, a registered origin, peer's next hop), the
// rest each failing one check in turn.
func policyRoutes(n, origins int) []filters.Route {
	originsOf := policyOrigins(origins)
	nh := netip.MustParseAddr("127.10.33.10")
	out := make([]filters.Route, n)
	list := memIRRRangesFrom(0, policyBenchPrefixes)
	for i := range out {
		r := filters.Route{Prefix: list[(i*7919)%len(list)].Prefix, NextHop: nh,
			ASPath: filters.Seq(21001, 21100, originsOf[1+i%(origins-1)])}
		switch i % 20 {
		case 5:
			r.Prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{100, byte(i >> 8), byte(i), 0}), 24) // unregistered
		case 10:
			r.Prefix = netip.PrefixFrom(r.Prefix.Addr(), 25) // too long
		case 15:
			r.ASPath = filters.Seq(21001, 64512, 30001) // bogon ASN
		}
		out[i] = r
	}
	return out
}

// asPathVariants are routes whose AS_PATH puts a transit-free ASN (3356)
// or none into every kind of segment, on prefixes policyRoutes leaves
// unused: the folded AS-path checks (filters/compile_merge.go) must agree
// with the evaluator on each.
func asPathVariants(origins int) []filters.Route {
	o := policyOrigins(origins)[1]
	seg := func(ty filters.SegmentType, a ...uint32) filters.Segment { return filters.Segment{Type: ty, ASNs: a} }
	paths := []filters.ASPath{
		filters.Seq(21001, 3356, o),
		filters.Seq(21001, 21100, o),
		{seg(filters.SegSequence, 21001), seg(filters.SegConfedSequence, 3356, 21100), seg(filters.SegSequence, o)},
		{seg(filters.SegSequence, 21001), seg(filters.SegConfedSequence, 21100, 3356), seg(filters.SegSequence, o)},
		{seg(filters.SegSequence, 21001), seg(filters.SegConfedSequence, 21100), seg(filters.SegSequence, o)},
		{seg(filters.SegSequence, 21001), seg(filters.SegConfedSet, 3356), seg(filters.SegSequence, o)},
		{seg(filters.SegSequence, 21001), seg(filters.SegSet, 3356, 21100), seg(filters.SegSequence, o)},
		{seg(filters.SegSequence, 21001, 33560), seg(filters.SegConfedSequence, 13356), seg(filters.SegSequence, o)},
		filters.Seq(21001, 64512, o),
		filters.Seq(21001, 4200000001, o),
	}
	nh := netip.MustParseAddr("127.10.33.10")
	list := memIRRRangesFrom(policyBenchPrefixes-len(paths), len(paths))
	out := make([]filters.Route, len(paths))
	for i, p := range paths {
		out[i] = filters.Route{Prefix: list[i].Prefix, NextHop: nh, ASPath: p}
	}
	return out
}

func apiPaths(tb testing.TB, rs []filters.Route) []*api.Path {
	out := make([]*api.Path, len(rs))
	for i, r := range rs {
		p, err := nativePath(r, false)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = p
	}
	return out
}

// processCPU is the CPU time (user + system) the process used so far, in
// nanoseconds: GoBGP's goroutines are in it.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// inGlobalRIB reports whether GoBGP's global RIB holds prefix p (the
// import policy accepted it).
func inGlobalRIB(tb testing.TB, bgp *server.BgpServer, p netip.Prefix) bool {
	tb.Helper()
	found := false
	err := bgp.ListPath(context.Background(), &api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: familyV4,
		Prefixes: []*api.TableLookupPrefix{{Prefix: p.String(), Type: api.TableLookupPrefix_EXACT}}},
		func(d *api.Destination) { found = found || len(d.Paths) > 0 })
	if err != nil {
		tb.Fatal(err)
	}
	return found
}

// TestGlobalImportPolicyAgreesWithEvaluate keeps the benchmark honest: the
// chain it times accepts and rejects the benchmark's routes exactly as the
// evaluator does (the speaker-driven differential tests cover the
// fixtures' every check; this covers the benchmark's setup).
func TestGlobalImportPolicyAgreesWithEvaluate(t *testing.T) {
	for _, origins := range []int{200, 5000} {
		t.Run(strconv.Itoa(origins), func(t *testing.T) { globalImportPolicyAgrees(t, origins) })
	}
}

func globalImportPolicyAgrees(t *testing.T, origins int) {
	rs, bgp, in := policyServer(t, true, origins)
	routes := append(policyRoutes(400, origins), asPathVariants(origins)...)
	paths := apiPaths(t, routes)
	settings := rs.Settings()
	rejected := 0
	for i, r := range routes {
		if _, err := bgp.AddPath(context.Background(), &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: paths[i]}); err != nil {
			t.Fatal(err)
		}
		v := filters.Evaluate(r, &settings, in)
		if !v.Accepted() {
			rejected++
		}
		if got := inGlobalRIB(t, bgp, r.Prefix); got != !!v.Accepted() {
			t.Errorf("%s %s: GoBGP accepted %v, evaluator %v", r.Prefix, r.ASPath, got, v.Rejections)
		}
	}
	if rejected < 60 { // 3 of every 20 fail one check each, and variants
		t.Errorf("%d of %d routes rejected by the evaluator, want at least 60", rejected, len(routes))
	}
}

// BenchmarkImportPolicy reports GoBGP's cost per path with and without the
// compiled import chain of one IRR peer (300k registered prefixes, 200 or
// 5000 origins, default [filters]); the policy's cost is the difference.
func BenchmarkImportPolicy(b *testing.B) {
	const distinct = 20_000
	for _, run := range []struct {
		name       string
		withPolicy bool
		origins    int
	}{{"none", false, 200}, {"chain", true, 200}, {"chain-5000-origins", true, 5000}} {
		paths := apiPaths(b, policyRoutes(distinct, run.origins))
		b.Run(run.name, func(b *testing.B) {
			_, bgp, _ := policyServer(b, run.withPolicy, run.origins)
			ctx := context.Background()
			for i := range distinct { // warm: later adds replace, as a steady feed does
				if _, err := bgp.AddPath(ctx, &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: paths[i]}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			cpu0 := processCPU()
			for i := range b.N {
				if _, err := bgp.AddPath(ctx, &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: paths[i%distinct]}); err != nil {
					b.Fatal(err)
				}
			}
			// On a shared machine wall time swings with the neighbours'
			// load; the process's own CPU time per path is steadier.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/path")
		})
	}
}
