package rpki

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"net"
	"sync"
)

// Server is an RTR cache (RFC 8210, and RFC 6810 for version 0 routers)
// serving one VRP set. Update replaces the set; connected routers get a
// Serial Notify and fetch only the difference.
type Server struct {
	mu      sync.Mutex
	session uint16
	serial  uint32
	set     Set
	history []delta // oldest first, bounded by maxHistory
	conns   map[*rtrConn]struct{}
	lns     []net.Listener
	closed  bool
	served  int // End of Data PDUs sent, over all connections

	// Refresh, Retry and Expire are sent to version 1 routers (seconds).
	Refresh, Retry, Expire uint32
}

// maxHistory bounds the incremental updates kept: older routers get a
// Cache Reset and reload everything.
const maxHistory = 32

type delta struct {
	serial             uint32 // the serial this delta leads to
	announce, withdraw []VRP
}

// NewServer serves an empty set at serial 0 under a random session id, so
// a router never mistakes a restarted cache for the old one.
func NewServer() *Server {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return &Server{session: binary.BigEndian.Uint16(b[:]), conns: map[*rtrConn]struct{}{},
		Refresh: 3600, Retry: 600, Expire: 7200}
}

// Serial is the serial of the current set.
func (s *Server) Serial() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serial
}

// Update replaces the served set. It returns the new serial and whether
// anything changed (an unchanged set keeps its serial and notifies nobody).
func (s *Server) Update(next Set) (uint32, bool) {
	s.mu.Lock()
	announce, withdraw := s.set.Diff(next)
	if len(announce) == 0 && len(withdraw) == 0 {
		defer s.mu.Unlock()
		return s.serial, false
	}
	s.serial++
	s.set = next
	s.history = append(s.history, delta{serial: s.serial, announce: announce, withdraw: withdraw})
	if len(s.history) > maxHistory {
		s.history = s.history[len(s.history)-maxHistory:]
	}
	serial := s.serial
	conns := make([]*rtrConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.notify(serial)
	}
	return serial, true
}

// Serve accepts routers on l until l is closed or Close is called.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return net.ErrClosed
	}
	s.lns = append(s.lns, l)
	s.mu.Unlock()
	for {
		nc, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		c := &rtrConn{srv: s, nc: nc, version: -1}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return nil
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		go c.run()
	}
}

// Close stops every listener and connection.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	lns, conns := s.lns, s.conns
	s.conns = map[*rtrConn]struct{}{}
	s.mu.Unlock()
	for _, l := range lns {
		l.Close()
	}
	for c := range conns {
		c.nc.Close()
	}
}

// Served is how many complete responses (End of Data) were sent.
func (s *Server) Served() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served
}

// Connections is the number of connected routers.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// response builds the answer to a query: the full set for a Reset Query
// (fromSerial nil), the deltas since a serial, or nil when that serial is
// no longer known (the caller sends Cache Reset).
func (s *Server) response(version uint8, fromSerial *uint32) []pdu {
	s.mu.Lock()
	defer s.mu.Unlock()
	var announce []VRP
	switch {
	case fromSerial == nil:
		announce = s.set
	case *fromSerial == s.serial:
	default:
		i := len(s.history)
		for j, d := range s.history {
			if d.serial == *fromSerial+1 {
				i = j
				break
			}
		}
		if i == len(s.history) {
			return nil
		}
		// Replaying the deltas in order is correct even when a VRP comes
		// and goes within them: the router applies them in order too.
		return s.replay(version, s.history[i:])
	}
	out := []pdu{{Version: version, Type: pduCacheResponse, Session: s.session}}
	for _, v := range announce {
		out = append(out, prefixPDU(version, v, true))
	}
	return append(out, s.endOfData(version))
}

func (s *Server) replay(version uint8, ds []delta) []pdu {
	out := []pdu{{Version: version, Type: pduCacheResponse, Session: s.session}}
	for _, d := range ds {
		for _, v := range d.withdraw {
			out = append(out, prefixPDU(version, v, false))
		}
		for _, v := range d.announce {
			out = append(out, prefixPDU(version, v, true))
		}
	}
	return append(out, s.endOfData(version))
}

func (s *Server) endOfData(version uint8) pdu {
	return pdu{Version: version, Type: pduEndOfData, Session: s.session, Serial: s.serial,
		Refresh: s.Refresh, Retry: s.Retry, Expire: s.Expire}
}

func prefixPDU(version uint8, v VRP, announce bool) pdu {
	t := uint8(pduIPv4Prefix)
	if v.Prefix.Addr().Is6() {
		t = pduIPv6Prefix
	}
	return pdu{Version: version, Type: t, Announce: announce, VRP: v}
}

type rtrConn struct {
	srv     *Server
	nc      net.Conn
	wmu     sync.Mutex
	version int // -1 until the router's first query fixes it
}

func (c *rtrConn) write(ps ...pdu) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	w := bufio.NewWriter(c.nc)
	for _, p := range ps {
		if _, err := w.Write(p.marshal()); err != nil {
			return err
		}
	}
	return w.Flush()
}

func (c *rtrConn) notify(serial uint32) {
	c.wmu.Lock()
	v := c.version
	c.wmu.Unlock()
	if v < 0 {
		return // no query yet: the router will get the current set anyway
	}
	_ = c.write(pdu{Version: uint8(v), Type: pduSerialNotify, Session: c.srv.session, Serial: serial})
}

func (c *rtrConn) run() {
	defer func() {
		c.nc.Close()
		c.srv.mu.Lock()
		delete(c.srv.conns, c)
		c.srv.mu.Unlock()
	}()
	r := bufio.NewReader(c.nc)
	for {
		p, err := readPDU(r)
		if err != nil {
			var pe *errPDU
			if errors.As(err, &pe) {
				_ = c.write(pdu{Version: c.errVersion(p), Type: pduErrorReport, Session: pe.code, Text: pe.msg})
			}
			return
		}
		c.wmu.Lock()
		if c.version < 0 {
			c.version = int(p.Version)
		}
		v := c.version
		c.wmu.Unlock()
		if int(p.Version) != v {
			_ = c.write(pdu{Version: uint8(v), Type: pduErrorReport, Session: errUnsupportedVersion, Text: "version changed within the session"})
			return
		}
		var resp []pdu
		switch p.Type {
		case pduResetQuery:
			resp = c.srv.response(p.Version, nil)
		case pduSerialQuery:
			if p.Session != c.srv.session {
				resp = []pdu{{Version: p.Version, Type: pduCacheReset}}
				break
			}
			serial := p.Serial
			if resp = c.srv.response(p.Version, &serial); resp == nil {
				resp = []pdu{{Version: p.Version, Type: pduCacheReset}}
			}
		case pduErrorReport:
			return
		default:
			_ = c.write(pdu{Version: p.Version, Type: pduErrorReport, Session: errUnsupportedPDU, Text: "unexpected PDU from a router"})
			return
		}
		if err := c.write(resp...); err != nil {
			return
		}
		if resp[len(resp)-1].Type == pduEndOfData {
			c.srv.mu.Lock()
			c.srv.served++
			c.srv.mu.Unlock()
		}
	}
}

func (c *rtrConn) errVersion(p pdu) uint8 {
	if p.Version <= 1 {
		return p.Version
	}
	return 1
}
