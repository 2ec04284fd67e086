package routeserver

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/heapstat"
	"github.com/rsguard/rsguard/irr"
	"github.com/sirupsen/logrus"
)

// Issue 11: how many bytes of rsguard's own heap does one IRR prefix cost
// once the daemon has converged? The setup is the daemon's, minus GoBGP
// (whose prefix sets are GoBGP's copy, measured by
// BenchmarkGoBGPPrefixSetMemory): the syncer's last-good records (irrsync
// imports this package, so memSyncer stands in for it, holding what it
// holds: no lists since issue 11, see irrsync's
// BenchmarkSyncerLastGoodMemory), a route server built from the cached
// data (InitialFilter), and then one applied refresh per peer, which keeps
// what SetPeerFilter keeps (the evaluator's list and the ROA base).
// Addresses are never dialled.
const (
	memPeers          = 10
	memPrefixesOfPeer = 100_000
)

// memIRRRanges is peer k's IRR list: distinct public /24s.
func memIRRRanges(k int) []filters.PrefixRange {
	out := make([]filters.PrefixRange, memPrefixesOfPeer)
	for i := range out {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(45 + 2*k + i/65536), byte(i >> 8), byte(i), 0}), 24)
		out[i] = filters.PrefixRange{Prefix: p, Min: 24, Max: 24}
	}
	return out
}

// memGlobal is the [global] table of both setups; nothing listens or dials.
func memGlobal(stateDir string) string {
	return fmt.Sprintf("[global]\nasn = 21000\nrouter_id = \"127.10.25.1\"\nlisten_addresses = [\"127.10.25.1\"]\nlisten_port = 179\nstate_dir = %q\n", stateDir)
}

func medianOf(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

func memConfig(stateDir string, peers int) string {
	var b strings.Builder
	b.WriteString(memGlobal(stateDir) + "\n[irr]\nservers = [\"127.10.25.2\"]\n")
	for k := range peers {
		fmt.Fprintf(&b, "\n[[peers]]\nname = \"p%d\"\naddress = \"127.10.25.%d\"\nasn = %d\nas_set = \"AS-MEM%d\"\nprefixes = [\"2a0a:4580::/29\"]\n",
			k, 10+k, 21001+k, k)
	}
	return b.String()
}

// memSyncer holds what irrsync.Syncer holds per peer (a summary of its
// last-good data; the lists stay in the cache) and hands out what its
// InitialFilter hands out (the cached IRR data ∪ static, sorted).
type memSyncer struct{ cache irr.Cache }

func (m *memSyncer) InitialFilter(p config.Peer) ([]filters.PrefixRange, *filters.OriginSet) {
	g, err := m.cache.Load(p.Name)
	if err != nil {
		panic(err) // the benchmark wrote every peer's cache
	}
	out := make([]filters.PrefixRange, 0, g.PrefixCount()+len(p.Prefixes))
	out = append(append(append(out, g.IPv4...), g.IPv6...), p.Prefixes...)
	return irr.SortRanges(out), filters.NewOriginSet(p.ASSet, g.Origins)
}

// BenchmarkIRRListMemory reports rsguard-owned heap bytes per IRR prefix at
// convergence (bytes/prefix). Run it alone: it measures the whole heap.
func BenchmarkIRRListMemory(b *testing.B) { irrListMemory(b, memPeers, memPrefixesOfPeer) }

// BenchmarkIRRListMemory3x300k is the same at issue 11's large size (3
// peers × 300k prefixes).
func BenchmarkIRRListMemory3x300k(b *testing.B) { irrListMemory(b, 3, 300_000) }

// memRanges is peer k's list of n distinct public /24s (5 /8s per peer).
func memRanges(k, n int) []filters.PrefixRange {
	if n == memPrefixesOfPeer {
		return memIRRRanges(k) // the figures in the README were measured on these
	}
	out := make([]filters.PrefixRange, n)
	for i := range out {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(45 + 5*k + i/65536), byte(i >> 8), byte(i), 0}), 24)
		out[i] = filters.PrefixRange{Prefix: p, Min: 24, Max: 24}
	}
	return out
}

func irrListMemory(b *testing.B, peers, perPeer int) {
	var total, syncer, start, refresh []float64
	for range b.N {
		st := irrListMemoryOnce(b, peers, perPeer)
		total = append(total, st.syncer+st.start+st.refresh)
		syncer, start, refresh = append(syncer, st.syncer), append(start, st.start), append(refresh, st.refresh)
	}
	b.ReportMetric(medianOf(total), "bytes/prefix")
	b.ReportMetric(medianOf(syncer), "syncer-B/prefix")
	b.ReportMetric(medianOf(start), "start-B/prefix")
	b.ReportMetric(medianOf(refresh), "refresh-B/prefix")
	b.ReportMetric(0, "ns/op")
}

// memStages is the heap each stage adds, per prefix: the syncer's
// last-good results, the route server's start (New with InitialFilter),
// and one applied refresh per peer.
type memStages struct{ syncer, start, refresh float64 }

func irrListMemoryOnce(b *testing.B, peers, perPeer int) memStages {
	b.StopTimer()
	dir := b.TempDir()
	cfg, err := config.Parse([]byte(memConfig(dir, peers)), "mem.toml", dir)
	if err != nil {
		b.Fatal(err)
	}
	cache := irr.Cache{Dir: filepath.Join(dir, "irr")}
	for k := range peers {
		res := &irr.Result{Target: fmt.Sprintf("AS-MEM%d", k), Origins: []uint32{uint32(21001 + k)},
			IPv4: memRanges(k, perPeer), Sources: []string{"RIPE"}, FetchedAt: time.Now()}
		if err := cache.Save(fmt.Sprintf("p%d", k), res); err != nil {
			b.Fatal(err)
		}
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	before := heapstat.Live()

	syncer := &memSyncer{cache: cache}
	afterSyncer := heapstat.Live()
	rs := New(cfg, Options{Logger: log, InitialFilter: syncer.InitialFilter})
	afterStart := heapstat.Live()
	for _, pc := range cfg.Peers {
		// What SetPeerFilter retains after an applied refresh, without
		// its GoBGP writes (the sets are GoBGP's copy).
		allowed, origins := syncer.InitialFilter(pc)
		p := rs.peers[pc.Name]
		cur := p.input.Load()
		next := *cur
		next.Allowed = filters.NewPrefixList(rs.withROAs(cur, allowed, origins))
		next.Origins = origins.With(pc.AllowedOrigins, allowedOriginsLabel)
		p.input.Store(&next)
		if next.Allowed.Len() < perPeer {
			b.Fatalf("peer %s: %d prefixes in force, want >= %d", pc.Name, next.Allowed.Len(), perPeer)
		}
	}
	after := heapstat.Live()
	runtime.KeepAlive(syncer)
	runtime.KeepAlive(rs)
	runtime.KeepAlive(cfg)
	n := float64(peers * perPeer)
	per := func(from, to uint64) float64 { return float64(int64(to)-int64(from)) / n } // a stage may free
	return memStages{syncer: per(before, afterSyncer), start: per(afterSyncer, afterStart), refresh: per(afterStart, after)}
}

// BenchmarkStaticListMemory is the other half of issue 11's question: a
// peer whose list is written in the config (1 peer × 100k static
// prefixes). It reports the heap the parsed config keeps (config-B/prefix)
// and what the route server's start adds (start-B/prefix).
func BenchmarkStaticListMemory(b *testing.B) { staticListMemory(b, 1, memPrefixesOfPeer) }

// BenchmarkStaticListMemory3x300k: 3 peers × 300k static prefixes.
func BenchmarkStaticListMemory3x300k(b *testing.B) { staticListMemory(b, 3, 300_000) }

func staticListMemory(b *testing.B, peers, perPeer int) {
	var cfgB, startB []float64
	for range b.N {
		c, s := staticListMemoryOnce(b, peers, perPeer)
		cfgB, startB = append(cfgB, c), append(startB, s)
	}
	b.ReportMetric(medianOf(cfgB)+medianOf(startB), "bytes/prefix")
	b.ReportMetric(medianOf(cfgB), "config-B/prefix")
	b.ReportMetric(medianOf(startB), "start-B/prefix")
	b.ReportMetric(0, "ns/op")
}

func staticListMemoryOnce(b *testing.B, peers, perPeer int) (cfgB, startB float64) {
	b.StopTimer()
	dir := b.TempDir()
	var t strings.Builder
	t.WriteString(memGlobal(dir))
	for k := range peers {
		fmt.Fprintf(&t, "\n[[peers]]\nname = \"p%d\"\naddress = \"127.10.25.%d\"\nasn = %d\nprefixes = [\n", k, 10+k, 21001+k)
		for _, r := range memRanges(k, perPeer) {
			fmt.Fprintf(&t, "  %q,\n", r.String())
		}
		t.WriteString("]\n")
	}
	text := []byte(t.String())
	log := logrus.New()
	log.SetOutput(io.Discard)
	before := heapstat.Live()
	cfg, err := config.Parse(text, "mem.toml", dir)
	if err != nil {
		b.Fatal(err)
	}
	cfg.ForgetPositions() // as the daemon does once it logged the warnings
	afterCfg := heapstat.Live()
	rs := New(cfg, Options{Logger: log})
	after := heapstat.Live()
	for k := range peers {
		if n := rs.peers[fmt.Sprintf("p%d", k)].input.Load().Allowed.Len(); n != perPeer {
			b.Fatalf("peer p%d: %d prefixes in force, want %d", k, n, perPeer)
		}
	}
	runtime.KeepAlive(rs)
	runtime.KeepAlive(cfg)
	runtime.KeepAlive(text)
	n := float64(peers * perPeer)
	return float64(int64(afterCfg)-int64(before)) / n, float64(int64(after)-int64(afterCfg)) / n
}

// BenchmarkGoBGPPrefixSetMemory is the third holder of an IRR list: the
// prefix sets GoBGP's import policy matches against, filled the way
// SetPeerFilter fills them (updatePrefixSet). It reports GoBGP heap bytes
// per entry (10 sets × 100k /24s); GoBGP patch 27 keeps them in a bart
// table instead of a critbit tree of *net.IPNet values.
func BenchmarkGoBGPPrefixSetMemory(b *testing.B) {
	var per []float64
	for range b.N {
		log := logrus.New()
		log.SetOutput(io.Discard)
		s := server.NewBgpServer(server.LoggerOption(newGoBGPLogger(log)))
		go s.Serve()
		if err := s.StartBgp(context.Background(), &api.StartBgpRequest{Global: &api.Global{Asn: 21000, RouterId: "127.10.25.1", ListenPort: -1}}); err != nil {
			b.Fatal(err)
		}
		before := heapstat.Live()
		for k := range memPeers {
			if err := updatePrefixSet(context.Background(), s, fmt.Sprintf("p%d-allow4", k), nil, memIRRRanges(k)); err != nil {
				b.Fatal(err)
			}
		}
		after := heapstat.Live()
		per = append(per, float64(int64(after)-int64(before))/float64(memPeers*memPrefixesOfPeer))
		s.Stop()
	}
	b.ReportMetric(medianOf(per), "bytes/entry")
	b.ReportMetric(0, "ns/op")
}
