package routeserver

import (
	"context"
	"fmt"
	"math/rand"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// Export tests own 127.10.12.0/24 (this engineer's octet, see common rules).
func exportAddr(host byte) string { return fmt.Sprintf("127.10.12.%d", host) }

// exportDiffConfig: the receivers b, c, d of exportRSConfig on hosts 3-5,
// raw peer a on host 2 (export_speakers_test.go).
func exportDiffConfig(honour bool) string { return exportRSConfig(1, 2, 3, 4, 5, honour) }

// exportVocabulary is every community the export policy knows, for the
// receivers AS21002, AS21003 and AS212001, plus ones it must leave alone.
var (
	exportStdVocab = []string{"0:21002", "0:21003", "0:21000", "21000:21002", "21000:21003", "21000:0", "21000:1000",
		"no_export", "no_advertise", "no_peer", "21001:100", "65000:1", "0:65535"}
	exportLargeVocab = []string{"21000:0:21002", "21000:0:212001", "21000:0:0", "21000:1:21003", "21000:1:212001", "21000:1:0",
		"21000:101:21002", "21000:101:0", "21000:102:212001", "21000:102:0", "21000:103:21003",
		"21000:65281:21002", "21000:65281:212001", "21000:65282:21003", "21000:1000:1", "21000:1101:5", "21000:65520:9",
		"21001:1:2", "212001:0:21002"}
)

func exportFixtures(t *testing.T, n int, seed int64) ([]filters.Route, []filters.Communities) {
	rng := rand.New(rand.NewSource(seed))
	var rs []filters.Route
	var cs []filters.Communities
	for i := 0; i < n; i++ {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{45, 12, byte(i), 0}), 24)
		if i >= 256 {
			t.Fatal("exportFixtures: at most 256 routes")
		}
		path := []uint32{21001}
		if rng.Intn(2) == 0 {
			path = append(path, 21011)
		}
		if rng.Intn(8) == 0 { // a receiver's ASN in the path: never sent to it
			path = append(path, []uint32{21002, 21003, 212001}[rng.Intn(3)])
		}
		var c filters.Communities
		for k := rng.Intn(5); k > 0; k-- {
			if rng.Intn(2) == 0 {
				c.Std = append(c.Std, stdOf(t, exportStdVocab[rng.Intn(len(exportStdVocab))]))
			} else {
				c.Large = append(c.Large, largeOf(t, exportLargeVocab[rng.Intn(len(exportLargeVocab))]))
			}
		}
		c.Std = slices.Compact(c.Std)
		rs = append(rs, filters.Route{Prefix: p, ASPath: filters.Seq(path...), NextHop: netip.MustParseAddr(exportAddr(2))})
		cs = append(cs, c)
	}
	return rs, cs
}

// stoppableRS is a route server that a test stops before its speakers:
// a GoBGP speaker stopped while its session is still up races inside
// GoBGP (StopBgp writes the neighbor config a receive loop reads).
type stoppableRS struct {
	*Server
	once sync.Once
}

func startRSStopFirst(t *testing.T, toml string) *stoppableRS {
	t.Helper()
	cfg, err := config.Parse([]byte(toml), "test.toml", t.TempDir())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	s := New(cfg, Options{Logger: testLogger()})
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	r := &stoppableRS{Server: s}
	t.Cleanup(r.stop) // in case the test ends before stopFirst
	return r
}

func (r *stoppableRS) stop() { r.once.Do(r.Server.Stop) }

// stopFirst registers the stop after the speakers' cleanups, so it runs
// before them.
func (r *stoppableRS) stopFirst(t *testing.T) { t.Cleanup(r.stop) }

func stdOf(t testing.TB, s string) filters.Community {
	c, err := filters.ParseCommunity(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func largeOf(t testing.TB, s string) filters.LargeCommunity {
	l, err := filters.ParseLargeCommunity(s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func sortedLarge(ls []filters.LargeCommunity) []filters.LargeCommunity {
	out := slices.Clone(ls)
	slices.SortFunc(out, func(a, b filters.LargeCommunity) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out)
}

// TestExportDifferential sends routes with random mixes of every control
// community through a live GoBGP route server to three receivers and fails
// on any difference between what each received (presence, AS_PATH,
// communities) and filters.DecideExport, with honour_well_known off and on.
func TestExportDifferential(t *testing.T) {
	for _, honour := range []bool{false, true} {
		t.Run(fmt.Sprintf("honour=%v", honour), func(t *testing.T) { exportDifferential(t, honour) })
	}
}

func exportDifferential(t *testing.T, honour bool) {
	rs := startRSStopFirst(t, exportDiffConfig(honour))
	ctx := context.Background()
	type receiver struct {
		asn uint32
		sp  *Speaker
	}
	var recv []receiver
	for i, asn := range []uint32{21002, 21003, 212001} {
		a := exportAddr(byte(3 + i))
		sp := startSpeaker(t, SpeakerConfig{ASN: asn, RouterID: a, Address: a, RSAddr: exportAddr(1), RSPort: 179, RSASN: 21000})
		recv = append(recv, receiver{asn, sp})
	}
	rs.stopFirst(t)
	for _, r := range recv {
		if err := r.sp.WaitEstablished(ctx, 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: exportAddr(2), Address: exportAddr(2), RSAddr: exportAddr(1), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	routes, comms := exportFixtures(t, 250, 12)
	es := exportSettings(rs.Config())
	want := map[uint32]map[netip.Prefix]filters.ExportDecision{}
	sent, dropped, prepended, added, loops := 0, 0, 0, 0, 0
	for _, r := range recv {
		want[r.asn] = map[netip.Prefix]filters.ExportDecision{}
		for i, rt := range routes {
			d := filters.DecideExport(es, rt, comms[i], r.asn)
			want[r.asn][rt.Prefix] = d
			if d.Send {
				sent++
				if d.Prepend > 0 {
					prepended++
				}
				added += len(d.Added)
			} else {
				dropped++
				if strings.Contains(d.Rule, "AS_PATH") {
					loops++
				}
			}
		}
	}
	if sent == 0 || dropped == 0 || prepended == 0 || added == 0 || loops == 0 {
		t.Fatalf("fixtures too narrow: %d sent, %d dropped (%d loops), %d prepended, %d with added communities", sent, dropped, loops, prepended, added)
	}
	t.Logf("%d routes x %d receivers: %d sent, %d dropped (%d for a loop), %d prepended, %d well-known added",
		len(routes), len(recv), sent, dropped, loops, prepended, added)
	for i, rt := range routes {
		if err := a.AnnounceWithCommunities(rt, comms[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range recv {
		n := 0
		for _, d := range want[r.asn] {
			if d.Send {
				n++
			}
		}
		waitFor(t, 60*time.Second, fmt.Sprintf("AS%d to receive %d routes", r.asn, n), func() bool {
			got, err := r.sp.ReceivedIPv4(ctx)
			return err == nil && len(got) >= n
		})
	}
	time.Sleep(500 * time.Millisecond) // let any excess arrive, so it is caught below
	disagree := 0
	for _, r := range recv {
		got, err := r.sp.ReceivedIPv4(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byPrefix := map[netip.Prefix]decodedPath{}
		for _, g := range got {
			byPrefix[g.Key.Prefix] = g
		}
		for i, rt := range routes {
			d := want[r.asn][rt.Prefix]
			g, ok := byPrefix[rt.Prefix]
			var problem string
			switch {
			case ok != d.Send:
				problem = fmt.Sprintf("received=%v, evaluator %v (%s)", ok, d.Send, d.Rule)
			case !ok:
			case g.Route.ASPath.Len() != rt.ASPath.Len()+d.Prepend:
				problem = fmt.Sprintf("path %s, want %s prepended %d times", g.Route.ASPath, rt.ASPath, d.Prepend)
			case !slices.Equal(filters.SortedCommunities(g.Comms.Std), filters.SortedCommunities(d.Communities)):
				problem = fmt.Sprintf("communities %v, want %v", g.Comms.Std, d.Communities)
			case !slices.Equal(sortedLarge(g.Comms.Large), sortedLarge(d.LargeCommunities)):
				problem = fmt.Sprintf("large communities %v, want %v", g.Comms.Large, d.LargeCommunities)
			}
			if problem != "" {
				disagree++
				if disagree <= 10 {
					t.Errorf("AS%d %s with %v %v: %s", r.asn, rt.Prefix, comms[i].Std, comms[i].Large, problem)
				}
			}
		}
	}
	if disagree > 0 {
		t.Fatalf("%d disagreements between GoBGP and the evaluator", disagree)
	}
}
