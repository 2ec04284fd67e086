package routeserver

import (
	"net"
	"net/netip"
	"reflect"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// wireReceived builds a received path the way GoBGP does: the UPDATE is
// serialised and parsed (attributes keep their wire flags), and an MP_REACH
// is rebuilt per NLRI (table.ProcessMessage).
func wireReceived(t testing.TB, nlri bgp.AddrPrefixInterface, attrs []bgp.PathAttributeInterface) receivedPath {
	t.Helper()
	var msg *bgp.BGPMessage
	if v4, ok := nlri.(*bgp.IPAddrPrefix); ok {
		msg = bgp.NewBGPUpdateMessage(nil, attrs, []*bgp.IPAddrPrefix{v4})
	} else {
		msg = bgp.NewBGPUpdateMessage(nil, attrs, nil)
	}
	buf, err := msg.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := bgp.ParseBGPMessage(buf)
	if err != nil {
		t.Fatal(err)
	}
	u := parsed.Body.(*bgp.BGPUpdate)
	rp := receivedPath{NLRI: nlri, PathID: nlri.PathIdentifier()}
	for _, a := range u.PathAttributes {
		if mp, ok := a.(*bgp.PathAttributeMpReachNLRI); ok {
			rp.NLRI = mp.Value[0]
			a = bgp.NewPathAttributeMpReachNLRI(mp.Nexthop.String(), []bgp.AddrPrefixInterface{mp.Value[0]})
		}
		rp.Attrs = append(rp.Attrs, a)
	}
	if len(u.NLRI) == 1 {
		rp.NLRI = u.NLRI[0]
	}
	return rp
}

// apiOf is the path as WatchEvent delivered it (toPathApi: NLRI and
// attributes marshalled to Any).
func apiOf(t testing.TB, from string, rp receivedPath) *api.Path {
	t.Helper()
	ap, err := apiutil.NewPath(rp.NLRI, rp.Withdraw, rp.Attrs, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ap.NeighborIp, ap.Identifier = from, rp.PathID
	return ap
}

func feedCases() map[string]receivedPath {
	as := func(segs ...*bgp.As4PathParam) *bgp.PathAttributeAsPath {
		var p []bgp.AsPathParamInterface
		for _, s := range segs {
			p = append(p, s)
		}
		return bgp.NewPathAttributeAsPath(p)
	}
	seq := func(a ...uint32) *bgp.As4PathParam { return bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, a) }
	v4 := bgp.NewIPAddrPrefix(24, "45.1.2.0")
	v6 := bgp.NewIPv6AddrPrefix(48, "2a0a:4580:1::")
	withID := bgp.NewIPAddrPrefix(24, "45.1.3.0")
	withID.SetPathIdentifier(7)
	mp := bgp.NewPathAttributeMpReachNLRI("2a0a:4580::1", []bgp.AddrPrefixInterface{v6})
	mp.LinkLocalNexthop = net.ParseIP("fe80::1")
	return map[string]receivedPath{
		"ipv4 full": {NLRI: v4, Attrs: []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(2),
			as(seq(21001, 21010), bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SET, []uint32{21011, 21012}),
				bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_CONFED_SEQ, []uint32{21013}),
				bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_CONFED_SET, []uint32{21014})),
			bgp.NewPathAttributeNextHop("45.1.0.1"),
			bgp.NewPathAttributeMultiExitDisc(50),
			bgp.NewPathAttributeCommunities([]uint32{21001<<16 | 7, 0xFFFF029A}),
			bgp.NewPathAttributeLargeCommunities([]*bgp.LargeCommunity{bgp.NewLargeCommunity(21000, 0, 21005)}),
		}},
		"ipv4 add-path": {NLRI: withID, PathID: 7, Attrs: []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(0), as(seq(21001)), bgp.NewPathAttributeNextHop("45.1.0.1")}},
		"ipv6 mp_reach link-local": {NLRI: v6, Attrs: []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(0), as(seq(21001)), mp}},
		"ipv4 withdrawal": {NLRI: v4, Withdraw: true},
	}
}

// TestDecodeReceivedMatchesAPIPath: decoding GoBGP's native path gives
// what decoding the WatchEvent (API) form of the same path gave, field by
// field; the attribute hash is stable for equal attributes and changes
// with any attribute.
func TestDecodeReceivedMatchesAPIPath(t *testing.T) {
	from := netip.MustParseAddr("127.10.31.2")
	for name, c := range feedCases() {
		t.Run(name, func(t *testing.T) {
			rp := c
			if !c.Withdraw {
				rp = wireReceived(t, c.NLRI, c.Attrs)
			}
			native, err := decodeReceived(from, rp)
			if err != nil {
				t.Fatal(err)
			}
			viaAPI, err := decodePath(apiOf(t, from.String(), rp))
			if err != nil {
				t.Fatal(err)
			}
			if !rp.Withdraw && native.AttrHash == 0 {
				t.Error("no attribute hash")
			}
			native.AttrHash, viaAPI.AttrHash = 0, 0
			if !reflect.DeepEqual(native, viaAPI) {
				t.Errorf("native  %+v\nvia API %+v", native, viaAPI)
			}
			if c.Withdraw {
				return
			}
			again, _ := decodeReceived(from, wireReceived(t, c.NLRI, c.Attrs))
			first, _ := decodeReceived(from, rp)
			if again.AttrHash != first.AttrHash {
				t.Errorf("hash of equal attributes differs: %x %x", first.AttrHash, again.AttrHash)
			}
			changed, _ := decodeReceived(from, wireReceived(t, c.NLRI, append(append([]bgp.PathAttributeInterface(nil), c.Attrs...), bgp.NewPathAttributeLocalPref(5))))
			if changed.AttrHash == first.AttrHash {
				t.Error("hash unchanged by an added attribute")
			}
		})
	}
}

// TestUnicastPrefix: reading the NLRI's fields gives what parsing its
// String() gave, refusals included.
func TestUnicastPrefix(t *testing.T) {
	mapped := bgp.NewIPv6AddrPrefix(120, "::ffff:45.1.2.0")
	for _, n := range []bgp.AddrPrefixInterface{
		bgp.NewIPAddrPrefix(24, "45.1.2.0"), bgp.NewIPAddrPrefix(0, "0.0.0.0"), bgp.NewIPAddrPrefix(32, "45.1.2.3"),
		bgp.NewIPv6AddrPrefix(48, "2a0a:4580:1::"), bgp.NewIPv6AddrPrefix(128, "2a0a:4580::1"), bgp.NewIPv6AddrPrefix(0, "::"),
		mapped, bgp.NewLabeledIPAddrPrefix(24, "45.1.2.0", *bgp.NewMPLSLabelStack(100)),
	} {
		got, err := unicastPrefix(n)
		want, werr := netip.ParsePrefix(n.String())
		if (err != nil) != (werr != nil) || (err == nil && got != want.Masked()) {
			t.Errorf("%s: got %v %v, string form %v %v", n, got, err, want, werr)
		}
	}
	if _, err := unicastPrefix(nil); err == nil {
		t.Error("nil NLRI accepted")
	}
}

// TestUpdateOfNative: the UPDATE rebuilt for BMP/MRT from the native path
// carries the path's NLRI and attributes.
func TestUpdateOfNative(t *testing.T) {
	for name, c := range feedCases() {
		rp := c
		if !c.Withdraw {
			rp = wireReceived(t, c.NLRI, c.Attrs)
		}
		u, err := updateOf(rp)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		buf, err := u.Serialize()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m, err := bgp.ParseBGPMessage(buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		up := m.Body.(*bgp.BGPUpdate)
		var nlris []string
		for _, n := range up.NLRI {
			nlris = append(nlris, n.String())
		}
		for _, n := range up.WithdrawnRoutes {
			nlris = append(nlris, n.String())
		}
		for _, a := range up.PathAttributes {
			switch v := a.(type) {
			case *bgp.PathAttributeMpReachNLRI:
				for _, n := range v.Value {
					nlris = append(nlris, n.String())
				}
			case *bgp.PathAttributeMpUnreachNLRI:
				for _, n := range v.Value {
					nlris = append(nlris, n.String())
				}
			}
		}
		if len(nlris) != 1 || nlris[0] != c.NLRI.String() {
			t.Errorf("%s: NLRIs %v, want %s", name, nlris, c.NLRI)
		}
		if got, want := len(up.PathAttributes), len(rp.Attrs); !c.Withdraw && got != want {
			t.Errorf("%s: %d attributes, want %d", name, got, want)
		}
	}
}

// TestDecodeReceivedMemo: paths sharing one attribute list (the IPv4
// paths of one UPDATE) decode through the memo exactly as on their own;
// another list, even with equal contents, or a changed one is decoded
// afresh.
func TestDecodeReceivedMemo(t *testing.T) {
	from := netip.MustParseAddr("127.10.31.2")
	for name, c := range feedCases() {
		if c.Withdraw {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var other bgp.AddrPrefixInterface = bgp.NewIPAddrPrefix(24, "45.9.9.0")
			if _, v6 := c.NLRI.(*bgp.IPv6AddrPrefix); v6 {
				other = bgp.NewIPv6AddrPrefix(48, "2a0a:4580:9::")
			}
			rp := wireReceived(t, c.NLRI, c.Attrs)
			second := rp
			second.NLRI = other
			var memo attrMemo
			for _, p := range []receivedPath{rp, second, {NLRI: other, Withdraw: true}, rp} {
				got, err := decodeReceivedMemo(from, p, &memo)
				want, err2 := decodeReceived(from, p)
				if err != nil || err2 != nil {
					t.Fatal(err, err2)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s via the memo:\n got  %+v\n want %+v", p.NLRI, got, want)
				}
			}
			changed := append(append([]bgp.PathAttributeInterface(nil), rp.Attrs...), bgp.NewPathAttributeLocalPref(5))
			changed = changed[:len(rp.Attrs)]             // same length, new backing array
			changed[0] = bgp.NewPathAttributeLocalPref(7) // replaces the first attribute
			cp := receivedPath{NLRI: rp.NLRI, Attrs: changed}
			got, _ := decodeReceivedMemo(from, cp, &memo)
			want, _ := decodeReceived(from, cp)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("a different list of the same length came from the memo: %+v, want %+v", got, want)
			}
			if first, _ := decodeReceived(from, rp); got.AttrHash == first.AttrHash {
				t.Fatal("a changed list decoded with the old list's hash")
			}
		})
	}
}
