package routeserver

import (
	"net/netip"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// benchPath is a typical IXP route as GoBGP holds it once received.
func benchPath(b *testing.B) receivedPath {
	return wireReceived(b, bgp.NewIPAddrPrefix(24, "45.1.2.0"), []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001, 21010, 21011})}),
		bgp.NewPathAttributeNextHop("45.1.0.1"),
		bgp.NewPathAttributeMultiExitDisc(50),
		bgp.NewPathAttributeCommunities([]uint32{21001<<16 | 7, 21001<<16 | 100, 0xFFFF0001}),
		bgp.NewPathAttributeLargeCommunities([]*bgp.LargeCommunity{bgp.NewLargeCommunity(21000, 0, 21005)}),
	})
}

// BenchmarkDecodeReceived is the per-path cost of the feed's decoding.
// api/marshal+decode is what the WatchEvent feed cost per path on the
// rsguard side of the watcher: GoBGP's conversion to api.Path (NLRI and
// attributes to Any, toPathApi) plus decodePath's conversion back;
// api/decode is decodePath alone; native is the ReceivedPathsHook feed.
func BenchmarkDecodeReceived(b *testing.B) {
	rp := benchPath(b)
	from := netip.MustParseAddr("127.10.31.2")
	b.Run("api/marshal+decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ap, err := apiutil.NewPath(rp.NLRI, false, rp.Attrs, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			ap.NeighborIp = "127.10.31.2"
			if _, err := decodePath(ap); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api/decode", func(b *testing.B) {
		ap := apiOf(b, from.String(), rp)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := decodePath(ap); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := decodeReceived(from, rp); err != nil {
				b.Fatal(err)
			}
		}
	})
	// the paths of one UPDATE share their attribute list: decoded once
	b.Run("native/shared-list", func(b *testing.B) {
		var memo attrMemo
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := decodeReceivedMemo(from, rp, &memo); err != nil {
				b.Fatal(err)
			}
		}
	})
}
