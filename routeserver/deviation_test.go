package routeserver

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// The TestDeviation* tests pin what GoBGP v3.37.0 does today with input
// that the RFCs say must be handled otherwise; docs/bgp-input-deviations.md
// lists each with its RFC section. They assert the CURRENT (deviating)
// behaviour on purpose: when a GoBGP upgrade fixes one, its test fails,
// and the doc row must move to "conforming" and the test be inverted.
// None of them can be corrected from outside GoBGP: the route server only
// sees decoded messages, after GoBGP has acted on them.

// RFC 4271 §4.1/§6.1: a Marker that is not all ones is a Message Header
// Error, Connection Not Synchronized (1/1). GoBGP's BGPHeader.DecodeFromBytes
// never reads the marker, so the route is accepted and propagated.
func TestDeviationAllZeroMarkerAccepted(t *testing.T) {
	ib := establishedBench(t)
	p := netip.MustParsePrefix("45.10.1.0/24")
	ib.a.write(frame([16]byte{}, msgUpdate, updateBody(nil, validAttrs(), nlri(p))))
	ib.waitPropagated(p)
	ib.a.expectNoNotification(time.Second)
}

// RFC 8654 §4 with RFC 4271 §6.1: a message longer than 4096 octets from a
// peer that did not negotiate the Extended Message capability (code 6) is a
// Bad Message Length (1/2). GoBGP does not advertise the capability, and
// fsmHandler.recvMessageWithError reads whatever the header's Length says
// (BGPHeader.DecodeFromBytes checks only Length >= 19). The size here is
// NLRI (1,000 /32s the filters reject, and one /24 they accept), so the
// accepted route's attributes stay small; large attributes crash GoBGP,
// see TestDeviationOversizeAttributesCrashRouteServer.
func TestDeviationOversizeUpdateAccepted(t *testing.T) {
	ib := newInputBench(t)
	rsOpen, n := ib.openSender(defaultOpen())
	if n != nil {
		t.Fatalf("correct OPEN refused: %s", n)
	}
	if bytes.IndexByte(capabilityCodes(rsOpen), 6) >= 0 {
		t.Fatal("the route server now advertises Extended Message (RFC 8654): re-check this row of docs/bgp-input-deviations.md")
	}
	ib.a.establish()
	waitState(t, ib.rs, "a", "ESTABLISHED")

	p := netip.MustParsePrefix("45.10.2.0/24")
	prefixes := []netip.Prefix{p}
	for i := 0; i < 1000; i++ {
		prefixes = append(prefixes, netip.PrefixFrom(netip.AddrFrom4([4]byte{45, 10, byte(100 + i/250), byte(i % 250)}), 32))
	}
	msg := frame(allOnes, msgUpdate, updateBody(nil, validAttrs(), nlri(prefixes...)))
	if len(msg) < 5000 {
		t.Fatalf("test message is %d bytes, want >= 5000", len(msg))
	}
	ib.a.write(msg)
	ib.waitPropagated(p)
	waitFor(t, 10*time.Second, "all 1,001 routes of the oversize UPDATE received", func() bool {
		return ib.rs.Store().Counts("a").Received == len(prefixes)
	})
	ib.a.expectNoNotification(time.Second)
}

// RFC 4271 §6.2 (RFC 5492 §4 defines the Capabilities parameter): a
// recognised optional parameter that is malformed is an OPEN Message Error
// with subcode 0 (Unspecific). BGPOpen.DecodeFromBytes ignores the error of
// OptionParameterCapability.DecodeFromBytes: the malformed capability (and
// any after it in the same parameter) is dropped and the session comes up.
func TestDeviationMalformedOpenCapabilityAccepted(t *testing.T) {
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
			if _, n := ib.openSender(o); n != nil {
				t.Fatalf("GoBGP now refuses the malformed capability with %s (RFC: 2/0): update docs/bgp-input-deviations.md", n)
			}
			ib.a.establish()
			waitState(t, ib.rs, "a", "ESTABLISHED")
			// and routes flow: the session is fully usable
			ib.announceValid(netip.MustParsePrefix("45.10.3.0/24"))
		})
	}
}

// RFC 4760 §7: an MP_REACH_NLRI the speaker finds incorrect (here: an
// AFI/SAFI that was not negotiated) means deleting that AFI/SAFI's routes
// and ignoring it for the session, or at most a reset with UPDATE Message
// Error / Optional Attribute Error (3/9). Error code 0 is not defined
// (RFC 4271 §4.5). ValidateAttribute returns NewMessageError(0, 0, ...)
// for a family missing from the negotiated rfMap, and the session is reset
// with NOTIFICATION 0/0.
func TestDeviationUnnegotiatedFamilyResetsWith00(t *testing.T) {
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
	if n.code != 0 || n.subcode != 0 {
		t.Fatalf("NOTIFICATION %s, GoBGP v3.37.0 sends 0/0: update docs/bgp-input-deviations.md", n)
	}
	// What rsguard can do: say why (onFamilyViolation, from GoBGP's log).
	waitFor(t, 10*time.Second, "peer a's last error to name the family reset", func() bool {
		for _, p := range ib.rs.Peers() {
			if p.Name == "a" {
				return strings.HasPrefix(p.LastError, familyResetPrefix) && strings.Contains(p.LastError, "invalid_afi")
			}
		}
		return false
	})
}

// RFC 4271 §6.3: syntactically incorrect NLRI (a /33 in IPv4) is an UPDATE
// Message Error with subcode Invalid Network Field (3/10); RFC 7606 §5.3
// keeps the session reset for it. IPAddrPrefixDefault.decodePrefix returns
// subcode Malformed Attribute List (3/1) instead.
func TestDeviationNLRIPrefixTooLongSubcode1(t *testing.T) {
	ib := establishedBench(t)
	bad := []byte{33, 45, 10, 4, 0, 0}
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, validAttrs(), bad)))
	n := ib.a.expectNotification(10 * time.Second)
	if n.code != 3 || n.subcode != 1 {
		t.Fatalf("NOTIFICATION %s, GoBGP v3.37.0 sends 3/1: update docs/bgp-input-deviations.md", n)
	}
}

// RFC 6793 §6: a malformed AS4_PATH is discarded and the UPDATE processed
// without it ("attribute discard"; RFC 7606 leaves AS4_PATH to RFC 6793).
// GoBGP's getErrorHandlingFromPathAttribute maps AS4_PATH to
// treat-as-withdraw, so the route is withdrawn.
func TestDeviationMalformedAS4PathWithdrawsRoute(t *testing.T) {
	ib := establishedBench(t)
	p := netip.MustParsePrefix("45.10.5.0/24")
	ib.announceValid(p)
	// Segment length 3 with one ASN: inconsistent with the attribute length.
	as4 := attr(flagOptTrans, 17, []byte{2, 3, 0, 0, 0x52, 0x09})
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, append(validAttrs(), as4), nlri(p))))
	waitFor(t, 10*time.Second, p.String()+" withdrawn (GoBGP v3.37.0 treats a malformed AS4_PATH as withdraw)", func() bool {
		return !ib.received(p) && !ib.propagated(p)
	})
	ib.a.expectNoNotification(time.Second)
}

const crashChildEnv = "RSGUARD_DEVIATION_CRASH_CHILD"

// A route whose attributes are longer than fit in a 4096-octet UPDATE
// (possible only because GoBGP accepts the oversize UPDATE above) crashes
// the whole process when GoBGP packs it for another client: packerV4.pack
// computes a negative NLRI count and make() panics in a goroutine nobody
// can recover. RFC 8654 §4 would have refused the input (1/2), and says an
// onward message that does not fit is not sent (RFC 4271 §9.2). One client
// takes every session of the route server down. The scenario runs in a child process (this test
// binary re-executed) because the panic ends the process.
func TestDeviationOversizeAttributesCrashRouteServer(t *testing.T) {
	if os.Getenv(crashChildEnv) == "1" {
		oversizeAttributesChild(t)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDeviationOversizeAttributesCrashRouteServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("the route server survived a route with a 4,956-byte COMMUNITIES attribute: GoBGP changed, update docs/bgp-input-deviations.md")
	}
	if !bytes.Contains(out, []byte("makeslice: cap out of range")) || !bytes.Contains(out, []byte("packerV4")) {
		t.Fatalf("child failed, but not with GoBGP's packer panic (%v):\n%s", err, tail(out, 3000))
	}
}

// oversizeAttributesChild announces a route padded with 1,238 standard
// communities (AS21001:n): a 5,003-byte UPDATE the filters accept.
func oversizeAttributesChild(t *testing.T) {
	ib := establishedBench(t)
	p := netip.MustParsePrefix("45.10.6.0/24")
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, append(validAttrs(), attrCommunities(1238)), nlri(p))))
	// Survival means propagation to "b" finishes and this child exits 0.
	ib.waitPropagated(p)
	time.Sleep(time.Second)
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// RFC 4271 §6.2: the NOTIFICATION for an unsupported version carries, as
// Data, the 2-octet version the speaker supports (here 4, for a bid of 3
// or 5), so the peer can retry. ValidateOpenMsg sends 2/1 with no Data.
func TestDeviationUnsupportedVersionWithoutData(t *testing.T) {
	for _, version := range []byte{3, 5} {
		t.Run(fmt.Sprintf("version %d", version), func(t *testing.T) {
			ib := newInputBench(t)
			o := defaultOpen()
			o.version = version
			_, n := ib.openSender(o)
			if n == nil {
				n = ib.a.verdictOnOpen()
			}
			if n == nil || n.code != 2 || n.subcode != 1 || len(n.data) != 0 {
				t.Fatalf("got %v; GoBGP v3.37.0 sends 2/1 without Data: update docs/bgp-input-deviations.md", n)
			}
		})
	}
}

// The IPv6 twin of the crash: an IPv6 route with a 4,956-byte COMMUNITIES
// attribute (accepted, see TestDeviationOversizeUpdateAccepted) is not packed by
// packerV4 but built as one MP_REACH message per path
// (createMPReachMessage); BGPMessage.Serialize refuses it ("too long
// message length") and fsmHandler.sendMessageloop drops it with a warning.
// The route server's store says "accepted", yet no client ever gets the
// route. Not sending is what RFC 8654 §4 asks for a client without
// Extended Message; accepting the input that leads here is the deviation.
func TestDeviationOversizeIPv6RouteAcceptedNotSent(t *testing.T) {
	rs := startRS(t, wireConfig(), nil)
	bOpen := defaultOpen()
	bOpen.myAS, bOpen.id = 21002, netip.MustParseAddr(wireAddr(wireWatcher))
	bOpen.params = capParam(capMP(1, 1), capMP(2, 1), capAS4(21002))
	b, _, n := dialOpen(t, wireAddr(wireWatcher), bOpen)
	if n != nil {
		t.Fatalf("watcher's OPEN refused: %s", n)
	}
	b.establish()
	waitState(t, rs, "b", "ESTABLISHED")
	a, _, n := dialOpen(t, wireAddr(wireSender), defaultOpen())
	if n != nil {
		t.Fatalf("sender's OPEN refused: %s", n)
	}
	a.establish()
	waitState(t, rs, "a", "ESTABLISHED")

	big := netip.MustParsePrefix("2a0a:4580:10::/48")
	small := netip.MustParsePrefix("2a0a:4580:11::/48")
	attrs := [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN)), attrCommunities(1238), attrMPReachV6("2a0a:4580::2", big)}
	msg := frame(allOnes, msgUpdate, updateBody(nil, attrs, nil))
	if len(msg) < 5000 {
		t.Fatalf("test message is %d bytes, want >= 5000", len(msg))
	}
	a.write(msg)
	// A small route after it: once the watcher has that, the big one,
	// sent first, would have arrived before it.
	a.write(frame(allOnes, msgUpdate, updateBody(nil,
		[][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN)), attrMPReachV6("2a0a:4580::2", small)}, nil)))
	var got []netip.Prefix
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !slices.Contains(got, small) {
		m, ok := b.next(time.Until(deadline))
		if !ok {
			t.Fatal("watcher's session closed")
		}
		if m.typ == msgUpdate {
			got = append(got, mpReachPrefixes(t, m.body)...)
		}
	}
	if !slices.Contains(got, small) {
		t.Fatalf("the watcher never got %s", small)
	}
	if slices.Contains(got, big) {
		t.Fatalf("the watcher got %s: GoBGP changed, update docs/bgp-input-deviations.md", big)
	}
	waitFor(t, 10*time.Second, big.String()+" accepted in the store", func() bool {
		e, ok := rs.Store().Get("a", routestoreKey(big))
		return ok && e.Verdict.Accepted()
	})
}
