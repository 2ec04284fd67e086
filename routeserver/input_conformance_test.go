package routeserver

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/routestore"
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
		// Data: the 2-octet version supported (GoBGP v3.37.0 sent none;
		// third_party/gobgp patch 8).
		{"version 3", func(o *openMsg) { o.version = 3 }, 1, []byte{0, 4}, "Unsupported Version Number, Data = 4"},
		{"version 5", func(o *openMsg) { o.version = 5 }, 1, []byte{0, 4}, "Unsupported Version Number, Data = 4"},
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

// RFC 4271 §4.1/§6.1: a Marker that is not all ones is a Message Header
// Error, Connection Not Synchronized (1/1), and the session closes.
// GoBGP v3.37.0 never read the Marker and installed the route;
// third_party/gobgp patch 3 checks it.
func TestInputConformsBadMarkerNotSynchronized(t *testing.T) {
	ib := establishedBench(t)
	p := netip.MustParsePrefix("45.10.1.0/24")
	ib.a.write(frame([16]byte{}, msgUpdate, updateBody(nil, validAttrs(), nlri(p))))
	n := ib.a.expectNotification(10 * time.Second)
	if n.code != 1 || n.subcode != 1 {
		t.Fatalf("NOTIFICATION %s; want 1/1 (Connection Not Synchronized, RFC 4271 §6.1)", n)
	}
	ib.sessionDown()
	if ib.received(p) || ib.propagated(p) {
		t.Fatalf("%s from the UPDATE with a zero Marker was installed", p)
	}
}

// RFC 4271 §6.3: syntactically incorrect NLRI (a /33 in IPv4) is an
// UPDATE Message Error with subcode Invalid Network Field (3/10); RFC 7606
// §5.3 keeps the session reset for it. GoBGP v3.37.0 sent 3/1 (Malformed
// Attribute List); third_party/gobgp patch 4 sends 3/10.
func TestInputConformsNLRIPrefixTooLongInvalidNetworkField(t *testing.T) {
	ib := establishedBench(t)
	bad := []byte{33, 45, 10, 4, 0, 0}
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, validAttrs(), bad)))
	n := ib.a.expectNotification(10 * time.Second)
	if n.code != 3 || n.subcode != 10 {
		t.Fatalf("NOTIFICATION %s; want 3/10 (Invalid Network Field, RFC 4271 §6.3)", n)
	}
	ib.sessionDown()
}

// RFC 4271 §6.2 (RFC 5492 §4 defines the Capabilities parameter): a
// recognised optional parameter that is malformed is an OPEN Message
// Error with subcode 0 (Unspecific). GoBGP v3.37.0 dropped the malformed
// capability (and any after it in the same parameter) and brought the
// session up; third_party/gobgp patch 5 refuses the OPEN.
func TestInputConformsMalformedOpenCapabilityRefused(t *testing.T) {
	good := []([]byte){capMP(1, 1), capAS4(wireASN), capability(2, nil)}
	cases := []struct {
		name   string
		params []byte
	}{
		// MP capability (RFC 4760 §8) is 4 octets; this one has AFI only.
		{"multiprotocol capability of 2 octets", capParam(append(good, capability(1, []byte{0, 2}))...)},
		// 4-octet AS capability (RFC 6793 §3) is 4 octets.
		{"4-octet AS capability of 2 octets", capParam(capMP(1, 1), capability(2, nil), capability(65, []byte{0x52, 0x09}))},
		// A capability whose length runs past its parameter.
		{"capability longer than its parameter", append(capParam(good...), 2, 4, 250, 10, 0, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ib := newInputBench(t)
			o := defaultOpen()
			o.params = tc.params
			_, n := ib.openSender(o)
			if n == nil {
				n = ib.a.verdictOnOpen()
			}
			if n == nil || n.code != 2 || n.subcode != 0 {
				t.Fatalf("got %v; want NOTIFICATION 2/0 (malformed optional parameter, RFC 4271 §6.2)", n)
			}
		})
	}
}

// RFC 6793 §6: a malformed AS4_PATH is discarded and the UPDATE processed
// without it ("attribute discard"; RFC 7606 §7.7 defers to RFC 6793).
// GoBGP v3.37.0 treated it as withdraw and the route disappeared;
// third_party/gobgp patch 6 discards the attribute and keeps the route.
func TestInputConformsMalformedAS4PathDiscarded(t *testing.T) {
	ib := establishedBench(t)
	p := netip.MustParsePrefix("45.10.5.0/24")
	ib.announceValid(p)
	// Segment length 3 with one ASN: inconsistent with the attribute length.
	as4 := attr(flagOptTrans, 17, []byte{2, 3, 0, 0, 0x52, 0x09})
	// The re-announcement prepends once, so its arrival is visible.
	attrs := [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN, wireASN)), attrNextHop(wireAddr(wireSender)), as4}
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, attrs, nlri(p))))
	waitFor(t, 10*time.Second, p.String()+" re-announced with AS_PATH 21001 21001", func() bool {
		e, ok := ib.rs.Store().Get("a", routestore.Key{Prefix: p})
		return ok && e.Verdict.Accepted() && e.Route.ASPath.Len() == 2
	})
	if !ib.propagated(p) {
		t.Fatalf("%s no longer propagated", p)
	}
	ib.a.expectNoNotification(time.Second)
}

// RFC 6793 §6: AS4_PATH MUST NOT be carried between 4-octet-AS speakers,
// and one received from such a speaker MUST be discarded, the UPDATE
// processed. GoBGP v3.37.0 merged it into the AS_PATH (21001 21007 with
// AS4_PATH 21005 became 21001 21005); third_party/gobgp patch 7 discards
// it. From a 2-octet-AS speaker the merge is what RFC 6793 §4.2.3 asks.
func TestInputConformsAS4PathFromFourOctetPeerDiscarded(t *testing.T) {
	ib := establishedBench(t)
	p := netip.MustParsePrefix("45.10.9.0/24")
	as4 := attr(flagOptTrans, 17, asSeq4(21005))
	attrs := [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN, 21007)), attrNextHop(wireAddr(wireSender)), as4}
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, attrs, nlri(p))))
	waitFor(t, 10*time.Second, p.String()+" received", func() bool { return ib.received(p) })
	e, _ := ib.rs.Store().Get("a", routestore.Key{Prefix: p})
	if got := e.Route.ASPath.String(); got != "21001 21007" {
		t.Fatalf("AS path %q, want \"21001 21007\" (AS4_PATH discarded)", got)
	}
	ib.a.expectNoNotification(500 * time.Millisecond)
}

func TestInputConformsAS4PathFromTwoOctetPeerMerged(t *testing.T) {
	ib := newInputBench(t)
	o := defaultOpen()
	o.params = capParam(capMP(1, 1), capability(2, nil)) // no 4-octet AS capability
	if _, n := ib.openSender(o); n != nil {
		t.Fatalf("2-octet-AS OPEN refused: %s", n)
	}
	ib.a.establish()
	waitState(t, ib.rs, "a", "ESTABLISHED")
	p := netip.MustParsePrefix("45.10.9.0/24")
	// AS_PATH 21001 23456 (AS_TRANS), AS4_PATH 196613
	attrs := [][]byte{attrOrigin(0), attr(flagWellKnown, 2, []byte{2, 2, 0x52, 0x09, 0x5b, 0xa0}),
		attrNextHop(wireAddr(wireSender)), attr(flagOptTrans, 17, asSeq4(196613))}
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, attrs, nlri(p))))
	waitFor(t, 10*time.Second, p.String()+" received", func() bool { return ib.received(p) })
	e, _ := ib.rs.Store().Get("a", routestore.Key{Prefix: p})
	if got := e.Route.ASPath.String(); got != "21001 196613" {
		t.Fatalf("AS path %q, want \"21001 196613\" (RFC 6793 §4.2.3)", got)
	}
}

// RFC 4760 §7: an MP_REACH_NLRI the speaker finds incorrect (here: an
// AFI/SAFI that was not negotiated) means deleting that AFI/SAFI's routes
// and ignoring it for the session, or a reset with UPDATE Message Error /
// Optional Attribute Error (3/9). GoBGP resets; v3.37.0 did so with 0/0
// (error code 0 is not defined, RFC 4271 §4.5), third_party/gobgp patch 9
// sends 3/9. rsguard names the reason in the peer's last error
// (onFamilyViolation, from GoBGP's log).
func TestInputConformsUnnegotiatedFamilyResetWith39(t *testing.T) {
	ib := newInputBench(t)
	o := defaultOpen()
	o.params = capParam(capMP(1, 1), capAS4(wireASN), capability(2, nil)) // IPv4 unicast only
	if _, n := ib.openSender(o); n != nil {
		t.Fatalf("correct OPEN refused: %s", n)
	}
	ib.a.establish()
	waitState(t, ib.rs, "a", "ESTABLISHED")

	p := netip.MustParsePrefix("2a0a:4580:10::/48")
	attrs := [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN)), attrMPReachV6("2a0a:4580::2", p)}
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, attrs, nil)))
	n := ib.a.expectNotification(10 * time.Second)
	if n.code != 3 || n.subcode != 9 {
		t.Fatalf("NOTIFICATION %s; want 3/9 (Optional Attribute Error, RFC 4760 §7)", n)
	}
	waitFor(t, 10*time.Second, "peer a's last error to name the family reset", func() bool {
		for _, p := range ib.rs.Peers() {
			if p.Name == "a" {
				return strings.HasPrefix(p.LastError, familyResetPrefix) && strings.Contains(p.LastError, "invalid_afi")
			}
		}
		return false
	})
}
