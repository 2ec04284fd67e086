package routeserver

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/filters"
)

// announceWithLinkLocal sends an IPv6 route whose MP_REACH next hop is 32
// bytes: a global address and a link-local one (RFC 2545 §3).
func announceWithLinkLocal(t *testing.T, rp *RawPeer, r filters.Route, linkLocal string) {
	t.Helper()
	mp := bgp.NewPathAttributeMpReachNLRI(r.NextHop.String(), []bgp.AddrPrefixInterface{nlriOf(r.Prefix)})
	mp.LinkLocalNexthop = net.ParseIP(linkLocal)
	b, err := mp.Serialize()
	if err != nil || b[3+3] != bgp.BGP_ATTR_NHLEN_IPV6_GLOBAL_AND_LL { // flags, type, len, afi(2), safi, nhlen
		t.Fatalf("MP_REACH next hop is not 32 bytes: % x %v", b, err)
	}
	msg := bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), asPathAttr(r.ASPath), mp}, nil)
	if err := rp.send(msg); err != nil {
		t.Fatal(err)
	}
}

// TestLinkLocalNextHopChecksGlobal: the global address of a 32-byte IPv6
// next hop is what is checked (and kept), the link-local one is ignored.
func TestLinkLocalNextHopChecksGlobal(t *testing.T) {
	rs, c, d := rawPairRS(t, 30, `families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:1::2"
prefixes = ["2a0a:1::/32{32,48}"]`, nil)
	ctx := context.Background()
	good := route("2a0a:1:1::/48", "2a0a:1::2", 21001)
	bad := route("2a0a:1:2::/48", "2a0a:ffff::1", 21001)
	announceWithLinkLocal(t, c, good, "fe80::2")
	announceWithLinkLocal(t, c, bad, "fe80::2")
	waitFor(t, 10*time.Second, "both routes in the store", func() bool { return rs.Store().Counts("c").Received == 2 })
	waitFor(t, 10*time.Second, "the good route at d", func() bool {
		got, err := d.ReceivedSet(ctx)
		_, ok := got[good.Prefix]
		return err == nil && ok
	})
	time.Sleep(500 * time.Millisecond)
	got, _ := d.ReceivedSet(ctx)
	if r := got[good.Prefix]; r.NextHop != good.NextHop {
		t.Errorf("d got %s with next hop %s, want %s", good.Prefix, r.NextHop, good.NextHop)
	}
	if _, ok := got[bad.Prefix]; ok {
		t.Errorf("d got %s with a third-party global next hop", bad.Prefix)
	}
	e, ok := rs.Store().Get("c", routestoreKey(bad.Prefix))
	if !ok || !e.Verdict.Has(filters.ReasonNextHopMismatch) || !strings.Contains(e.Verdict.Rejections[0].Detail, "2a0a:ffff::1") || e.Route.NextHop != bad.NextHop {
		t.Fatalf("store entry for %s: %v %+v nh %s", bad.Prefix, ok, e.Verdict, e.Route.NextHop)
	}
}
