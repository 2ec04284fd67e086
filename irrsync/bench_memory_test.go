package irrsync

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/internal/heapstat"
	"github.com/rsguard/rsguard/irr"
)

// BenchmarkSyncerLastGoodMemory reports the heap a Syncer keeps per IRR
// prefix (bytes/prefix) once it has read 10 peers' last-good data of
// 100,000 /24s each from the cache: issue 11's "hold each IRR list once".
// It held the lists (40 B per prefix); it now holds a summary, and the
// route server's filter holds the lists. Run it alone: it measures the
// whole heap.
func BenchmarkSyncerLastGoodMemory(b *testing.B) {
	const peers, perPeer = 10, 100_000
	var per []float64
	for range b.N {
		state := b.TempDir()
		var ps []config.Peer
		cache := irr.Cache{Dir: filepath.Join(state, "irr")}
		for k := range peers {
			p := peerA(b)
			p.Name, p.ASSet, p.ASN = fmt.Sprintf("p%d", k), fmt.Sprintf("AS-MEM%d", k), uint32(21001+k)
			ps = append(ps, p)
			res := &irr.Result{Target: p.ASSet, Origins: []uint32{p.ASN}, Sources: []string{"RIPE"}, FetchedAt: time.Now(),
				IPv4: slash24s(fmt.Sprintf("%d.0.0.0", 45+2*k), perPeer)}
			if err := cache.Save(p.Name, res); err != nil {
				b.Fatal(err)
			}
		}
		cfg := testConfig(b, state, ps...)
		cfg.IRR.Files = []string{testdata("v1.rpsl")}
		before := heapstat.Live()
		s, err := New(cfg, testLogger(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		after := heapstat.Live()
		if st := s.Status(); len(st) != peers || st[0].IPv4 != perPeer || !st[0].FromCache {
			b.Fatalf("status: %+v", st[0])
		}
		runtime.KeepAlive(s)
		per = append(per, float64(int64(after)-int64(before))/float64(peers*perPeer))
	}
	sort.Float64s(per)
	b.ReportMetric(per[len(per)/2], "bytes/prefix")
	b.ReportMetric(0, "ns/op")
}
