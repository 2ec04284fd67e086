package routeserver

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// TestExportPolicyFollowsReload: a peer removed and added again by reload
// gets its export policy back (same names, no leftovers in GoBGP), and
// announcement control toward it still holds.
func peerState(s *Server, name string) (PeerStatus, bool) {
	for _, p := range s.Peers() {
		if p.Name == name {
			return p, true
		}
	}
	return PeerStatus{}, false
}

func TestExportPolicyFollowsReload(t *testing.T) {
	rs := startRSStopFirst(t, exportRSConfig(61, 62, 63, 64, 65, false))
	ctx := context.Background()
	c := startSpeaker(t, SpeakerConfig{ASN: 21003, RouterID: exportAddr(64), Address: exportAddr(64), RSAddr: exportAddr(61), RSPort: 179, RSASN: 21000})
	rs.stopFirst(t)
	if err := c.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: exportAddr(62), Address: exportAddr(62), RSAddr: exportAddr(61), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	nh := netip.MustParseAddr(exportAddr(62))
	blocked := filters.Route{Prefix: netip.MustParsePrefix("45.18.61.0/24"), ASPath: filters.Seq(21001), NextHop: nh}
	open := filters.Route{Prefix: netip.MustParsePrefix("45.18.62.0/24"), ASPath: filters.Seq(21001), NextHop: nh}
	if err := a.AnnounceWithCommunities(blocked, filters.Communities{Large: []filters.LargeCommunity{{Global: 21000, Local1: 0, Local2: 21003}}}); err != nil {
		t.Fatal(err)
	}
	if err := a.AnnounceWithCommunities(open, filters.Communities{}); err != nil {
		t.Fatal(err)
	}
	prefixesAtC := func() []netip.Prefix {
		got, _ := c.ReceivedIPv4(ctx)
		var out []netip.Prefix
		for _, g := range got {
			out = append(out, g.Key.Prefix)
		}
		slices.SortFunc(out, func(x, y netip.Prefix) int { return x.Addr().Compare(y.Addr()) })
		return out
	}
	onlyOpen := func() bool { p := prefixesAtC(); return len(p) == 1 && p[0] == open.Prefix }
	waitFor(t, 20*time.Second, "c to hold only the unblocked route", onlyOpen)

	full := rs.Config()
	without := *full
	without.Peers = slices.DeleteFunc(slices.Clone(full.Peers), func(p config.Peer) bool { return p.Name == "c" })
	for i, next := range []*config.Config{&without, full} {
		if _, err := rs.ApplyConfig(ctx, next, nil); err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
	}
	// c's own session notices the removal a little later; wait for the
	// re-added peer's routes rather than for "established", which may
	// still be the old session
	waitFor(t, 30*time.Second, "c, re-added, to hold the unblocked route again", func() bool {
		st, ok := peerState(rs.Server, "c")
		return ok && st.State == "ESTABLISHED" && onlyOpen()
	})
	time.Sleep(500 * time.Millisecond)
	if !onlyOpen() {
		t.Fatalf("after remove and re-add c holds %v, want only %s", prefixesAtC(), open.Prefix)
	}
}
