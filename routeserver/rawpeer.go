package routeserver

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/filters"
	"golang.org/x/sys/unix"
)

// RawPeer is a minimal BGP speaker that writes UPDATEs exactly as given:
// any AS path (a wrong first AS, bogon ASNs, AS_SETs) and any next hop.
// Real speakers prepend their own ASN on eBGP, and GoBGP never sends its
// local routes to route-server clients, so neither can produce those
// announcements. It is the sender of the demo and the differential test.
type RawPeer struct {
	conn net.Conn
	mu   sync.Mutex
	done chan struct{}
}

// DialRawPeer opens a session to the route server (TCP-MD5 when a password
// is set) and completes the OPEN/KEEPALIVE exchange.
func DialRawPeer(ctx context.Context, cfg SpeakerConfig) (*RawPeer, error) {
	// GoBGP closes a connection it accepts while the peer's FSM is still
	// Idle (just after AddPeer or a reset), which a test that dials right
	// after starting the route server sees as a reset handshake: try again
	// a few times, briefly, for exactly that case.
	var rp *RawPeer
	var err error
	for try := 0; try < 4; try++ {
		if rp, err = dialRawPeerOnce(ctx, cfg); err == nil || !handshakeReset(err) {
			return rp, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(250 * time.Millisecond):
		}
	}
	return nil, err
}

// handshakeReset: the route server closed the connection before any BGP
// message of its own (no NOTIFICATION), i.e. it was not ready for us.
func handshakeReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
}

func dialRawPeerOnce(ctx context.Context, cfg SpeakerConfig) (*RawPeer, error) {
	local, err := netip.ParseAddr(cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("raw peer address %q: %w", cfg.Address, err)
	}
	remote, err := netip.ParseAddr(cfg.RSAddr)
	if err != nil {
		return nil, fmt.Errorf("route server address %q: %w", cfg.RSAddr, err)
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: local.AsSlice()}, Timeout: 5 * time.Second}
	if cfg.Password != "" {
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) { serr = setMD5(int(fd), remote, cfg.Password) })
			if err != nil {
				return err
			}
			return serr
		}
	}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(remote.String(), strconv.Itoa(cfg.RSPort)))
	if err != nil {
		return nil, err
	}
	rp := &RawPeer{conn: conn, done: make(chan struct{})}
	if err := rp.handshake(cfg); err != nil {
		conn.Close()
		return nil, err
	}
	go rp.readLoop()
	go rp.keepaliveLoop()
	return rp, nil
}

func setMD5(fd int, remote netip.Addr, key string) error {
	sig := unix.TCPMD5Sig{Keylen: uint16(len(key))}
	copy(sig.Key[:], key)
	if remote.Is4() {
		sa := (*unix.RawSockaddrInet4)(unsafePointer(&sig.Addr))
		sa.Family = unix.AF_INET
		sa.Addr = remote.As4()
	} else {
		sa := (*unix.RawSockaddrInet6)(unsafePointer(&sig.Addr))
		sa.Family = unix.AF_INET6
		sa.Addr = remote.As16()
	}
	return unix.SetsockoptTCPMD5Sig(fd, unix.IPPROTO_TCP, unix.TCP_MD5SIG, &sig)
}

func (rp *RawPeer) handshake(cfg SpeakerConfig) error {
	as2 := uint16(cfg.ASN)
	if cfg.ASN > 65535 {
		as2 = bgp.AS_TRANS
	}
	caps := []bgp.ParameterCapabilityInterface{
		bgp.NewCapMultiProtocol(bgp.RF_IPv4_UC), bgp.NewCapMultiProtocol(bgp.RF_IPv6_UC),
		bgp.NewCapFourOctetASNumber(cfg.ASN), bgp.NewCapRouteRefresh(),
	}
	open := bgp.NewBGPOpenMessage(as2, 90, cfg.RouterID, []bgp.OptionParameterInterface{bgp.NewOptionParameterCapability(caps)})
	if err := rp.send(open); err != nil {
		return err
	}
	rp.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer rp.conn.SetReadDeadline(time.Time{})
	for i := 0; i < 4; i++ {
		m, err := readMessage(rp.conn)
		if err != nil {
			return fmt.Errorf("raw peer AS%d: handshake: %w", cfg.ASN, err)
		}
		switch m.Header.Type {
		case bgp.BGP_MSG_OPEN:
			if err := rp.send(bgp.NewBGPKeepAliveMessage()); err != nil {
				return err
			}
		case bgp.BGP_MSG_KEEPALIVE:
			return nil
		case bgp.BGP_MSG_NOTIFICATION:
			n := m.Body.(*bgp.BGPNotification)
			return fmt.Errorf("raw peer AS%d: notification %d/%d", cfg.ASN, n.ErrorCode, n.ErrorSubcode)
		}
	}
	return fmt.Errorf("raw peer AS%d: no KEEPALIVE after OPEN", cfg.ASN)
}

func readMessage(r io.Reader) (*bgp.BGPMessage, error) {
	hdr := make([]byte, bgp.BGP_HEADER_LENGTH)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, err
	}
	l := int(binary.BigEndian.Uint16(hdr[16:18]))
	if l < bgp.BGP_HEADER_LENGTH || l > 65535 {
		return nil, fmt.Errorf("bad BGP message length %d", l)
	}
	buf := make([]byte, l)
	copy(buf, hdr)
	if _, err := io.ReadFull(r, buf[bgp.BGP_HEADER_LENGTH:]); err != nil {
		return nil, err
	}
	return bgp.ParseBGPMessage(buf)
}

func (rp *RawPeer) send(m *bgp.BGPMessage) error {
	b, err := m.Serialize()
	if err != nil {
		return err
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err = rp.conn.Write(b)
	return err
}

// readLoop drains what the route server sends (the raw peer is a sender).
func (rp *RawPeer) readLoop() {
	defer close(rp.done)
	for {
		if _, err := readMessage(rp.conn); err != nil {
			return
		}
	}
}

func (rp *RawPeer) keepaliveLoop() {
	t := time.NewTicker(20 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-rp.done:
			return
		case <-t.C:
			if rp.send(bgp.NewBGPKeepAliveMessage()) != nil {
				return
			}
		}
	}
}

func asPathAttr(path filters.ASPath) *bgp.PathAttributeAsPath {
	segs := []bgp.AsPathParamInterface{}
	for _, s := range path {
		t := uint8(bgp.BGP_ASPATH_ATTR_TYPE_SEQ)
		switch s.Type {
		case filters.SegSet:
			t = bgp.BGP_ASPATH_ATTR_TYPE_SET
		case filters.SegConfedSequence:
			t = bgp.BGP_ASPATH_ATTR_TYPE_CONFED_SEQ
		case filters.SegConfedSet:
			t = bgp.BGP_ASPATH_ATTR_TYPE_CONFED_SET
		}
		segs = append(segs, bgp.NewAs4PathParam(t, s.ASNs))
	}
	return bgp.NewPathAttributeAsPath(segs)
}

// Announce sends one UPDATE per route, attributes exactly as given.
func (rp *RawPeer) Announce(routes ...filters.Route) error {
	for _, r := range routes {
		attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), asPathAttr(r.ASPath)}
		var msg *bgp.BGPMessage
		if r.Prefix.Addr().Is4() {
			attrs = append(attrs, bgp.NewPathAttributeNextHop(r.NextHop.String()))
			msg = bgp.NewBGPUpdateMessage(nil, attrs, []*bgp.IPAddrPrefix{nlriOf(r.Prefix).(*bgp.IPAddrPrefix)})
		} else {
			attrs = append(attrs, bgp.NewPathAttributeMpReachNLRI(r.NextHop.String(), []bgp.AddrPrefixInterface{nlriOf(r.Prefix)}))
			msg = bgp.NewBGPUpdateMessage(nil, attrs, nil)
		}
		if err := rp.send(msg); err != nil {
			return fmt.Errorf("announce %s: %w", r.Prefix, err)
		}
	}
	return nil
}

// Withdraw withdraws prefixes announced earlier.
func (rp *RawPeer) Withdraw(prefixes ...netip.Prefix) error {
	for _, p := range prefixes {
		var msg *bgp.BGPMessage
		if p.Addr().Is4() {
			msg = bgp.NewBGPUpdateMessage([]*bgp.IPAddrPrefix{nlriOf(p).(*bgp.IPAddrPrefix)}, nil, nil)
		} else {
			msg = bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
				bgp.NewPathAttributeMpUnreachNLRI([]bgp.AddrPrefixInterface{nlriOf(p)})}, nil)
		}
		if err := rp.send(msg); err != nil {
			return fmt.Errorf("withdraw %s: %w", p, err)
		}
	}
	return nil
}

// Close ends the session with a Cease notification.
func (rp *RawPeer) Close() {
	_ = rp.send(bgp.NewBGPNotificationMessage(bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_ADMINISTRATIVE_SHUTDOWN, nil))
	rp.conn.Close()
	<-rp.done
}

// AnnounceMany sends IPv4 prefixes that share one AS path and next hop,
// packed many to an UPDATE as a real full-table sender does.
func (rp *RawPeer) AnnounceMany(prefixes []netip.Prefix, path filters.ASPath, nextHop netip.Addr) error {
	const perUpdate = 800 // 800 × 4 bytes of /24 NLRI stays under 4096
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), asPathAttr(path), bgp.NewPathAttributeNextHop(nextHop.String())}
	for i := 0; i < len(prefixes); i += perUpdate {
		var nlri []*bgp.IPAddrPrefix
		for _, p := range prefixes[i:min(i+perUpdate, len(prefixes))] {
			nlri = append(nlri, nlriOf(p).(*bgp.IPAddrPrefix))
		}
		if err := rp.send(bgp.NewBGPUpdateMessage(nil, attrs, nlri)); err != nil {
			return err
		}
	}
	return nil
}
