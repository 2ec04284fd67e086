package routeserver

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// This file is a byte-level BGP speaker for the input-handling tests
// (deviation_test.go, input_conformance_test.go). RawPeer builds its
// messages with GoBGP's serialiser, which can only produce well-formed
// ones; these helpers write every byte by hand — marker, length, OPEN
// fields, capability and attribute lengths — so a test can send exactly
// the malformed input it is about.

// Addresses of the input tests: 127.10.10.0/24 (this branch's octet).
func wireAddr(host byte) string { return fmt.Sprintf("127.10.10.%d", host) }

const (
	wireRS      = 1 // the route server
	wireSender  = 2 // peer "a", AS21001, sends the raw input
	wireWatcher = 3 // peer "b", AS21002, a well-behaved client that shows propagation
	wireASN     = 21001
)

// wireConfig: one sender allowed 45.10.0.0/16 and 2a0a:4580:10::/44 (IPv6
// next hop 2a0a:4580::2), and one watcher; both sessions carry both families.
func wireConfig() string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "S"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
ipv6_address = "2a0a:4580::2"
families = ["ipv4", "ipv6"]
prefixes = ["45.10.0.0/16{16,24}", "2a0a:4580:10::/44{44,48}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
families = ["ipv4", "ipv6"]
prefixes = ["45.11.0.0/16{16,24}"]
`, wireAddr(wireRS), wireAddr(wireSender), wireAddr(wireWatcher))
}

var allOnes = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// BGP message types and the codes the tests assert (RFC 4271 §4, §4.5).
const (
	msgOpen         = 1
	msgUpdate       = 2
	msgNotification = 3
	msgKeepalive    = 4
)

// frame builds one BGP message: marker, Length = 19 + len(body), type.
func frame(marker [16]byte, typ byte, body []byte) []byte {
	b := make([]byte, 19, 19+len(body))
	copy(b, marker[:])
	binary.BigEndian.PutUint16(b[16:18], uint16(19+len(body)))
	b[18] = typ
	return append(b, body...)
}

// openMsg is an OPEN's fields; params are the optional parameters, raw.
type openMsg struct {
	version  byte
	myAS     uint16
	holdTime uint16
	id       netip.Addr
	params   []byte
}

func (o openMsg) body() []byte {
	b := []byte{o.version, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(b[1:3], o.myAS)
	binary.BigEndian.PutUint16(b[3:5], o.holdTime)
	id := o.id.As4()
	b = append(b, id[:]...)
	b = append(b, byte(len(o.params)))
	return append(b, o.params...)
}

// defaultOpen is what a correct AS21001 speaker sends: version 4, hold
// 90 s, capabilities MP IPv4+IPv6 unicast, 4-octet AS, route refresh.
func defaultOpen() openMsg {
	return openMsg{version: 4, myAS: wireASN, holdTime: 90, id: netip.MustParseAddr(wireAddr(wireSender)),
		params: capParam(capMP(1, 1), capMP(2, 1), capAS4(wireASN), capability(2, nil))}
}

// capParam wraps capabilities in one optional parameter of type 2 (RFC 5492 §4).
func capParam(caps ...[]byte) []byte {
	var v []byte
	for _, c := range caps {
		v = append(v, c...)
	}
	return append([]byte{2, byte(len(v))}, v...)
}

func capability(code byte, value []byte) []byte {
	return append([]byte{code, byte(len(value))}, value...)
}

func capMP(afi uint16, safi byte) []byte {
	return capability(1, []byte{byte(afi >> 8), byte(afi), 0, safi})
}

func capAS4(asn uint32) []byte {
	return capability(65, binary.BigEndian.AppendUint32(nil, asn))
}

// attr encodes one path attribute; lengths over 255 use Extended Length.
func attr(flags, typ byte, value []byte) []byte {
	if len(value) > 255 {
		b := []byte{flags | 0x10, typ, 0, 0}
		binary.BigEndian.PutUint16(b[2:], uint16(len(value)))
		return append(b, value...)
	}
	return append([]byte{flags &^ 0x10, typ, byte(len(value))}, value...)
}

const (
	flagWellKnown   = 0x40 // transitive
	flagOptTrans    = 0xc0
	flagOptNonTrans = 0x80
)

func attrOrigin(v byte) []byte { return attr(flagWellKnown, 1, []byte{v}) }

// asSeq4 is an AS_SEQUENCE segment with 4-octet ASNs.
func asSeq4(asns ...uint32) []byte {
	b := []byte{2, byte(len(asns))}
	for _, a := range asns {
		b = binary.BigEndian.AppendUint32(b, a)
	}
	return b
}

func attrASPath(segs ...[]byte) []byte {
	var v []byte
	for _, s := range segs {
		v = append(v, s...)
	}
	return attr(flagWellKnown, 2, v)
}

func attrNextHop(a string) []byte {
	ip := netip.MustParseAddr(a).As4()
	return attr(flagWellKnown, 3, ip[:])
}

// attrMPReachV6 is an MP_REACH_NLRI for IPv6 unicast (RFC 4760 §3).
func attrMPReachV6(nextHop string, prefixes ...netip.Prefix) []byte {
	nh := netip.MustParseAddr(nextHop).As16()
	v := append([]byte{0, 2, 1, 16}, nh[:]...) // AFI 2, SAFI 1, next hop length 16
	v = append(v, 0)                           // reserved
	return attr(flagOptNonTrans, 14, append(v, nlri(prefixes...)...))
}

// attrCommunities pads a route with n standard communities AS21001:i.
func attrCommunities(n int) []byte {
	var v []byte
	for i := 0; i < n; i++ {
		v = binary.BigEndian.AppendUint32(v, wireASN<<16|uint32(i))
	}
	return attr(flagOptTrans, 8, v)
}

// nlri encodes prefixes as (length, significant octets), RFC 4271 §4.3.
func nlri(prefixes ...netip.Prefix) []byte {
	var b []byte
	for _, p := range prefixes {
		b = append(b, byte(p.Bits()))
		b = append(b, p.Addr().AsSlice()[:(p.Bits()+7)/8]...)
	}
	return b
}

// updateBody: withdrawn routes, path attributes and NLRI, each as given.
func updateBody(withdrawn []byte, attrs [][]byte, reach []byte) []byte {
	var a []byte
	for _, x := range attrs {
		a = append(a, x...)
	}
	b := binary.BigEndian.AppendUint16(nil, uint16(len(withdrawn)))
	b = append(b, withdrawn...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(a)))
	b = append(b, a...)
	return append(b, reach...)
}

// validAttrs: what a correct AS21001 speaker sends with an IPv4 route.
func validAttrs() [][]byte {
	return [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN)), attrNextHop(wireAddr(wireSender))}
}

// wireMsg is one message read from the route server.
type wireMsg struct {
	typ  byte
	body []byte
}

// notification is a received NOTIFICATION (RFC 4271 §4.5).
type notification struct {
	code, subcode byte
	data          []byte
}

func (n notification) String() string { return fmt.Sprintf("%d/%d data=%x", n.code, n.subcode, n.data) }

// wirePeer is one TCP connection to the route server with a reader that
// keeps every message it gets, so a test can wait for a NOTIFICATION.
type wirePeer struct {
	t    testing.TB
	conn net.Conn
	msgs chan wireMsg
}

// wireRSFor is the route server's address in local's /24 (host wireRS):
// tests of other branches use their own /24 with the same layout.
func wireRSFor(local string) string {
	return local[:strings.LastIndexByte(local, '.')+1] + fmt.Sprint(wireRS)
}

// dialWire connects from local to the route server; no BGP yet.
func dialWire(t testing.TB, local string) *wirePeer {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	var conn net.Conn
	var err error
	for i := 0; i < 40; i++ {
		conn, err = d.Dial("tcp", net.JoinHostPort(wireRSFor(local), "179"))
		if err == nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dial route server from %s: %v", local, err)
	}
	w := &wirePeer{t: t, conn: conn, msgs: make(chan wireMsg, 64)}
	t.Cleanup(func() { conn.Close() })
	go w.readLoop()
	return w
}

// dialOpen connects and sends the OPEN, returning the route server's OPEN
// or its NOTIFICATION. GoBGP accepts and at once closes connections from a
// peer whose FSM is still Idle just after start, so a connection closed
// before any answer is retried.
func dialOpen(t testing.TB, local string, o openMsg) (w *wirePeer, peerOpen []byte, n *notification) {
	t.Helper()
	for i := 0; i < 40; i++ {
		w = dialWire(t, local)
		peerOpen, n, closed := w.tryOpen(o)
		if !closed {
			return w, peerOpen, n
		}
		w.conn.Close()
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("route server closed every connection from %s before answering the OPEN", local)
	return nil, nil, nil
}

func (w *wirePeer) readLoop() {
	defer close(w.msgs)
	for {
		hdr := make([]byte, 19)
		if _, err := io.ReadFull(w.conn, hdr); err != nil {
			return
		}
		l := int(binary.BigEndian.Uint16(hdr[16:18]))
		if l < 19 {
			return
		}
		body := make([]byte, l-19)
		if _, err := io.ReadFull(w.conn, body); err != nil {
			return
		}
		select {
		case w.msgs <- wireMsg{typ: hdr[18], body: body}:
		default: // a test that stopped reading does not block the socket
		}
	}
}

func (w *wirePeer) write(b []byte) {
	w.t.Helper()
	w.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := w.conn.Write(b); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

// next returns the next message, or ok=false on timeout or closed connection.
func (w *wirePeer) next(timeout time.Duration) (wireMsg, bool) {
	select {
	case m, ok := <-w.msgs:
		return m, ok
	case <-time.After(timeout):
		return wireMsg{}, false
	}
}

// tryOpen sends an OPEN and returns the route server's answer: its OPEN,
// or a NOTIFICATION refusing ours; closed if the connection ended first.
func (w *wirePeer) tryOpen(o openMsg) (peerOpen []byte, n *notification, closed bool) {
	w.t.Helper()
	w.write(frame(allOnes, msgOpen, o.body()))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		m, ok := w.next(time.Until(deadline))
		if !ok {
			return nil, nil, true
		}
		switch m.typ {
		case msgOpen:
			return m.body, nil, false
		case msgNotification:
			return nil, parseNotification(w.t, m.body), false
		}
	}
	w.t.Fatal("no OPEN or NOTIFICATION from the route server")
	return nil, nil, false
}

// verdictOnOpen reads what follows the route server's OPEN (GoBGP sends
// its own OPEN before it reads ours): KEEPALIVE means ours was accepted
// (nil), or the NOTIFICATION refusing it.
func (w *wirePeer) verdictOnOpen() *notification {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		m, ok := w.next(time.Until(deadline))
		if !ok {
			break
		}
		switch m.typ {
		case msgKeepalive:
			return nil
		case msgNotification:
			return parseNotification(w.t, m.body)
		}
	}
	w.t.Fatal("no KEEPALIVE or NOTIFICATION after the OPEN exchange")
	return nil
}

// establish completes the exchange after open: KEEPALIVE both ways.
func (w *wirePeer) establish() {
	w.t.Helper()
	w.write(frame(allOnes, msgKeepalive, nil))
	if n := w.verdictOnOpen(); n != nil {
		w.t.Fatalf("NOTIFICATION %s instead of KEEPALIVE", n)
	}
}

// expectNotification waits for a NOTIFICATION and the close that follows.
func (w *wirePeer) expectNotification(timeout time.Duration) notification {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		m, ok := w.next(time.Until(deadline))
		if !ok {
			break
		}
		if m.typ == msgNotification {
			return *parseNotification(w.t, m.body)
		}
	}
	w.t.Fatalf("no NOTIFICATION within %s", timeout)
	return notification{}
}

// expectNoNotification fails if a NOTIFICATION or a close comes within d.
func (w *wirePeer) expectNoNotification(d time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		m, ok := w.next(time.Until(deadline))
		if !ok {
			if time.Now().Before(deadline) {
				w.t.Fatal("the route server closed the session")
			}
			return
		}
		if m.typ == msgNotification {
			w.t.Fatalf("the route server sent NOTIFICATION %s", parseNotification(w.t, m.body))
		}
	}
}

func parseNotification(t testing.TB, body []byte) *notification {
	t.Helper()
	if len(body) < 2 {
		t.Fatalf("NOTIFICATION body of %d bytes", len(body))
	}
	return &notification{code: body[0], subcode: body[1], data: body[2:]}
}

// capabilityCodes lists the capability codes in an OPEN body.
func capabilityCodes(open []byte) []byte {
	if len(open) < 10 {
		return nil
	}
	var codes []byte
	params := open[10:]
	for len(params) >= 2 {
		typ, l := params[0], int(params[1])
		if len(params) < 2+l {
			break
		}
		if typ == 2 {
			caps := params[2 : 2+l]
			for len(caps) >= 2 && len(caps) >= 2+int(caps[1]) {
				codes = append(codes, caps[0])
				caps = caps[2+int(caps[1]):]
			}
		}
		params = params[2+l:]
	}
	return codes
}

// waitState waits until the route server reports peer name in state.
func waitState(t testing.TB, rs *Server, name, state string) {
	t.Helper()
	waitFor(t, 10*time.Second, "peer "+name+" "+state, func() bool {
		for _, p := range rs.Peers() {
			if p.Name == name {
				return strings.EqualFold(p.State, state)
			}
		}
		return false
	})
}
