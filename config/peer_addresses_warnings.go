package config

import (
	"github.com/rsguard/rsguard/filters"
)

// addressingWarnings: families, addresses and next-hop policy that make a
// whole family of the peer's routes unacceptable.
func (w *warner) addressingWarnings(at loc, p Peer) {
	famAt := at
	if p.Families != nil {
		famAt = at.key("families")
	}
	en := p.EnabledFamilies()
	pol := w.c.NextHopPolicy(p)
	in := &filters.Peer{Address: p.Address, Addresses: p.OwnAddresses(), NextHop: pol}
	allowed := in.AllowedNextHops(pol.Mode)
	for _, f := range []struct {
		fam  filters.Family
		name string
		key  string
	}{{filters.FamilyIPv4, FamilyIPv4, "ipv4_address"}, {filters.FamilyIPv6, FamilyIPv6, "ipv6_address"}} {
		first, n := -1, 0 // the peer's static prefixes of this family
		for j, r := range p.Prefixes {
			if filters.FamilyOf(r.Prefix.Addr()) == f.fam {
				if first < 0 {
					first = j
				}
				n++
			}
		}
		if !en.Has(f.fam) {
			if n > 0 {
				w.addf(at.key("prefixes").index(first), "%d %s prefixes (first %s), but families (%s) does not include %s: "+
					"%s is not negotiated and its routes are rejected (%s)", n, f.name, p.Prefixes[first], en, f.name, f.name, filters.ReasonInvalidAFI)
			}
			continue
		}
		has := false
		for _, a := range allowed {
			has = has || filters.FamilyOf(a) == f.fam
		}
		// only a peer that may announce the family: static prefixes of it,
		// or an as_set whose route objects may hold some
		if pol.Mode != filters.NextHopOff && !has && (n > 0 || p.ASSet != "") {
			w.addf(famAt, "%s is enabled but the peer has no %s address (%s) and next_hop = %q allows none: every %s next hop "+
				"is rejected (%s)", f.name, f.name, f.key, w.c.NextHopMode(p), f.name, filters.ReasonNextHopMismatch)
		}
	}
}
