package speakers

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// BIRDConfig describes one BIRD 2 daemon. StartBIRD renders it into a
// bird.conf (see Render); Raw replaces the rendered text entirely.
type BIRDConfig struct {
	// RouterID defaults to the first IPv4 LocalAddr of Neighbors.
	RouterID string
	// ASN is the local AS of every neighbor without its own LocalASN.
	ASN       uint32
	Neighbors []BIRDNeighbor
	// Static4 and Static6 are originated by this BIRD and exported to every
	// neighbor that has the matching channel.
	Static4, Static6 []StaticRoute
	// Extra is appended verbatim to the rendered config (tables, filters,
	// protocols of your own).
	Extra string
	// Raw, when set, is the whole config: the builder fields are ignored.
	// StartBIRD still prepends the log and timeformat lines it relies on.
	Raw string
}

// BIRDNeighbor is one BGP session. Every session is rendered with
// `multihop` and `strict bind` (see doc.go for why loopback needs them).
type BIRDNeighbor struct {
	Name                string // BIRD protocol name: letters, digits, '_'
	LocalAddr, PeerAddr string
	LocalPort           int    // 0: 179. BIRD listens on LocalAddr:LocalPort
	PeerPort            int    // 0: 179
	LocalASN            uint32 // 0: BIRDConfig.ASN
	PeerASN             uint32
	Password            string // TCP-MD5 key; "" for none
	Passive             bool   // wait for the peer to connect
	// IPv4 and IPv6 select the channels (address families). With neither
	// set, the session's own family is used.
	IPv4, IPv6 bool
	ImportAll  bool // keep received routes in the table (else `import none`)
	// RSClient sets BIRD's `rs client`: BIRD prepends no ASN and keeps
	// next hops. It is switched on automatically when a static route's
	// ASPath does not start with the local ASN (see StaticRoute).
	RSClient bool
	// NextHopAddr4/6 set BIRD's `next hop address` for a channel whose
	// family differs from the session's. Defaults: RouterID for IPv4 routes
	// over an IPv6 session, ::1 for IPv6 routes over an IPv4 session.
	NextHopAddr4, NextHopAddr6 string
	// Extra is inserted verbatim inside the protocol block.
	Extra string
}

// StaticRoute is a prefix this BIRD originates, with the attributes the
// receiver is to see.
type StaticRoute struct {
	Prefix string
	// ASPath is the whole AS_PATH as the receiver sees it, leftmost first.
	// Empty means BIRD's default, [local ASN]. When ASPath[0] is the local
	// ASN the export filter prepends the rest and BIRD prepends its ASN as
	// eBGP requires. Otherwise (a "first AS is not the peer AS" test) the
	// session is switched to `rs client`, so BIRD prepends nothing and the
	// path goes out exactly as given, even with a foreign first AS.
	ASPath []uint32
	// NextHop, if set, replaces the next hop (BIRD's own address) with this
	// address, e.g. "127.60.0.99" for a "next hop is not the peer" test.
	NextHop string
}

// localASN is the ASN the neighbor's session uses.
func (c *BIRDConfig) localASN(n *BIRDNeighbor) uint32 {
	if n.LocalASN != 0 {
		return n.LocalASN
	}
	return c.ASN
}

// routerID is RouterID or the first IPv4 local address.
func (c *BIRDConfig) routerID() string {
	if c.RouterID != "" {
		return c.RouterID
	}
	for _, n := range c.Neighbors {
		if a, err := netip.ParseAddr(n.LocalAddr); err == nil && a.Is4() {
			return a.String()
		}
	}
	return ""
}

// channels returns which families the neighbor carries.
func (n *BIRDNeighbor) channels() (v4, v6 bool) {
	if n.IPv4 || n.IPv6 {
		return n.IPv4, n.IPv6
	}
	a, err := netip.ParseAddr(n.PeerAddr)
	return err == nil && a.Is4(), err == nil && a.Is6()
}

// rsClient reports whether the session must be rendered as `rs client`:
// asked for, or needed so that some static route's path reaches the peer
// exactly as written.
func (c *BIRDConfig) rsClient(n *BIRDNeighbor) bool {
	if n.RSClient {
		return true
	}
	asn := c.localASN(n)
	for _, routes := range [][]StaticRoute{c.Static4, c.Static6} {
		for _, r := range routes {
			if len(r.ASPath) > 0 && r.ASPath[0] != asn {
				return true
			}
		}
	}
	return false
}

// Validate checks the builder fields and returns every problem at once,
// each naming the neighbor or route it is about. Raw configs are checked by
// BIRD itself (`bird -p`) in StartBIRD.
func (c *BIRDConfig) Validate() error {
	if c.Raw != "" {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if id, err := netip.ParseAddr(c.routerID()); err != nil || !id.Is4() {
		bad("router id %q: need an IPv4 address (set RouterID or an IPv4 LocalAddr)", c.routerID())
	}
	names := map[string]bool{}
	for i := range c.Neighbors {
		n := &c.Neighbors[i]
		where := fmt.Sprintf("neighbors[%d] %q", i, n.Name)
		if !validName(n.Name) {
			bad("%s: name must be a letter then letters, digits or '_'", where)
		}
		if names[n.Name] {
			bad("%s: duplicate name", where)
		}
		names[n.Name] = true
		local, errL := netip.ParseAddr(n.LocalAddr)
		peer, errP := netip.ParseAddr(n.PeerAddr)
		if errL != nil {
			bad("%s: LocalAddr: %v", where, errL)
		}
		if errP != nil {
			bad("%s: PeerAddr: %v", where, errP)
		}
		if errL == nil && errP == nil && local.Is4() != peer.Is4() {
			bad("%s: local %s and peer %s are of different families", where, local, peer)
		}
		if c.localASN(n) == 0 || n.PeerASN == 0 {
			bad("%s: local ASN %d and peer ASN %d must be non-zero", where, c.localASN(n), n.PeerASN)
		}
		for _, port := range []int{n.LocalPort, n.PeerPort} {
			if port < 0 || port > 65535 {
				bad("%s: port %d out of range", where, port)
			}
		}
		if strings.ContainsAny(n.Password, "\"\\\n") {
			bad("%s: password must not contain '\"', '\\' or newlines", where)
		}
		if a, err := netip.ParseAddr(n.NextHopAddr4); n.NextHopAddr4 != "" && (err != nil || !a.Is4()) {
			bad("%s: NextHopAddr4 %q: not an IPv4 address", where, n.NextHopAddr4)
		}
		if a, err := netip.ParseAddr(n.NextHopAddr6); n.NextHopAddr6 != "" && (err != nil || !a.Is6()) {
			bad("%s: NextHopAddr6 %q: not an IPv6 address", where, n.NextHopAddr6)
		}
		if _, v6 := n.channels(); v6 && errP == nil && peer == netip.IPv6Loopback() {
			for _, r := range c.Static6 {
				if r.NextHop == "" {
					bad("%s: static6 %s needs a NextHop: on a ::1 session BIRD's own next hop ::1 is also the neighbor's address, which BIRD refuses to announce", where, r.Prefix)
				}
			}
		}
	}
	for _, set := range []struct {
		fam    int
		routes []StaticRoute
	}{{4, c.Static4}, {6, c.Static6}} {
		fam := set.fam
		for i, r := range set.routes {
			where := fmt.Sprintf("static%d[%d] %q", fam, i, r.Prefix)
			p, err := netip.ParsePrefix(r.Prefix)
			switch {
			case err != nil:
				bad("%s: %v", where, err)
			case p.Addr().Is4() != (fam == 4):
				bad("%s: not an IPv%d prefix", where, fam)
			case p.Masked() != p:
				bad("%s: host bits set (did you mean %s?)", where, p.Masked())
			}
			if r.NextHop != "" {
				nh, err := netip.ParseAddr(r.NextHop)
				if err != nil || nh.Is4() != (fam == 4) {
					bad("%s: next hop %q: need an IPv%d address", where, r.NextHop, fam)
				}
			}
			for _, asn := range r.ASPath {
				if asn == 0 {
					bad("%s: AS path %v contains AS 0", where, r.ASPath)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// validName accepts what BIRD accepts as a protocol symbol and no more.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || (r != '_' && (r < '0' || r > '9'))) {
			return false
		}
	}
	return true
}
