package filters

import (
	"fmt"
	"net/netip"
)

// Well-known action communities handled by the route server itself.
const (
	// Blackhole is RFC 7999 BLACKHOLE (65535:666): drop traffic to the
	// prefix. Accepted inside the announcing peer's registered space at
	// any length, re-announced with NO_EXPORT and the IXP's blackhole
	// next hop.
	Blackhole Community = 0xFFFF029A
	// GracefulShutdown is RFC 8326 GRACEFUL_SHUTDOWN (65535:0): the path
	// is about to go away; prefer any other.
	GracefulShutdown Community = 0xFFFF0000
)

// BlackholeSettings are [blackhole]: the IXP's blackhole next hop per
// family. A family without one has no blackholing: its BLACKHOLE routes
// are checked like any other route (and a /32 fails prefix_length).
type BlackholeSettings struct {
	NextHopIPv4 netip.Addr
	NextHopIPv6 netip.Addr
}

// NextHop is the blackhole next hop of p's family, if blackholing is on
// for it.
func (b BlackholeSettings) NextHop(p netip.Prefix) (netip.Addr, bool) {
	a := b.NextHopIPv4
	if p.Addr().Is6() {
		a = b.NextHopIPv6
	}
	return a, a.IsValid()
}

// IsBlackhole reports whether r is a blackhole request the route server
// honours: it carries BLACKHOLE and its family has a blackhole next hop.
func (s *Settings) IsBlackhole(r *Route) bool {
	_, on := s.Blackhole.NextHop(r.Prefix)
	return r.Blackhole && on
}

// Inside returns an entry whose prefix covers p at a length no shorter
// than the entry's minimum: p lies in the registered space, whatever the
// entry's maximum length. Blackhole requests are checked this way.
func (pl *PrefixList) Inside(p netip.Prefix) (PrefixRange, bool) {
	return pl.find(p, func(lo, _, l uint8) bool { return lo <= l })
}

// BlackholeRanges widens every range to the family's full length: the
// registered space in which a blackhole request of any length is inside.
func BlackholeRanges(rs []PrefixRange) []PrefixRange {
	out := make([]PrefixRange, len(rs))
	for i, r := range rs {
		r.Max = uint8(r.Prefix.Addr().BitLen())
		out[i] = r
	}
	return out
}

// SpaceSets are the entries of a peer's blackhole sets per family: its
// registered space at any length, normalised for GoBGP; empty for a
// family without blackholing.
func (b BlackholeSettings) SpaceSets(allowed *PrefixList) (v4, v6 []PrefixRange) {
	a4, a6 := SplitFamilies(allowed.Ranges())
	if b.NextHopIPv4.IsValid() {
		v4 = NormalizeLongestMatch(BlackholeRanges(a4))
	}
	if b.NextHopIPv6.IsValid() {
		v6 = NormalizeLongestMatch(BlackholeRanges(a6))
	}
	return v4, v6
}

// blackholeLength is the length check for an honoured blackhole request:
// the minimum still holds, the maximum is the family's full length.
func blackholeLength(r *Route, s *Settings) (string, bool) {
	lim, fam := s.IPv4Length, "IPv4"
	if r.Prefix.Addr().Is6() {
		lim, fam = s.IPv6Length, "IPv6"
	}
	if l := r.Prefix.Bits(); l < int(lim[0]) {
		return fmt.Sprintf("/%d shorter than the %s minimum /%d (blackhole request)", l, fam, lim[0]), true
	}
	return "", false
}

// blackholeRegistered is the registered-space check for an honoured
// blackhole request: inside an entry of the allowed list at any length.
func blackholeRegistered(r *Route, p *Peer) (string, bool) {
	if _, ok := p.Allowed.Inside(r.Prefix); ok {
		return "", false
	}
	return "blackhole request outside the peer's registered space: " + p.Allowed.Explain(r.Prefix), true
}

// CarriesBlackhole reports whether c holds BLACKHOLE (65535:666).
func (c Communities) CarriesBlackhole() bool { return hasCommunity(c.Std, Blackhole) }
