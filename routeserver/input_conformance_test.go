package routeserver

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

// Malformed input that GoBGP v3.37.0 handles as the RFCs say; listed as
// conforming in docs/bgp-input-deviations.md. Each asserts what is on the
// wire (the NOTIFICATION's code, subcode and data) or what happens to the
// route, so a regression in an upgrade fails here.

// RFC 7606 §7.1–§7.3 and §3(d): an UPDATE with a malformed ORIGIN, AS_PATH
// or NEXT_HOP, or missing a well-known mandatory attribute, is treated as a
// withdrawal of its NLRI; the session stays up. Each case first announces
// the prefix correctly, so "treat as withdraw" is visible as the route
// leaving the store and the watcher's Adj-RIB-Out.
func TestInputConformsMalformedAttributeTreatAsWithdraw(t *testing.T) {
	origin, aspath, nexthop := attrOrigin(0), attrASPath(asSeq4(wireASN)), attrNextHop(wireAddr(wireSender))
	cases := []struct {
		name  string
		attrs [][]byte
	}{
		{"ORIGIN value 7 (RFC 7606 §7.1)", [][]byte{attrOrigin(7), aspath, nexthop}},
		{"ORIGIN of 2 octets (RFC 7606 §7.1)", [][]byte{attr(flagWellKnown, 1, []byte{0, 0}), aspath, nexthop}},
		// segment says 3 ASNs, carries 1
		{"AS_PATH segment overrun (RFC 7606 §7.2)", [][]byte{origin, attr(flagWellKnown, 2, []byte{2, 3, 0, 0, 0x52, 0x09}), nexthop}},
		{"NEXT_HOP of 5 octets (RFC 7606 §7.3)", [][]byte{origin, aspath, attr(flagWellKnown, 3, []byte{127, 10, 10, 2, 0})}},
		{"ORIGIN missing (RFC 7606 §3(d))", [][]byte{aspath, nexthop}},
	}
	ib := establishedBench(t)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := netip.PrefixFrom(netip.AddrFrom4([4]byte{45, 10, byte(20 + i), 0}), 24)
			ib.announceValid(p)
			ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, tc.attrs, nlri(p))))
			waitFor(t, 10*time.Second, p.String()+" treated as withdrawn", func() bool {
				return !ib.received(p) && !ib.propagated(p)
			})
			ib.a.expectNoNotification(500 * time.Millisecond)
		})
	}
	waitState(t, ib.rs, "a", "ESTABLISHED")
}

// RFC 4271 §6.2: an OPEN the route server cannot accept is answered with
// an OPEN Message Error NOTIFICATION whose subcode names the field.
func TestInputConformsBadOpenNotification(t *testing.T) {
	cases := []struct {
		name          string
		edit          func(*openMsg)
		subcode       byte
		data          []byte // nil: not checked
		whyThisSubode string
	}{
		{"wrong peer ASN", func(o *openMsg) {
			o.myAS = 21009
			o.params = capParam(capMP(1, 1), capAS4(21009))
		}, 2, nil, "Bad Peer AS"},
		{"hold time 1 s", func(o *openMsg) { o.holdTime = 1 }, 6, nil, "Unacceptable Hold Time: 1 and 2 MUST be refused"},
		{"hold time 2 s", func(o *openMsg) { o.holdTime = 2 }, 6, nil, "Unacceptable Hold Time: 1 and 2 MUST be refused"},
		// RFC 6286 §2.2: only zero is a bad identifier for an eBGP peer.
		{"BGP identifier 0.0.0.0", func(o *openMsg) { o.id = netip.IPv4Unspecified() }, 3, nil, "Bad BGP Identifier"},
		// The version's code and subcode conform; its missing Data does
		// not (TestDeviationUnsupportedVersionWithoutData).
		{"version 3", func(o *openMsg) { o.version = 3 }, 1, nil, "Unsupported Version Number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ib := newInputBench(t)
			o := defaultOpen()
			tc.edit(&o)
			_, n := ib.openSender(o)
			if n == nil {
				n = ib.a.verdictOnOpen()
			}
			if n == nil {
				t.Fatalf("OPEN accepted; want NOTIFICATION 2/%d (%s)", tc.subcode, tc.whyThisSubode)
			}
			if n.code != 2 || n.subcode != tc.subcode || (tc.data != nil && !bytes.Equal(n.data, tc.data)) {
				t.Fatalf("NOTIFICATION %s; want 2/%d data=%x (%s)", n, tc.subcode, tc.data, tc.whyThisSubode)
			}
		})
	}
}
