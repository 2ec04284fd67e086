package config

import (
	"net/netip"
	"slices"

	"github.com/rsguard/rsguard/filters"
)

// Family names accepted in a peer's families list.
const (
	FamilyIPv4 = "ipv4"
	FamilyIPv6 = "ipv6"
)

// Next-hop policies beyond strict and off (RFC 7948 §4.8, as ARouteServer
// offers them).
const (
	NextHopSameAS     = "same-as"    // any address of a peer with the same ASN on the LAN
	NextHopAuthorized = "authorized" // the peer's addresses or its authorized_next_hops
)

var nextHopModes = []string{NextHopStrict, NextHopSameAS, NextHopAuthorized, NextHopOff}

// peerAddressing reads the keys that say where the peer is on the peering
// LAN, which families its session carries and how its next hops are checked.
func (d *decoder) peerAddressing(p *Peer, t *table) {
	if s, at, ok := t.str("ipv4_address"); ok {
		p.IPv4Address = d.addr(at, s)
	}
	if s, at, ok := t.str("ipv6_address"); ok {
		p.IPv6Address = d.addr(at, s)
	}
	if list, locs, ok := t.strList("addresses"); ok {
		p.Addresses = d.addrList(list, locs)
	}
	if list, _, ok := t.strList("families"); ok {
		p.Families = list
	}
	if s, _, ok := t.str("next_hop"); ok {
		p.NextHop = s
	}
	if list, locs, ok := t.strList("authorized_next_hops"); ok {
		p.AuthorizedNextHops = d.addrList(list, locs)
	}
}

func (d *decoder) addrList(list []string, locs []loc) []netip.Addr {
	out := []netip.Addr{}
	for i, s := range list {
		if a := d.addr(locs[i], s); a.IsValid() {
			out = append(out, a)
		}
	}
	return out
}

// OwnAddresses are the peer's addresses on the peering LAN: the session
// address first, then ipv4_address, ipv6_address and addresses, unique.
func (p Peer) OwnAddresses() []netip.Addr {
	var out []netip.Addr
	for _, a := range append([]netip.Addr{p.Address, p.IPv4Address, p.IPv6Address}, p.Addresses...) {
		if a.IsValid() && !slices.Contains(out, a.Unmap()) {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// AddressOf is the peer's first address of the given family.
func (p Peer) AddressOf(ipv4 bool) (netip.Addr, bool) {
	for _, a := range p.OwnAddresses() {
		if a.Is4() == ipv4 {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// EnabledFamilies is what the session carries and GoBGP negotiates:
// families, or by default the session address's own family only.
func (p Peer) EnabledFamilies() filters.Families {
	var f filters.Families
	for _, s := range p.Families {
		switch s {
		case FamilyIPv4:
			f |= filters.FamiliesIPv4
		case FamilyIPv6:
			f |= filters.FamiliesIPv6
		}
	}
	if f != 0 {
		return f
	}
	if p.Address.Unmap().Is4() {
		return filters.FamiliesIPv4
	}
	return filters.FamiliesIPv6
}

// NextHopMode is the peer's next_hop, or [filters] next_hop.
func (c *Config) NextHopMode(p Peer) string {
	if p.NextHop != "" {
		return p.NextHop
	}
	return c.Filters.NextHop
}

// NextHopPolicy resolves the peer's next-hop policy for the checks: for
// same-as, the addresses of every other peer with its ASN; for authorized,
// its authorized_next_hops.
func (c *Config) NextHopPolicy(p Peer) filters.NextHopPolicy {
	m, ok := filters.ParseNextHopMode(c.NextHopMode(p))
	if !ok {
		m = filters.NextHopStrict // validated away; never fail open
	}
	pol := filters.NextHopPolicy{Mode: m}
	switch m {
	case filters.NextHopSameAS:
		for _, o := range c.Peers {
			if o.ASN == p.ASN && o.Name != p.Name {
				pol.Extra = append(pol.Extra, o.OwnAddresses()...)
			}
		}
	case filters.NextHopAuthorized:
		pol.Extra = append(pol.Extra, p.AuthorizedNextHops...)
	}
	return pol
}

// peerAddressing checks the addressing keys of one peer.
func (v *validator) peerAddressing(at loc, p Peer) {
	if a := p.IPv4Address; a.IsValid() {
		switch {
		case !a.Is4():
			v.col.addf(at.key("ipv4_address"), "%s is not an IPv4 address", a)
		case p.Address.Is4() && a != p.Address:
			v.col.addf(at.key("ipv4_address"), "%s differs from the IPv4 session address %s: list further addresses in addresses", a, p.Address)
		default:
			v.lanAddress(at.key("ipv4_address"), a)
		}
	}
	if a := p.IPv6Address; a.IsValid() {
		switch {
		case !a.Is6() || a.Is4In6():
			v.col.addf(at.key("ipv6_address"), "%s is not an IPv6 address", a)
		case p.Address.Is6() && a != p.Address:
			v.col.addf(at.key("ipv6_address"), "%s differs from the IPv6 session address %s: list further addresses in addresses", a, p.Address)
		default:
			v.lanAddress(at.key("ipv6_address"), a)
		}
	}
	for i, a := range p.Addresses {
		v.lanAddress(at.key("addresses").index(i), a)
	}
	seen := map[string]bool{}
	for i, f := range p.Families {
		el := at.key("families").index(i)
		switch {
		case f != FamilyIPv4 && f != FamilyIPv6:
			v.col.addf(el, "%q: want %q or %q", f, FamilyIPv4, FamilyIPv6)
		case seen[f]:
			v.col.addf(el, "%q is listed twice", f)
		}
		seen[f] = true
	}
	if p.Families != nil && len(p.Families) == 0 {
		v.col.addf(at.key("families"), "empty: list %q and/or %q, or leave it out for the session's own family", FamilyIPv4, FamilyIPv6)
	}
	if p.NextHop != "" && !slices.Contains(nextHopModes, p.NextHop) {
		v.col.addf(at.key("next_hop"), "%q: want %s, or leave it out to use [filters] next_hop", p.NextHop, quoteList(nextHopModes))
	}
	if p.AuthorizedNextHops != nil && v.c.NextHopMode(p) != NextHopAuthorized {
		v.col.addf(at.key("authorized_next_hops"), "ignored: the next-hop policy in force is %q; set next_hop = %q to use the list", v.c.NextHopMode(p), NextHopAuthorized)
	}
	for i, a := range p.AuthorizedNextHops {
		v.lanAddress(at.key("authorized_next_hops").index(i), a)
	}
}

// lanAddress: a peer's address on the LAN must be a plain unicast address.
func (v *validator) lanAddress(at loc, a netip.Addr) {
	switch {
	case a.Zone() != "":
		v.col.addf(at, "%s: zones are not supported", a)
	case a.IsUnspecified() || a.IsMulticast():
		v.col.addf(at, "%s is not a unicast address", a)
	case a.Is6() && a.IsLinkLocalUnicast():
		v.col.addf(at, "%s is link-local: next hops are checked against the global address", a)
	}
}

// peerAddressesUnique: one address belongs to one peer. The session address
// itself is checked by peers(); this covers the other addresses.
func (v *validator) peerAddressesUnique() {
	owner := map[netip.Addr]int{}
	for i, p := range v.c.Peers {
		owner[p.Address.Unmap()] = i
	}
	for i, p := range v.c.Peers {
		at := peerLoc(i, p.Name)
		check := func(el loc, a netip.Addr) {
			a = a.Unmap()
			if j, ok := owner[a]; ok && j != i {
				v.col.addf(el, "%s is already an address of peers[%d] (%s)", a, j, v.c.Peers[j].Name)
				return
			}
			owner[a] = i
		}
		if p.IPv4Address.IsValid() && p.IPv4Address != p.Address {
			check(at.key("ipv4_address"), p.IPv4Address)
		}
		if p.IPv6Address.IsValid() && p.IPv6Address != p.Address {
			check(at.key("ipv6_address"), p.IPv6Address)
		}
		for k, a := range p.Addresses {
			check(at.key("addresses").index(k), a)
		}
	}
}

func (v *validator) filtersNextHop() {
	if f := v.c.Filters.NextHop; !slices.Contains(nextHopModes, f) {
		v.col.addf(root.key("filters").key("next_hop"), "%q: want %s (%q: NEXT_HOP must be one of the peer's own addresses)", f, quoteList(nextHopModes), NextHopStrict)
	}
}
