package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

func guardConfig() string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "S"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
max_prefixes_ipv4 = 5
prefixes = ["45.1.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.2.0.0/16{16,24}"]
`, addr(91), addr(92), addr(93))
}

// TestRouterIDCollisionIsLogged: two clients with one BGP identifier never
// see each other's routes in GoBGP; the route server must say so loudly.
func TestRouterIDCollisionIsLogged(t *testing.T) {
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.InfoLevel)
	rs := startRS(t, guardConfig(), func(s *Server) { s.log = log })
	_ = rs
	ctx := context.Background()
	// Raw peers, not GoBGP speakers: a second BgpServer starting in the
	// same process races on GoBGP's global route-selection options.
	shared := "10.255.255.1"
	for _, c := range []SpeakerConfig{
		{ASN: 21001, RouterID: shared, Address: addr(92), RSAddr: addr(91), RSPort: 179, RSASN: 21000},
		{ASN: 21002, RouterID: shared, Address: addr(93), RSAddr: addr(91), RSPort: 179, RSASN: 21000},
	} {
		p, err := DialRawPeer(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
	}
	waitFor(t, 10*time.Second, "the router-id collision error", func() bool {
		for _, e := range hook.AllEntries() {
			if e.Level == logrus.ErrorLevel && strings.Contains(e.Message, "share one BGP router-id") {
				return true
			}
		}
		return false
	})
}

// TestMaxPrefixShutdownAndReenable: exceeding max_prefixes_ipv4 shuts the
// session down (GoBGP never lifts it); EnablePeer re-arms it.
func TestMaxPrefixShutdownAndReenable(t *testing.T) {
	var sanctions atomic.Int32
	rs := startRS(t, guardConfig(), func(s *Server) {
		s.opts.OnEvent = func(e Event) {
			if e.Kind == EventMaxPrefix {
				sanctions.Add(1)
			}
		}
	})
	ctx := context.Background()
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr(92), Address: addr(92), RSAddr: addr(91), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var many []netip.Prefix
	for i := 0; i < 8; i++ {
		many = append(many, netip.PrefixFrom(netip.AddrFrom4([4]byte{45, 1, byte(i), 0}), 24))
	}
	if err := a.AnnounceMany(many, filters.Seq(21001), netip.MustParseAddr(addr(92))); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		for _, p := range rs.Peers() {
			if p.Name == "a" {
				return p.State
			}
		}
		return ""
	}
	waitFor(t, 10*time.Second, "the max-prefix shutdown", func() bool { return state() != "ESTABLISHED" && sanctions.Load() > 0 })
	if b, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr(92), Address: addr(92), RSAddr: addr(91), RSPort: 179, RSASN: 21000}); err == nil {
		b.Close()
		t.Fatal("a session came up while the max-prefix shutdown was in force")
	}
	if err := rs.EnablePeer(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	// re-armed: a new session comes up (GoBGP may refuse the first attempts
	// while its FSM leaves Idle)
	var lastErr error
	for i := 0; i < 40; i++ {
		b, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr(92), Address: addr(92), RSAddr: addr(91), RSPort: 179, RSASN: 21000})
		if err == nil {
			b.Close()
			return
		}
		lastErr = err
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no session after EnablePeer: %v", lastErr)
}
