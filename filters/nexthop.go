package filters

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Families is the set of address families a peer's session carries.
type Families uint8

const (
	FamiliesIPv4 Families = 1 << iota
	FamiliesIPv6
)

// FamilyOf is the family of an address (IPv4-mapped IPv6 counts as IPv4,
// as GoBGP treats it).
func FamilyOf(a netip.Addr) Family {
	if a.Unmap().Is4() {
		return FamilyIPv4
	}
	return FamilyIPv6
}

// Has reports whether f includes fam.
func (f Families) Has(fam Family) bool {
	switch fam {
	case FamilyIPv4:
		return f&FamiliesIPv4 != 0
	case FamilyIPv6:
		return f&FamiliesIPv6 != 0
	}
	return false
}

func (f Families) String() string {
	var out []string
	if f.Has(FamilyIPv4) {
		out = append(out, "ipv4")
	}
	if f.Has(FamilyIPv6) {
		out = append(out, "ipv6")
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func familyName(f Family) string {
	if f == FamilyIPv4 {
		return "IPv4"
	}
	return "IPv6"
}

// NextHopMode is a next-hop policy (RFC 7948 §4.8, ARouteServer's options).
type NextHopMode uint8

const (
	// NextHopDefault follows Settings.NextHopStrict (strict, or off). It is
	// the zero value so a Peer built without a policy is still checked.
	NextHopDefault NextHopMode = iota
	// NextHopStrict: the next hop is one of the peer's own addresses.
	NextHopStrict
	// NextHopSameAS: any address of a peer with the same ASN on the LAN.
	NextHopSameAS
	// NextHopAuthorized: the peer's own addresses or an explicit list.
	NextHopAuthorized
	// NextHopOff: not checked.
	NextHopOff
)

var nextHopModeNames = map[NextHopMode]string{NextHopStrict: "strict", NextHopSameAS: "same-as",
	NextHopAuthorized: "authorized", NextHopOff: "off"}

func (m NextHopMode) String() string {
	if n, ok := nextHopModeNames[m]; ok {
		return n
	}
	return "default"
}

// ParseNextHopMode reads a config value: "strict", "same-as",
// "authorized" or "off".
func ParseNextHopMode(s string) (NextHopMode, bool) {
	for m, n := range nextHopModeNames {
		if n == s {
			return m, true
		}
	}
	return NextHopDefault, false
}

// NextHopPolicy is how a peer's next hops are checked.
type NextHopPolicy struct {
	Mode NextHopMode
	// Extra are the addresses allowed besides the peer's own: for same-as
	// the addresses of the other peers with its ASN, for authorized the
	// authorized_next_hops list. Ignored by strict and off.
	Extra []netip.Addr
}

// EnabledFamilies is what the peer's session carries: Families, or when
// unset the session address's own family only (both when there is no
// address, e.g. a Peer built for a what-if without one).
func (p *Peer) EnabledFamilies() Families {
	switch {
	case p.Families != 0:
		return p.Families
	case !p.Address.IsValid():
		return FamiliesIPv4 | FamiliesIPv6
	case FamilyOf(p.Address) == FamilyIPv4:
		return FamiliesIPv4
	}
	return FamiliesIPv6
}

// NextHopMode is the mode in force for the peer.
func (p *Peer) NextHopMode(s *Settings) NextHopMode {
	if p.NextHop.Mode != NextHopDefault {
		return p.NextHop.Mode
	}
	if s.NextHopStrict {
		return NextHopStrict
	}
	return NextHopOff
}

// ownAddresses are the peer's session address and its other addresses on
// the peering LAN.
func (p *Peer) ownAddresses() []netip.Addr {
	out := make([]netip.Addr, 0, 1+len(p.Addresses))
	if p.Address.IsValid() {
		out = append(out, p.Address.Unmap())
	}
	for _, a := range p.Addresses {
		out = append(out, a.Unmap())
	}
	return out
}

// AllowedNextHops is every address (both families, sorted, unique) a next
// hop may be under mode m; nil for off.
func (p *Peer) AllowedNextHops(m NextHopMode) []netip.Addr {
	if m == NextHopOff {
		return nil
	}
	out := p.ownAddresses()
	if m == NextHopSameAS || m == NextHopAuthorized {
		for _, a := range p.NextHop.Extra {
			out = append(out, a.Unmap())
		}
	}
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(out)
}

func ofFamily(as []netip.Addr, f Family) []netip.Addr {
	var out []netip.Addr
	for _, a := range as {
		if FamilyOf(a) == f {
			out = append(out, a)
		}
	}
	return out
}

// checkFamily rejects routes of a family the peer's session does not carry
// (reason 4). GoBGP does not negotiate such a family, so on the wire this
// fires only for what-if queries and the moment a reload narrows families.
func checkFamily(r *Route, _ *Settings, p *Peer) (string, bool) {
	f := FamilyOf(r.Prefix.Addr())
	if en := p.EnabledFamilies(); !en.Has(f) {
		return fmt.Sprintf("%s unicast is not enabled for the peer (families: %s)", familyName(f), en), true
	}
	return "", false
}

// checkNextHop compares the next hop with the addresses the policy allows
// in the next hop's own family. A family without any allowed address
// rejects every next hop of it: strict never means "unchecked".
func checkNextHop(r *Route, s *Settings, p *Peer) (string, bool) {
	m := p.NextHopMode(s)
	if m == NextHopOff {
		return "", false
	}
	if !r.NextHop.IsValid() {
		return fmt.Sprintf("no next hop (next_hop = %s)", m), true
	}
	nh := r.NextHop.Unmap()
	fam := FamilyOf(nh)
	allowed := ofFamily(p.AllowedNextHops(m), fam)
	if slices.Contains(allowed, nh) {
		return "", false
	}
	if len(allowed) == 0 {
		return fmt.Sprintf("next hop %s: the peer has no %s address configured, so no %s next hop is allowed (allowed: none; next_hop = %s)",
			nh, familyName(fam), familyName(fam), m), true
	}
	what := map[NextHopMode]string{
		NextHopStrict:     "the peer's " + familyName(fam) + " address",
		NextHopSameAS:     fmt.Sprintf("an %s address of a peer with AS%d", familyName(fam), p.ASN),
		NextHopAuthorized: "the peer's " + familyName(fam) + " address or an authorized next hop",
	}[m]
	return fmt.Sprintf("next hop %s is not %s (allowed: %s; next_hop = %s)", nh, what, joinAddrs(allowed), m), true
}

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// compileFamilies rejects every route of a family the peer does not carry,
// so enforcement agrees with checkFamily even while a session still has a
// family negotiated that the config no longer enables.
func compileFamilies(p *Peer) []Statement {
	var st []Statement
	en := p.EnabledFamilies()
	if !en.Has(FamilyIPv4) {
		st = append(st, Statement{Name: "invalid-afi-v4", Reason: ReasonInvalidAFI, Family: FamilyIPv4})
	}
	if !en.Has(FamilyIPv6) {
		st = append(st, Statement{Name: "invalid-afi-v6", Reason: ReasonInvalidAFI, Family: FamilyIPv6})
	}
	return st
}

// compileNextHop rejects next hops outside the allowed addresses of BOTH
// families: GoBGP's next-hop condition has no "not in", so it matches the
// complement, which covers all of a family that has no allowed address.
func compileNextHop(s *Settings, p *Peer) []Statement {
	m := p.NextHopMode(s)
	if m == NextHopOff {
		return nil
	}
	return []Statement{{Name: "next-hop", Reason: ReasonNextHopMismatch, NextHopIn: ComplementSet(p.AllowedNextHops(m))}}
}

// ComplementSet returns prefixes covering every IPv4 and IPv6 address
// except the given ones: at most one prefix per bit per address.
func ComplementSet(except []netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	for _, root := range []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")} {
		var in []netip.Addr
		for _, a := range except {
			if a = a.Unmap(); root.Contains(a) {
				in = append(in, a)
			}
		}
		out = complementIn(root, in, out)
	}
	return out
}

// complementIn appends to out the prefixes of p holding none of the
// addresses in as (all inside p).
func complementIn(p netip.Prefix, as []netip.Addr, out []netip.Prefix) []netip.Prefix {
	if len(as) == 0 {
		return append(out, p)
	}
	if p.Bits() == p.Addr().BitLen() {
		return out // p is one of the excepted addresses
	}
	lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
	hiAddr := p.Addr().AsSlice()
	hiAddr[p.Bits()/8] |= 0x80 >> (p.Bits() % 8)
	ha, _ := netip.AddrFromSlice(hiAddr)
	hi := netip.PrefixFrom(ha, p.Bits()+1)
	var inLo, inHi []netip.Addr
	for _, a := range as {
		if lo.Contains(a) {
			inLo = append(inLo, a)
		} else {
			inHi = append(inHi, a)
		}
	}
	out = complementIn(lo, inLo, out)
	return complementIn(hi, inHi, out)
}
