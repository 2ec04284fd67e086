package routeserver

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// RFC 4271 §6.1 with RFC 8654 §4: the route server does not advertise the
// Extended Message capability, so a message longer than 4096 octets is a
// Message Header Error, Bad Message Length (1/2), whose Data is the
// erroneous Length; the session closes and nothing of the message is
// installed or propagated. GoBGP v3.37.0 processed such messages (and
// crashed on some); third_party/gobgp patch 1 enforces the limit. The
// cases are the three ways the doc's rows 2–4 reached the route server.
func TestInputConformsOversizeMessageBadMessageLength(t *testing.T) {
	v4 := netip.MustParsePrefix("45.10.2.0/24")
	many := []netip.Prefix{v4}
	for i := 0; i < 1000; i++ {
		many = append(many, netip.PrefixFrom(netip.AddrFrom4([4]byte{45, 10, byte(100 + i/250), byte(i % 250)}), 32))
	}
	v6 := netip.MustParsePrefix("2a0a:4580:10::/48")
	cases := []struct {
		name  string
		watch netip.Prefix
		msg   []byte
	}{
		{"IPv4: 1,001 prefixes of NLRI", v4,
			frame(allOnes, msgUpdate, updateBody(nil, validAttrs(), nlri(many...)))},
		{"IPv4: 1,238 communities", netip.MustParsePrefix("45.10.6.0/24"),
			frame(allOnes, msgUpdate, updateBody(nil, append(validAttrs(), attrCommunities(1238)), nlri(netip.MustParsePrefix("45.10.6.0/24"))))},
		{"IPv6: 1,238 communities", v6,
			frame(allOnes, msgUpdate, updateBody(nil, [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN)), attrCommunities(1238), attrMPReachV6("2a0a:4580::2", v6)}, nil))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.msg) < 5000 {
				t.Fatalf("test message is %d bytes, want >= 5000", len(tc.msg))
			}
			ib := establishedBench(t)
			ib.a.write(tc.msg)
			n := ib.a.expectNotification(10 * time.Second)
			want := binary.BigEndian.AppendUint16(nil, uint16(len(tc.msg)))
			if n.code != 1 || n.subcode != 2 || string(n.data) != string(want) {
				t.Fatalf("NOTIFICATION %s; want 1/2 data=%x (Bad Message Length, RFC 4271 §6.1)", n, want)
			}
			ib.sessionDown()
			if ib.received(tc.watch) || ib.propagated(tc.watch) {
				t.Fatalf("%s from the oversize UPDATE was installed", tc.watch)
			}
			waitState(t, ib.rs, "b", "ESTABLISHED")
		})
	}
}

// The largest message without Extended Message, 4096 octets, is accepted.
// The limit is 4096 only because the route server does not advertise
// Extended Message (capability 6): if it ever does, this test must change.
func TestInputConformsMaximumMessageAccepted(t *testing.T) {
	ib := newInputBench(t)
	rsOpen, n := ib.openSender(defaultOpen())
	if n != nil {
		t.Fatalf("correct OPEN refused: %s", n)
	}
	if bytes.IndexByte(capabilityCodes(rsOpen), 6) >= 0 {
		t.Fatal("the route server now advertises Extended Message (RFC 8654): the 4096-octet limit no longer applies")
	}
	ib.a.establish()
	waitState(t, ib.rs, "a", "ESTABLISHED")
	p := netip.MustParsePrefix("45.10.7.0/24")
	msg := paddedUpdate(4096, validAttrs(), p)
	ib.a.write(msg)
	ib.waitPropagated(p)
	ib.a.expectNoNotification(time.Second)
}

// paddedUpdate is an UPDATE for p of exactly size octets: attrs plus a
// COMMUNITIES attribute (AS21001:i) that fills the rest in steps of 4,
// and, for the remaining 1–3 octets, the withdrawal of a prefix never
// announced (a /32 is 5 octets, a /8 2, a /16 3).
func paddedUpdate(size int, attrs [][]byte, p netip.Prefix) []byte {
	bare := len(frame(allOnes, msgUpdate, updateBody(nil, attrs, nlri(p))))
	rest := size - bare - 4 // the communities' extended-length header
	withdrawn := [][]byte{nil,
		nlri(netip.MustParsePrefix("45.10.250.1/32")),
		nlri(netip.MustParsePrefix("45.0.0.0/8")),
		nlri(netip.MustParsePrefix("45.10.0.0/16"))}[rest%4]
	rest -= len(withdrawn)
	msg := frame(allOnes, msgUpdate, updateBody(withdrawn, append(attrs, attrCommunities(rest/4)), nlri(p)))
	if len(msg) != size || rest < 256 {
		panic(fmt.Sprintf("paddedUpdate: %d octets, want %d", len(msg), size))
	}
	return msg
}

// Attributes can grow on the way out: a 2-octet-AS peer's AS_PATH is kept
// with 4-octet ASNs (RFC 6793 §4.2.2) and sent so to 4-octet clients, 2
// octets more per ASN. From a 4,096-octet UPDATE with 30 ASNs the route
// server would have to send about 4,150 octets, which a client without
// Extended Message cannot take: RFC 4271 §9.2 / RFC 8654 §4, the route is
// not sent to it. The route server must survive (GoBGP's packer panicked
// on attributes that leave no room for NLRI, third_party/gobgp patch 2)
// and keep sending everything else.
func TestInputConformsGrownRouteNotSent(t *testing.T) {
	rs, a, b := grownBench(t)
	big, small := netip.MustParsePrefix("45.10.6.0/24"), netip.MustParsePrefix("45.10.8.0/24")
	a.write(paddedUpdate(4096, twoOctetAttrs(30), big))
	waitFor(t, 10*time.Second, big.String()+" accepted", func() bool {
		e, ok := rs.Store().Get("a", routestoreKey(big))
		return ok && e.Verdict.Accepted()
	})
	// A small route after it: once the watcher has that, the big one,
	// sent first, would have arrived before it.
	a.write(frame(allOnes, msgUpdate, updateBody(nil, twoOctetAttrs(1), nlri(small))))
	got := watchUntil(t, b, small)
	if slices.Contains(got, big) {
		t.Fatalf("the watcher got %s in an UPDATE over 4096 octets", big)
	}
	a.expectNoNotification(500 * time.Millisecond)
	waitState(t, rs, "a", "ESTABLISHED")
	waitState(t, rs, "b", "ESTABLISHED")
}

// Routes whose widened attributes still fit are all sent, in as many
// messages as it takes. GoBGP v3.37.0 sized messages by the AS_PATH
// length as received (2-octet ASNs): when a client's session comes up and
// it is sent the table in one batch, 14 of these /24s went into one
// message of 4,139 octets that Serialize refused, and none was sent
// (third_party/gobgp patch 2 sizes by the serialised attributes).
func TestInputConformsGrownRoutesAllSent(t *testing.T) {
	rs := startRS(t, wireConfig(), nil)
	a := dialTwoOctetSender(t, rs)
	attrs := append(twoOctetAttrs(30), attrCommunities(980)) // 4,000 octets, 4,060 widened
	var prefixes []netip.Prefix
	for i := 0; i < 14; i++ {
		prefixes = append(prefixes, netip.PrefixFrom(netip.AddrFrom4([4]byte{45, 10, byte(30 + i), 0}), 24))
	}
	msg := frame(allOnes, msgUpdate, updateBody(nil, attrs, nlri(prefixes...)))
	if len(msg) > 4096 {
		t.Fatalf("test message is %d octets", len(msg))
	}
	a.write(msg)
	small := netip.MustParsePrefix("45.10.8.0/24")
	a.write(frame(allOnes, msgUpdate, updateBody(nil, twoOctetAttrs(1), nlri(small))))
	waitFor(t, 10*time.Second, "the 15 routes accepted", func() bool {
		for _, p := range append(prefixes, small) {
			if e, ok := rs.Store().Get("a", routestoreKey(p)); !ok || !e.Verdict.Accepted() {
				return false
			}
		}
		return true
	})
	b := dialWatcher(t, rs) // gets the table in one batch, in no set order
	watchUntil(t, b, append(prefixes, small)...)
	a.expectNoNotification(500 * time.Millisecond)
	waitState(t, rs, "b", "ESTABLISHED")
}

// grownBench: the route server, a 4-octet-AS watcher b and a 2-octet-AS
// sender a, both byte-level.
func grownBench(t *testing.T) (rs *Server, a, b *wirePeer) {
	t.Helper()
	rs = startRS(t, wireConfig(), nil)
	b = dialWatcher(t, rs)
	return rs, dialTwoOctetSender(t, rs), b
}

// dialWatcher establishes b, a 4-octet-AS client, byte-level.
func dialWatcher(t *testing.T, rs *Server) *wirePeer {
	t.Helper()
	o := defaultOpen()
	o.myAS, o.id = 21002, netip.MustParseAddr(wireAddr(wireWatcher))
	o.params = capParam(capMP(1, 1), capAS4(21002))
	b, _, n := dialOpen(t, wireAddr(wireWatcher), o)
	if n != nil {
		t.Fatalf("watcher's OPEN refused: %s", n)
	}
	b.establish()
	waitState(t, rs, "b", "ESTABLISHED")
	return b
}

// dialTwoOctetSender establishes a without the 4-octet AS capability.
func dialTwoOctetSender(t *testing.T, rs *Server) *wirePeer {
	t.Helper()
	o := defaultOpen()
	o.params = capParam(capMP(1, 1), capability(2, nil))
	a, _, n := dialOpen(t, wireAddr(wireSender), o)
	if n != nil {
		t.Fatalf("2-octet-AS sender's OPEN refused: %s", n)
	}
	a.establish()
	waitState(t, rs, "a", "ESTABLISHED")
	return a
}

// twoOctetAttrs: ORIGIN, an AS_PATH of n × AS21001 in 2-octet encoding,
// NEXT_HOP.
func twoOctetAttrs(n int) [][]byte {
	path := []byte{2, byte(n)}
	for i := 0; i < n; i++ {
		path = binary.BigEndian.AppendUint16(path, wireASN)
	}
	return [][]byte{attrOrigin(0), attr(flagWellKnown, 2, path), attrNextHop(wireAddr(wireSender))}
}

// watchUntil collects the IPv4 NLRI the watcher receives until it has
// every prefix of want.
func watchUntil(t *testing.T, b *wirePeer, want ...netip.Prefix) []netip.Prefix {
	t.Helper()
	var got []netip.Prefix
	missing := func() []netip.Prefix {
		var m []netip.Prefix
		for _, p := range want {
			if !slices.Contains(got, p) {
				m = append(m, p)
			}
		}
		return m
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && len(missing()) > 0 {
		m, ok := b.next(time.Until(deadline))
		if !ok {
			break
		}
		if m.typ == msgUpdate {
			got = append(got, updateNLRI(t, m.body)...)
		}
	}
	if m := missing(); len(m) > 0 {
		t.Fatalf("the watcher never got %v (got %v)", m, got)
	}
	return got
}

// updateNLRI decodes the IPv4 NLRI field of an UPDATE body (RFC 4271 §4.3).
func updateNLRI(t testing.TB, body []byte) []netip.Prefix {
	t.Helper()
	if len(body) < 4 {
		t.Fatalf("UPDATE body of %d bytes", len(body))
	}
	wl := int(binary.BigEndian.Uint16(body))
	rest := body[2+wl:]
	n := rest[2+int(binary.BigEndian.Uint16(rest)):]
	var out []netip.Prefix
	for len(n) > 0 {
		bits := int(n[0])
		var a [4]byte
		copy(a[:], n[1:1+(bits+7)/8])
		out = append(out, netip.PrefixFrom(netip.AddrFrom4(a), bits))
		n = n[1+(bits+7)/8:]
	}
	return out
}
