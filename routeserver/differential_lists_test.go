package routeserver

import (
	"context"
	"fmt"
	"math/rand"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// Addresses of the list-check differential: 127.10.2.x, so it can run
// next to the other differential tests.
func addrL(host byte) string { return fmt.Sprintf("127.10.2.%d", host) }

// diffListsConfig adds every list check to the differential setup. The
// peer's own ASN 21001 is on the transit-free list, so the "except the
// announcing peer" rule is exercised by every path. %s: the peer's extra
// keys, %s: the IRR dump path.
const diffListsConfig = `
[global]
asn = 21000
router_id = "127.10.2.1"
listen_addresses = ["127.10.2.1"]
listen_port = 179
state_dir = "STATE"
peering_lans = ["45.127.254.0/24", "2a0a:4580:ffff::/48"]

[filters]
global_blacklist = ["45.126.0.0/16+", "2a0a:2:8000::/33+"]
transit_free_asns = [174, 3356, 1299, 21001]
never_via_route_servers_asns = [21900, 4200000100]

[irr]
files = ["%s"]

[[peers]]
name = "a"
address = "127.10.2.2"
asn = 21001
password = "alpha"
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:1::2"
prefixes = ["45.1.0.0/16{16,24}", "45.1.8.0/22", "45.2.0.0/24", "45.3.0.0/20{22,23}", "2a0a:1::/32{32,48}", "2a0a:2::/32{32,48}", "45.126.0.0/16{16,24}", "45.127.0.0/16{16,24}"]
as_set = "AS-A"
blacklist = ["45.1.3.0/24+", "2a0a:1:4000::/34+"]
allowed_origins = [21013]
allowed_routes = [{ prefix = "46.1.0.0/16{16,24}", origin = 21011 }, "2a0a:3::/32{32,48}"]
%s

[[peers]]
name = "b"
address = "127.10.2.3"
asn = 21002
password = "bravo"
families = ["ipv4", "ipv6"]
prefixes = ["45.9.0.0/16+"]
`

// listFixtures are the common fixtures with their next hops moved to this
// test's addresses, plus routes that hit each list check and near misses.
func listFixtures(n int, seed int64) []filters.Route {
	rng := rand.New(rand.NewSource(seed))
	out := fixtures(n, seed)
	for i := range out {
		switch out[i].NextHop.String() {
		case addr(2):
			out[i].NextHop = netip.MustParseAddr(addrL(2))
		case addr(99):
			out[i].NextHop = netip.MustParseAddr(addrL(99))
		}
	}
	seen := map[netip.Prefix]bool{}
	for _, r := range out {
		seen[r.Prefix] = true
	}
	v4 := func(a, b, c byte, l int) netip.Prefix {
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{a, b, c, byte(rng.Intn(256))}), l).Masked()
	}
	v6 := func(a, b, c, d byte, l int) netip.Prefix {
		x := [16]byte{a, b, c, d, byte(rng.Intn(256)), byte(rng.Intn(256)), byte(rng.Intn(256))}
		return netip.PrefixFrom(netip.AddrFrom16(x), l).Masked()
	}
	for extra := 0; extra < n/2; {
		var p netip.Prefix
		switch rng.Intn(10) {
		case 0:
			p = v4(45, 127, byte(250+rng.Intn(6)), 16+rng.Intn(13)) // peering LAN, inside, covering, beside
		case 1:
			p = v4(45, byte(125+rng.Intn(3)), byte(rng.Intn(256)), 16+rng.Intn(9)) // global blacklist and around it
		case 2:
			p = v4(45, 1, byte(rng.Intn(8)), 20+rng.Intn(5)) // peer blacklist 45.1.3.0/24+
		case 3:
			p = v6(0x2a, 0x0a, 0, byte(1+rng.Intn(2)), 32+rng.Intn(17)) // v6 peer and global blacklists
		case 4:
			p = v6(byte([]int{0x00, 0x40, 0x60, 0x80, 0x1f, 0x20, 0x3f}[rng.Intn(7)]), byte(rng.Intn(256)), 0, 0, 2+rng.Intn(45)) // around 2000::/3
		case 5:
			p = v6(0x2a, 0x0a, 0x45, 0x80, 32+rng.Intn(33)) // the v6 peering LAN's /32
		case 6, 7:
			p = v4(46, 1, byte(rng.Intn(256)), 15+rng.Intn(11)) // allowed route with origin
		default:
			p = v6(0x2a, 0x0a, 0, 3, 31+rng.Intn(19)) // allowed route, any origin
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		extra++
		path := []uint32{21001}
		switch rng.Intn(12) {
		case 0:
			path = append(path, 174, 21011)
		case 1:
			path = append(path, 21011, []uint32{3356, 1299, 11740, 1740, 13356}[rng.Intn(5)])
		case 2:
			path = append(path, 21001, 21001, 21011) // own ASN prepended: transit-free exception
		case 3:
			path = append(path, []uint32{21900, 219000, 2190, 4200000100}[rng.Intn(4)], 21011)
		case 4:
			path = append(path, 21900)
		case 5, 6, 7:
			path = append(path, 21011)
		case 8:
			path = append(path, 21012+uint32(rng.Intn(3)))
		}
		r := filters.Route{Prefix: p, ASPath: filters.Seq(path...), NextHop: netip.MustParseAddr(addrL(2))}
		if rng.Intn(10) == 0 {
			r.ASPath = append(r.ASPath, filters.Segment{Type: filters.SegSet, ASNs: []uint32{21011, []uint32{174, 21900, 21014}[rng.Intn(3)]}})
		}
		if p.Addr().Is6() {
			r.NextHop = netip.MustParseAddr("2a0a:1::2")
		}
		out = append(out, r)
	}
	return out
}

// TestDifferentialLists: the list checks, allow-lists and enforcement
// switches compiled into a live GoBGP agree with the evaluator on every
// fixture, with every new reason hit.
func TestDifferentialLists(t *testing.T) {
	for _, v := range []struct {
		name, keys string
		reasons    []filters.Reason
	}{
		{"enforced", "", []filters.Reason{filters.ReasonGlobalBlacklist, filters.ReasonTransitFreeASN,
			filters.ReasonIPv6NotGlobalUnicast, filters.ReasonPeerBlacklist, filters.ReasonNeverViaRouteServersASN,
			filters.ReasonBogonPrefix, filters.ReasonOriginNotInASSet, filters.ReasonPrefixNotRegistered}},
		{"checks-off", "enforce_prefixes = false\nenforce_origins = false", []filters.Reason{filters.ReasonGlobalBlacklist,
			filters.ReasonTransitFreeASN, filters.ReasonPeerBlacklist, filters.ReasonNeverViaRouteServersASN}},
	} {
		t.Run(v.name, func(t *testing.T) { runListDifferential(t, v.keys, v.reasons) })
	}
}

func runListDifferential(t *testing.T, keys string, mustHit []filters.Reason) {
	dump := filepath.Join(t.TempDir(), "irr.rpsl")
	if err := os.WriteFile(dump, []byte("as-set: AS-A\nmembers: AS21001\nsource: TEST\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rs := startRS(t, fmt.Sprintf(diffListsConfig, dump, keys), nil)
	ctx := context.Background()
	// The IRR data arrives as a refresh would bring it: allowed_origins
	// must be merged into it by the route server.
	cur := rs.peers["a"].input.Load()
	if _, err := rs.SetPeerFilter(ctx, "a", cur.Allowed.Ranges(), filters.NewOriginSet("AS-A", []uint32{21001, 21011, 21012})); err != nil {
		t.Fatal(err)
	}
	peerA := rs.peers["a"].input.Load()
	if !peerA.Origins.Contains(21013) || !strings.Contains(peerA.Origins.Source, "allowed_origins") {
		t.Fatalf("allowed_origins not merged: %s %v", peerA.Origins.Source, peerA.Origins.Sorted())
	}
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: addrL(3), Address: addrL(3), RSAddr: addrL(1), RSPort: 179, RSASN: 21000, Password: "bravo"})
	if err := b.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addrL(2), Address: addrL(2), RSAddr: addrL(1), RSPort: 179, RSASN: 21000, Password: "alpha"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fx := listFixtures(2000, 7)
	settings := rs.Settings()
	want := map[netip.Prefix]filters.Verdict{}
	accepted, byAllowedRoute, notes := 0, 0, 0
	byReason := map[filters.Reason]int{}
	for _, r := range fx {
		v := filters.Evaluate(r, &settings, peerA)
		want[r.Prefix] = v
		if v.Accepted() {
			accepted++
			if _, ok := peerA.AllowedRouteFor(&r); ok {
				if _, registered := peerA.Allowed.Match(r.Prefix); !registered {
					byAllowedRoute++
				}
			}
		}
		notes += len(v.Notes)
		for _, x := range v.Rejections {
			byReason[x.Reason]++
		}
		if err := a.Announce(r); err != nil {
			t.Fatalf("announce %s: %v", r.Prefix, err)
		}
	}
	for _, r := range mustHit {
		if byReason[r] == 0 {
			t.Fatalf("fixtures never trigger %s: %v", r.Name(), byReason)
		}
	}
	if peerA.PrefixCheckOff {
		if byReason[filters.ReasonPrefixNotRegistered]+byReason[filters.ReasonOriginNotInASSet] != 0 || notes == 0 {
			t.Fatalf("checks off: reasons %v, %d notes", byReason, notes)
		}
	} else if byAllowedRoute == 0 {
		t.Fatal("no fixture is accepted through allowed_routes alone")
	}
	t.Logf("%d fixtures, %d accepted (%d only through allowed_routes), %d notes, reasons %v", len(fx), accepted, byAllowedRoute, notes, byReason)
	waitFor(t, 60*time.Second, "the store to see every fixture", func() bool { return rs.Store().Counts("a").Received >= len(fx) })
	compareForwarded(t, rs, b, fx, want, accepted)
}
