package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

const convergeRoutes = 300_000

func convergeConfig(damp string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "S"

[dampening]
mode = %[4]q

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.0.0.0/8{24,24}", "46.0.0.0/8{24,24}", "47.0.0.0/8{24,24}", "48.0.0.0/8{24,24}", "49.0.0.0/8{24,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.200.0.0/16+"]
`, addr(71), addr(72), addr(73), damp)
}

// convergeOnce: a raw peer sends a 300k-route table through the route
// server to a GoBGP receiver; returns the time until the receiver has all.
func convergeOnce(b *testing.B, damp string, noFeed bool) time.Duration {
	b.StopTimer()
	ctx := context.Background()
	var rs *Server
	rs = startRS(b, convergeConfig(damp), func(s *Server) { s.opts.NoEventFeed = noFeed })
	defer rs.Stop()
	recv := startSpeaker(b, SpeakerConfig{ASN: 21002, RouterID: addr(73), Address: addr(73), RSAddr: addr(71), RSPort: 179, RSASN: 21000})
	defer recv.Stop()
	if err := recv.WaitEstablished(ctx, 30*time.Second); err != nil {
		b.Fatal(err)
	}
	prefixes := make([]netip.Prefix, convergeRoutes)
	for i := range prefixes {
		prefixes[i] = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(45 + i/65536), byte(i >> 8), byte(i), 0}), 24)
	}
	b.StartTimer()
	start := time.Now()
	send, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr(72), Address: addr(72), RSAddr: addr(71), RSPort: 179, RSASN: 21000})
	if err != nil {
		b.Fatal(err)
	}
	defer send.Close()
	if err := send.AnnounceMany(prefixes, filters.Seq(21001), netip.MustParseAddr(addr(72))); err != nil {
		b.Fatal(err)
	}
	deadline := start.Add(5 * time.Minute)
	for recv.ReceivedCount(ctx) < convergeRoutes {
		if time.Now().After(deadline) {
			b.Fatalf("receiver has %d of %d after 5 minutes", recv.ReceivedCount(ctx), convergeRoutes)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !noFeed {
		// the store and the dampening engine must have caught up too
		for rs.Store().Counts("a").Received < convergeRoutes && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	d := time.Since(start)
	b.StopTimer()
	return d
}

// BenchmarkConverge300k compares convergence of a 300k-route table with the
// event feed (route store) off, on, and on with dampening enforced. Run with
// -benchtime 1x -count 3 and compare medians: feed-on/feed-off is the
// store's overhead, enforce/feed-on the dampening overhead.
func BenchmarkConverge300k(b *testing.B) {
	for _, c := range []struct {
		name   string
		damp   string
		noFeed bool
	}{{"feed-off", "off", true}, {"store-on", "off", false}, {"store-on-damp-enforce", "enforce", false}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				d := convergeOnce(b, c.damp, c.noFeed)
				b.ReportMetric(d.Seconds(), "s/300k")
			}
		})
	}
}
