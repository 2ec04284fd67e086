package routeserver

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// A session with a TCP-MD5 key mismatch never shows up anywhere in GoBGP
// at info level: the peer's kernel drops our SYN silently and GoBGP logs
// failed connects only at debug level (behind a GetLevel check, and
// turning debug on costs a field map per UPDATE). The kernel's own socket
// table does show it for peers rsguard connects to (passive = false): our
// connect stays in SYN_SENT. watchConnects reads /proc/net/tcp{,6} every
// few seconds while such a peer is down, and a SYN_SENT to its port 179
// older than synSentAfter becomes the peer's last error. Passive peers,
// the default, are covered by the kernel's MD5 drop counters
// (md5_hint.go).

const (
	synSentPoll  = 2 * time.Second
	synSentAfter = 5 * time.Second // the kernel has resent the SYN twice by then
	tcpSynSent   = 0x02            // include/net/tcp_states.h
	bgpPort      = 179
)

// tcpSocket is one line of /proc/net/tcp or tcp6.
type tcpSocket struct {
	Local, Remote netip.AddrPort
	State         uint8
}

// parseProcNetTCP reads the kernel's socket table format:
//
//	sl  local_address rem_address   st ...
//	 0: 0100007F:0CEA 0200007F:00B3 02 ...
//
// Addresses are hex in host byte order per 32-bit word (little-endian on
// every platform rsguard runs on), ports are big-endian hex. Lines it
// cannot read are skipped: the table is the kernel's, not user input, but
// a parser must not panic on anything.
func parseProcNetTCP(r io.Reader) []tcpSocket {
	var out []tcpSocket
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasSuffix(f[0], ":") {
			continue
		}
		local, ok1 := parseProcAddrPort(f[1])
		remote, ok2 := parseProcAddrPort(f[2])
		st, err := strconv.ParseUint(f[3], 16, 8)
		if !ok1 || !ok2 || err != nil {
			continue
		}
		out = append(out, tcpSocket{Local: local, Remote: remote, State: uint8(st)})
	}
	return out
}

func parseProcAddrPort(s string) (netip.AddrPort, bool) {
	addrHex, portHex, ok := strings.Cut(s, ":")
	if !ok || len(portHex) != 4 {
		return netip.AddrPort{}, false
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	raw, err := hex.DecodeString(addrHex)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, false
	}
	// each 32-bit word is in host (little-endian) order
	b := make([]byte, len(raw))
	for i := 0; i < len(raw); i += 4 {
		binary.BigEndian.PutUint32(b[i:], binary.LittleEndian.Uint32(raw[i:]))
	}
	a, _ := netip.AddrFromSlice(b)
	return netip.AddrPortFrom(a.Unmap(), uint16(port)), true
}

// synSentTo reads the kernel's tables and returns our SYN_SENT sockets to
// port 179 of each remote address.
func synSentTo() map[netip.Addr][]netip.AddrPort {
	out := map[netip.Addr][]netip.AddrPort{}
	for _, path := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		for _, s := range parseProcNetTCP(f) {
			if s.State == tcpSynSent && s.Remote.Port() == bgpPort {
				out[s.Remote.Addr()] = append(out[s.Remote.Addr()], s.Local)
			}
		}
		f.Close()
	}
	return out
}

// synSentText is the last error for a connect that got no SYN-ACK.
func synSentText(withMD5 bool, waited time.Duration) string {
	if withMD5 {
		return fmt.Sprintf("MD5 mismatch suspected: no SYN-ACK from the peer for %s (TCP-MD5 is configured; a peer with another key, or none, drops the SYN silently; or the peer is unreachable)", waited.Round(time.Second))
	}
	return fmt.Sprintf("no SYN-ACK from the peer for %s: unreachable or filtered", waited.Round(time.Second))
}

// watchConnects runs until ctx ends (Stop).
func (s *Server) watchConnects(ctx context.Context) {
	t := time.NewTicker(synSentPoll)
	defer t.Stop()
	// SYN_SENT sockets by local address; each GoBGP connect attempt has
	// its own, so each attempt is reported once
	type attempt struct {
		first    time.Time
		reported bool
	}
	attempts := map[netip.AddrPort]*attempt{}
	lastDrops, haveDrops := readMD5Drops()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		if drops, ok := readMD5Drops(); ok {
			if haveDrops && drops > lastDrops {
				s.noteMD5Drops(drops-lastDrops, now)
			}
			lastDrops, haveDrops = drops, true
		}
		if !s.anyPeerConnecting() {
			clear(attempts)
			continue
		}
		seen := synSentTo()
		for local := range attempts {
			if !socketStillSynSent(seen, local) {
				delete(attempts, local)
			}
		}
		for remote, locals := range seen {
			p := s.byAddress(remote)
			if p == nil {
				continue
			}
			for _, l := range locals {
				a := attempts[l]
				if a == nil {
					attempts[l] = &attempt{first: now}
					continue
				}
				if waited := now.Sub(a.first); waited >= synSentAfter && !a.reported {
					a.reported = true
					s.noteSynSent(p, waited)
				}
			}
		}
	}
}

func socketStillSynSent(seen map[netip.Addr][]netip.AddrPort, local netip.AddrPort) bool {
	for _, ls := range seen {
		for _, l := range ls {
			if l == local {
				return true
			}
		}
	}
	return false
}

// noteSynSent records a connect attempt that got no SYN-ACK.
func (s *Server) noteSynSent(p *peer, waited time.Duration) {
	p.mu.Lock()
	state, disabled := p.state, p.disabled
	p.mu.Unlock()
	if state == "ESTABLISHED" || disabled {
		return
	}
	text := synSentText(p.cfg.Password != "", waited)
	s.setLastError(p, text, time.Now())
	s.peerLog(p).Warn(text)
}

// anyPeerConnecting: only then is the socket table worth reading (an
// active peer is down).
func (s *Server) anyPeerConnecting() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.peers {
		if p.cfg.Passive {
			continue
		}
		p.mu.Lock()
		down := p.state != "ESTABLISHED" && !p.disabled
		p.mu.Unlock()
		if down {
			return true
		}
	}
	return false
}

func (s *Server) byAddress(a netip.Addr) *peer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byAddr[a]
}
