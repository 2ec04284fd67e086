package config

import (
	"github.com/rsguard/rsguard/filters"
)

// peerLists warns about what the list checks make dead: a peer whose own
// ASN must never be seen via route servers (it is first in every path),
// and static prefixes that lie wholly inside a blacklist.
func (w *warner) peerLists(at loc, p Peer) {
	for _, e := range w.c.Filters.ListedNeverViaRS() {
		if e.ASN == p.ASN {
			w.addf(at.key("asn"), "AS%d is on the never-via-route-servers list (%s): it is first in every AS path the peer "+
				"sends, so every route is rejected (%s)", p.ASN, e.Note, filters.ReasonNeverViaRouteServersASN)
			break
		}
	}
	global := filters.GlobalBlacklistEntries(w.c.Global.PeeringLANs, w.c.Filters.GlobalBlacklist)
	for j, r := range p.Prefixes {
		if e, ok := coveredBy(r, global); ok {
			w.addf(at.key("prefixes").index(j), "%s can never match an accepted route: inside %s (%s), rejected as %s",
				r, e.Range, e.Note, filters.ReasonGlobalBlacklist)
			continue
		}
		for _, b := range p.Blacklist {
			if _, ok := coveredBy(r, []filters.ListedPrefix{{Range: b}}); ok {
				w.addf(at.key("prefixes").index(j), "%s can never match an accepted route: inside the peer's blacklist entry %s, rejected as %s",
					r, b, filters.ReasonPeerBlacklist)
				break
			}
		}
	}
}

// coveredBy returns an entry that admits every route r admits.
func coveredBy(r filters.PrefixRange, entries []filters.ListedPrefix) (filters.ListedPrefix, bool) {
	for _, e := range entries {
		if e.Range.Prefix.Addr().Is4() == r.Prefix.Addr().Is4() && e.Range.Prefix.Bits() <= r.Prefix.Bits() &&
			e.Range.Prefix.Contains(r.Prefix.Addr()) && e.Range.Min <= r.Min && r.Max <= e.Range.Max {
			return e, true
		}
	}
	return filters.ListedPrefix{}, false
}
