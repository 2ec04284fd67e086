package routeserver

import (
	"context"
	"fmt"
	"math/rand"
	"net/netip"
	"slices"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/filters"
)

// actionsDiffConfig is diffConfig's peers on this branch's addresses
// (127.10.13.x), with reject_policy = "tag" and blackholing on.
func actionsDiffConfig() string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "STATE"

[filters]
reject_policy = "tag"

[blackhole]
next_hop_ipv4 = "%[4]s"
next_hop_ipv6 = "2a0a:ffff::666"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:1::2"
prefixes = ["45.1.0.0/16{16,24}", "45.1.8.0/22", "45.2.0.0/24", "45.3.0.0/20{22,23}", "2a0a:1::/32{32,48}", "2a0a:2::/48"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
families = ["ipv4", "ipv6"]
prefixes = ["45.9.0.0/16+"]
`, bhAddr(21), bhAddr(22), bhAddr(23), bhAddr(66))
}

// TestActionsDifferential: with reject_policy = "tag" and blackholing,
// for every fixture (a third IPv4 ones carry BLACKHOLE, some of them /25
// to /32 inside or outside a's space) the route server's RIB holds exactly
// the evaluator's reasons as RS:65520:code, b receives exactly the routes
// the evaluator accepts, and every accepted blackhole arrives with the
// blackhole next hop and NO_EXPORT.
func TestActionsDifferential(t *testing.T) {
	srs := startRSStopFirst(t, actionsDiffConfig())
	rs := srs.Server
	ctx := context.Background()
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: bhAddr(23), Address: bhAddr(23), RSAddr: bhAddr(21), RSPort: 179, RSASN: 21000})
	srs.stopFirst(t) // a GoBGP speaker stopped while receiving races inside GoBGP
	if err := b.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: bhAddr(22), Address: bhAddr(22), RSAddr: bhAddr(21), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rng := rand.New(rand.NewSource(7))
	fx := fixtures(1500, 43)
	seen := map[netip.Prefix]bool{}
	for _, r := range fx {
		seen[r.Prefix] = true
	}
	for i := range fx {
		switch fx[i].NextHop.String() {
		case addr(2):
			fx[i].NextHop = netip.MustParseAddr(bhAddr(22))
		case addr(99):
			fx[i].NextHop = netip.MustParseAddr(bhAddr(99))
		}
	}
	// blackhole requests: hosts inside a's space and outside it
	for len(fx) < 1800 {
		host := netip.AddrFrom4([4]byte{45, byte(1 + rng.Intn(9)), byte(rng.Intn(256)), byte(rng.Intn(256))})
		p := netip.PrefixFrom(host, 25+rng.Intn(8)).Masked()
		if seen[p] {
			continue
		}
		seen[p] = true
		fx = append(fx, filters.Route{Prefix: p, ASPath: filters.Seq(21001), NextHop: netip.MustParseAddr(bhAddr(22))})
	}
	settings := rs.Settings()
	peerA := rs.peers["a"].input.Load()
	want := map[netip.Prefix]filters.Verdict{}
	accepted, blackholes := 0, 0
	for i := range fx {
		r := &fx[i]
		if r.Prefix.Addr().Is4() && (r.Prefix.Bits() > 24 || rng.Intn(3) == 0) {
			r.Blackhole = true
		}
		v := filters.Evaluate(*r, &settings, peerA)
		want[r.Prefix] = v
		if v.Accepted() {
			accepted++
			if r.Blackhole {
				blackholes++
			}
		}
		if r.Blackhole {
			err = a.AnnounceWithCommunities(*r, filters.Communities{Std: []filters.Community{filters.Blackhole}})
		} else {
			err = a.Announce(*r)
		}
		if err != nil {
			t.Fatalf("announce %s: %v", r.Prefix, err)
		}
	}
	if blackholes == 0 {
		t.Fatal("fixtures never send an acceptable blackhole")
	}
	t.Logf("%d fixtures, %d accepted, %d of them blackholes", len(fx), accepted, blackholes)

	// the RS RIB (b's view, before export): every fixture, with its codes
	rib := map[netip.Prefix][]uint32{}
	waitFor(t, 60*time.Second, "every fixture in the RS RIB", func() bool {
		rib = ribCauses(t, rs, bhAddr(23))
		return len(rib) >= len(fx)
	})
	var got map[netip.Prefix]decodedPath
	waitFor(t, 60*time.Second, fmt.Sprintf("b to receive %d routes", accepted), func() bool {
		got = receivedAll(t, b)
		return len(got) >= accepted
	})
	time.Sleep(500 * time.Millisecond)
	got = receivedAll(t, b)
	disagree := 0
	for _, r := range fx {
		v := want[r.Prefix]
		var codes []uint32
		euroIX := map[uint32]bool{}
		for _, x := range v.Rejections {
			codes = append(codes, uint32(x.Reason))
			if e, ok := filters.EuroIXFiltered[x.Reason]; ok && !euroIX[e] {
				euroIX[e] = true
				codes = append(codes, 1101_0000+e)
			}
		}
		slices.Sort(codes)
		have := rib[r.Prefix]
		slices.Sort(have)
		g, forwarded := got[r.Prefix]
		bad := !slices.Equal(codes, have) || forwarded != v.Accepted()
		if forwarded && r.Blackhole && (g.Route.NextHop.String() != bhAddr(66) || !slices.Contains(g.Comms.Std, filters.NoExport)) {
			bad = true
		}
		if forwarded && !r.Blackhole && g.Route.NextHop != r.NextHop {
			bad = true
		}
		if bad {
			disagree++
			if disagree <= 10 {
				t.Errorf("%s blackhole=%v path %q nh %s: RIB codes %v, evaluator %+v; forwarded=%v nh %s comms %v",
					r.Prefix, r.Blackhole, r.ASPath, r.NextHop, have, v.Rejections, forwarded, g.Route.NextHop, g.Comms.Std)
			}
		}
		if e, ok := rs.Store().Get("a", routestoreKey(r.Prefix)); !ok || e.Verdict.Accepted() != v.Accepted() {
			t.Errorf("store entry for %s: %v %+v", r.Prefix, ok, e.Verdict)
		}
	}
	if disagree > 0 {
		t.Fatalf("%d of %d fixtures disagree", disagree, len(fx))
	}
}

// ribPaths lists the route server's RIB as viewer sees it (before export
// policy), both families.
func ribPaths(t *testing.T, s *Server, viewer string) map[netip.Prefix]decodedPath {
	t.Helper()
	out := map[netip.Prefix]decodedPath{}
	for _, f := range []*api.Family{familyV4, familyV6} {
		err := s.bgp.ListPath(context.Background(), &api.ListPathRequest{TableType: api.TableType_LOCAL, Name: viewer, Family: f},
			func(d *api.Destination) {
				for _, ap := range d.Paths {
					if dp, err := decodePath(ap); err == nil {
						out[dp.Key.Prefix] = dp
					}
				}
			})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// ribCauses is ribPaths reduced to each route's RS:65520:code values and
// its RS:1101:x as 11010000+x.
func ribCauses(t *testing.T, s *Server, viewer string) map[netip.Prefix][]uint32 {
	t.Helper()
	out := map[netip.Prefix][]uint32{}
	for p, dp := range ribPaths(t, s, viewer) {
		codes := []uint32{}
		for _, l := range dp.Comms.Large {
			if l.Global == 21000 && l.Local1 == filters.LCRejectCause {
				codes = append(codes, l.Local2)
			}
			if l.Global == 21000 && l.Local1 == filters.LCFiltered {
				codes = append(codes, 1101_0000+l.Local2) // Euro-IX, kept apart
			}
		}
		out[p] = codes
	}
	return out
}

// receivedAll is what b received, both families, with communities.
func receivedAll(t *testing.T, sp *Speaker) map[netip.Prefix]decodedPath {
	t.Helper()
	out := map[netip.Prefix]decodedPath{}
	for _, f := range []*api.Family{familyV4, familyV6} {
		err := sp.bgp.ListPath(context.Background(), &api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: sp.cfg.RSAddr, Family: f},
			func(d *api.Destination) {
				for _, p := range d.Paths {
					if dp, err := decodePath(p); err == nil {
						out[dp.Key.Prefix] = dp
					}
				}
			})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
