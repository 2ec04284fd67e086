package routeserver

import (
	"context"
	"math/rand"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

const diffConfig = `
[global]
asn = 21000
router_id = "127.10.0.1"
listen_addresses = ["127.10.0.1"]
listen_port = 179
state_dir = "STATE"

[[peers]]
name = "a"
address = "127.10.0.2"
asn = 21001
password = "alpha"
# IPv6 over the IPv4 session (issue 8): its IPv6 next hops are checked too
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:1::2"
prefixes = ["45.1.0.0/16{16,24}", "45.1.8.0/22", "45.2.0.0/24", "45.3.0.0/20{22,23}", "2a0a:1::/32{32,48}", "2a0a:2::/48"]

[[peers]]
name = "b"
address = "127.10.0.3"
asn = 21002
password = "bravo"
families = ["ipv4", "ipv6"]
prefixes = ["45.9.0.0/16+"]
`

// fixtures builds n routes with unique prefixes and a random mix of every
// way to fail (and pass) each check.
func fixtures(n int, seed int64) []filters.Route {
	rng := rand.New(rand.NewSource(seed))
	seen := map[netip.Prefix]bool{}
	var out []filters.Route
	v4 := func(a, b byte, l int) netip.Prefix {
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{a, b, byte(rng.Intn(256)), byte(rng.Intn(256))}), l).Masked()
	}
	for len(out) < n {
		var p netip.Prefix
		switch rng.Intn(12) {
		case 0, 1, 2:
			p = v4(45, 1, 16+rng.Intn(9)) // registered, some too long via /25 below
		case 3:
			p = v4(45, byte(rng.Intn(4)), 20+rng.Intn(8))
		case 4:
			p = v4(46, byte(rng.Intn(256)), 24) // unregistered
		case 5:
			p = v4([]byte{10, 192, 172, 100, 198}[rng.Intn(5)], byte(rng.Intn(256)), 16+rng.Intn(9)) // bogon-ish
		case 6:
			p = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(rng.Intn(256)), 0, 0, 0}), rng.Intn(9)).Masked()
		case 7:
			p = v4(45, 1, 25+rng.Intn(4))
		case 8, 9:
			a := [16]byte{0x2a, 0x0a, 0, byte(1 + rng.Intn(2)), byte(rng.Intn(256)), byte(rng.Intn(256))}
			p = netip.PrefixFrom(netip.AddrFrom16(a), 32+rng.Intn(33)).Masked()
		case 10:
			pre := [][2]byte{{0x20, 0x01}, {0xfd, 0x00}, {0x3f, 0xff}, {0x20, 0x02}}[rng.Intn(4)]
			a := [16]byte{pre[0], pre[1], 0x0d, 0xb8, byte(rng.Intn(256))}
			p = netip.PrefixFrom(netip.AddrFrom16(a), 32+rng.Intn(17)).Masked()
		default:
			p = v4(45, 3, 20+rng.Intn(6))
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		path := []uint32{21001}
		switch rng.Intn(10) {
		case 0:
			path = []uint32{21009, 21001}
		case 1:
			path = append(path, []uint32{64512, 65551, 4200000001, 23456, 0, 131072}[rng.Intn(6)], 21011)
		case 2:
			for i := 0; i < 28+rng.Intn(8); i++ {
				path = append(path, 21001)
			}
		case 3, 4:
			path = append(path, 21011+uint32(rng.Intn(3)))
		}
		r := filters.Route{Prefix: p, ASPath: filters.Seq(path...), NextHop: netip.MustParseAddr(addr(2))}
		if rng.Intn(8) == 0 {
			r.NextHop = netip.MustParseAddr(addr(99))
		}
		if rng.Intn(15) == 0 {
			r.ASPath = append(r.ASPath, filters.Segment{Type: filters.SegSet, ASNs: []uint32{21011, 21012}})
		}
		if rng.Intn(15) == 0 { // a set mid-path: the origin check passes, only reason 1001 catches it
			r.ASPath = append(r.ASPath, filters.Segment{Type: filters.SegSet, ASNs: []uint32{21013}}, filters.Segment{Type: filters.SegSequence, ASNs: []uint32{21011}})
		}
		if p.Addr().Is6() {
			// the peer's ipv6_address, a third party (the issue 8 defect:
			// was accepted unchecked), or another of the LAN's addresses
			r.NextHop = netip.MustParseAddr([]string{"2a0a:1::2", "2a0a:1::2", "2a0a:1::2", "2a0a:1::2", "2a0a:ffff::1", "2a0a:1::3"}[rng.Intn(6)])
		}
		out = append(out, r)
	}
	return out
}

// TestDifferential sends a large fixture table through a live in-process
// GoBGP route server and fails on any disagreement between what GoBGP
// forwarded and what the evaluator (and the store it fills) decided.
func TestDifferential(t *testing.T) {
	origins := filters.NewOriginSet("AS-A", []uint32{21001, 21011, 21012})
	rs := startRS(t, diffConfig+diffRPKI(t), func(s *Server) {
		in := *s.peers["a"].input.Load()
		in.Origins = origins
		s.peers["a"].input.Store(&in)
	})
	ctx := context.Background()
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: addr(3), Address: addr(3), RSAddr: addr(1), RSPort: 179, RSASN: 21000, Password: "bravo"})
	if err := b.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr(2), Address: addr(2), RSAddr: addr(1), RSPort: 179, RSASN: 21000, Password: "alpha"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fx := fixtures(3000, 42)
	settings := rs.Settings()
	peerA := rs.peers["a"].input.Load()
	want := map[netip.Prefix]filters.Verdict{}
	accepted := 0
	byReason := map[filters.Reason]int{}
	v6NextHop := 0 // IPv6 routes rejected for their next hop, over the IPv4 session
	for _, r := range fx {
		v := filters.Evaluate(r, &settings, peerA)
		want[r.Prefix] = v
		if v.Accepted() {
			accepted++
		}
		for _, x := range v.Rejections {
			byReason[x.Reason]++
			if x.Reason == filters.ReasonNextHopMismatch && r.Prefix.Addr().Is6() {
				v6NextHop++
			}
		}
		if err := a.Announce(r); err != nil {
			t.Fatalf("announce %s: %v", r.Prefix, err)
		}
	}
	// every reason the fixtures can trigger must have been triggered
	for _, r := range []filters.Reason{filters.ReasonBogonPrefix, filters.ReasonPrefixLength, filters.ReasonFirstASMismatch,
		filters.ReasonBogonASN, filters.ReasonASPathTooLong, filters.ReasonNextHopMismatch,
		filters.ReasonOriginNotInASSet, filters.ReasonPrefixNotRegistered, filters.ReasonRPKIInvalid,
		filters.ReasonASSetInPath} {
		if byReason[r] == 0 {
			t.Fatalf("fixtures never trigger %s", r.Name())
		}
	}
	checkRPKIMix(t, want)
	if v6NextHop == 0 {
		t.Fatal("fixtures never send an IPv6 route with a third-party next hop")
	}
	t.Logf("%d fixtures, %d accepted by the evaluator, reasons %v, %d IPv6 next-hop rejections", len(fx), accepted, byReason, v6NextHop)
	deadline := time.Now().Add(60 * time.Second)
	for rs.Store().Counts("a").Received < len(fx) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := rs.Store().Counts("a").Received; n != len(fx) {
		missing := 0
		for _, r := range fx {
			if _, ok := rs.Store().Get("a", routestoreKey(r.Prefix)); !ok && missing < 10 {
				missing++
				t.Errorf("store lacks %s path %q nh %s", r.Prefix, r.ASPath, r.NextHop)
			}
		}
		t.Fatalf("store saw %d of %d fixtures", n, len(fx))
	}
	got := compareForwarded(t, rs, b, fx, want, accepted)
	// transparency: AS path and next hop unchanged, no route-server ASN
	for _, r := range fx {
		g, ok := got[r.Prefix]
		if !ok {
			continue
		}
		if g.ASPath.String() != r.ASPath.String() || g.NextHop != r.NextHop {
			t.Fatalf("%s changed in transit: sent %q nh %s, got %q nh %s", r.Prefix, r.ASPath, r.NextHop, g.ASPath, g.NextHop)
		}
	}
	c := rs.Store().Counts("a")
	if c.Accepted != accepted || c.Rejected != len(fx)-accepted {
		t.Fatalf("counts %+v, want accepted %d", c, accepted)
	}
}
