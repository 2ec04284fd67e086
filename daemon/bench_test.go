package daemon

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

const benchRejected = 100_000

// BenchmarkRejectedJSON100k: `rsctl rejected --json` over the unix socket
// against a daemon whose store holds 100,000 rejected routes (sent by a
// raw peer, all unregistered). Reports seconds per full listing.
func BenchmarkRejectedJSON100k(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "rsguard.toml")
	sock := filepath.Join(dir, "rsguard.sock")
	os.WriteFile(path, []byte(fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[3]q
[api]
socket = %[4]q
[dampening]
mode = "off"
[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.41.0.0/16"]
`, a(51), a(52), filepath.Join(dir, "state"), sock)), 0o600)
	cfg, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	log := logrus.New()
	log.SetLevel(logrus.ErrorLevel)
	d, err := New(path, cfg, log)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-d.Ready()
	rp, err := routeserver.DialRawPeer(ctx, routeserver.SpeakerConfig{ASN: 21001, RouterID: a(52), Address: a(52), RSAddr: a(51), RSPort: 179, RSASN: 21000})
	if err != nil {
		b.Fatal(err)
	}
	defer rp.Close()
	prefixes := make([]netip.Prefix, benchRejected)
	for i := range prefixes {
		prefixes[i] = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(46 + i/65536), byte(i >> 8), byte(i), 0}), 24)
	}
	if err := rp.AnnounceMany(prefixes, filters.Seq(21001, 21011), netip.MustParseAddr(a(52))); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for d.RouteServer().Store().Counts("a").Rejected < benchRejected {
		if time.Now().After(deadline) {
			b.Fatalf("store holds %+v", d.RouteServer().Store().Counts("a"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		cmd := exec.Command(rsctlBin, "--socket", sock, "rejected", "--json")
		cmd.Stdout = nil // discarded, as a script piping to jq would not be the bottleneck
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/listing")
	}
}

// BenchmarkStoreMemoryPerRoute fills a store with 100,000 rejected routes
// shaped like real ones (two-ASN path, one reason with evidence) and
// reports the heap it holds per route.
func BenchmarkStoreMemoryPerRoute(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := routestore.New(0)
		settings := filters.DefaultSettings()
		peer := &filters.Peer{Name: "a", ASN: 21001, Address: netip.MustParseAddr("127.0.0.2"),
			Allowed: filters.NewPrefixList([]filters.PrefixRange{{Prefix: netip.MustParsePrefix("45.41.0.0/16"), Min: 16, Max: 16}})}
		for j := 0; j < benchRejected; j++ {
			p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(46 + j/65536), byte(j >> 8), byte(j), 0}), 24)
			r := filters.Route{Prefix: p, ASPath: filters.Seq(21001, 21011), NextHop: netip.MustParseAddr("127.0.0.2")}
			s.Put(routestore.Entry{Peer: "a", Key: routestore.Key{Prefix: p}, Route: r, Verdict: filters.Evaluate(r, &settings, peer), ReceivedAt: time.Now()})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchRejected, "bytes/route")
		runtime.KeepAlive(s)
	}
}
