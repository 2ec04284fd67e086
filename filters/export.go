package filters

import (
	"fmt"
	"slices"
)

// ExportSettings are the server-wide knobs of export control.
type ExportSettings struct {
	// RSASN is the route server's ASN, the "RS" of every control community.
	RSASN uint32
	// HonourWellKnown makes the route server act on NO_EXPORT and
	// NO_ADVERTISE itself (an edge deployment). Off by default: an IXP
	// route server passes them through and its clients act on them, like
	// BIRD route servers with "interpret communities off".
	HonourWellKnown bool
}

// Announcement-control values, ARouteServer `configure` and Euro-IX
// defaults (route-server-reference.md §b). "RS" is ExportSettings.RSASN.
const (
	lcDoNotAnnounce = 0     // RS:0:peer, RS:0:0 = to none
	lcAnnounceTo    = 1     // RS:1:peer
	lcPrepend1      = 101   // RS:101:peer, RS:101:0 = toward all
	lcPrepend3      = 103   // RS:102 and RS:103 prepend twice, three times
	lcAddNoExport   = 65281 // RS:65281:peer
	lcAddNoAdv      = 65282 // RS:65282:peer
)

// ExportDecision says whether a route goes to one receiving peer and what
// it looks like on the wire.
type ExportDecision struct {
	Send bool
	// Rule is the community or setting that decided, for operators:
	// "0:21001: do not announce to AS21001".
	Rule string
	// Prepend is how many times the announcing peer's ASN (the left-most
	// ASN) is prepended toward this peer.
	Prepend int
	// Added are the well-known communities added toward this peer
	// (RS:65281:peer adds NO_EXPORT, RS:65282:peer NO_ADVERTISE).
	Added []Community
	// Communities and LargeCommunities are what the peer receives, after
	// control communities addressed to the route server were removed.
	Communities      []Community
	LargeCommunities []LargeCommunity
}

// std16 reports whether an ASN can appear in a standard community.
func std16(asn uint32) bool { return asn <= 0xFFFF }

// DecideExport is the reference semantics of export control for a route
// with communities c (as received) toward the peer with ASN to. The
// GoBGP export policy compiled by CompileExport must agree with it
// (routeserver/export_differential_test.go); explain shows its result.
// Rules, first match wins:
//  0. The receiver's ASN is in the AS_SEQUENCE: not sent (a loop for it).
//  1. HonourWellKnown and NO_ADVERTISE or NO_EXPORT: sent to nobody.
//  2. 0:peer or RS:0:peer: not to that peer.
//  3. RS:peer or RS:1:peer: to that peer (overrides 4 and 5, so the
//     Euro-IX idiom "0:RS + RS:peer" means "only to peer").
//  4. 0:RS or RS:0:0: to nobody.
//  5. Any other RS:peer or RS:1:peer: only to the peers listed.
//
// Then, when sent: prepend (RS:103, RS:102, RS:101 with :peer or :0; the
// largest count wins, no stacking), add NO_EXPORT / NO_ADVERTISE
// (RS:65281:peer / RS:65282:peer), and remove every standard community
// 0:* and RS:* and every large community RS:*:* — control and
// informational ones alike.
func DecideExport(s ExportSettings, r Route, c Communities, to uint32) ExportDecision {
	rs := s.RSASN
	std := func(hi, lo uint32) (Community, bool) {
		if !std16(hi) || !std16(lo) {
			return 0, false
		}
		return NewCommunity(uint16(hi), uint16(lo)), true
	}
	hasStd := func(hi, lo uint32) bool {
		x, ok := std(hi, lo)
		return ok && hasCommunity(c.Std, x)
	}
	hasLrg := func(l1, l2 uint32) bool { return hasLarge(c.Large, LargeCommunity{rs, l1, l2}) }
	drop := func(rule string) ExportDecision { return ExportDecision{Rule: rule} }

	if inASPath(r.ASPath, to) {
		return drop(fmt.Sprintf("AS%d is in the AS_PATH: it would drop the route as a loop", to))
	}
	if s.HonourWellKnown {
		if hasCommunity(c.Std, NoAdvertise) {
			return drop("NO_ADVERTISE honoured (communities.honour_well_known)")
		}
		if hasCommunity(c.Std, NoExport) {
			return drop("NO_EXPORT honoured (communities.honour_well_known)")
		}
	}
	if hasStd(0, to) {
		return drop(fmt.Sprintf("0:%d: do not announce to AS%d", to, to))
	}
	if hasLrg(lcDoNotAnnounce, to) {
		return drop(fmt.Sprintf("%d:0:%d: do not announce to AS%d", rs, to, to))
	}
	d := ExportDecision{Send: true, Rule: "no announcement-control community: announced to all"}
	switch {
	case to != 0 && hasStd(rs, to):
		d.Rule = fmt.Sprintf("%d:%d: announce to AS%d", rs, to, to)
	case to != 0 && hasLrg(lcAnnounceTo, to):
		d.Rule = fmt.Sprintf("%d:1:%d: announce to AS%d", rs, to, to)
	case hasStd(0, rs):
		return drop(fmt.Sprintf("0:%d: do not announce to any peer", rs))
	case hasLrg(lcDoNotAnnounce, 0):
		return drop(fmt.Sprintf("%d:0:0: do not announce to any peer", rs))
	default:
		for _, x := range c.Std {
			if std16(rs) && uint32(x.ASN()) == rs && x.Value() != 0 {
				return drop(fmt.Sprintf("%s: announce only to AS%d, not to AS%d", x, x.Value(), to))
			}
		}
		for _, l := range c.Large {
			if l.Global == rs && l.Local1 == lcAnnounceTo && l.Local2 != 0 {
				return drop(fmt.Sprintf("%s: announce only to AS%d, not to AS%d", l, l.Local2, to))
			}
		}
	}
	if _, ok := r.ASPath.First(); ok {
		for n := lcPrepend3 - lcPrepend1 + 1; n >= 1; n-- {
			if hasLrg(uint32(lcPrepend1-1+n), to) || hasLrg(uint32(lcPrepend1-1+n), 0) {
				d.Prepend = n
				break
			}
		}
	}
	if hasLrg(lcAddNoExport, to) && !hasCommunity(c.Std, NoExport) {
		d.Added = append(d.Added, NoExport)
	}
	if hasLrg(lcAddNoAdv, to) && !hasCommunity(c.Std, NoAdvertise) {
		d.Added = append(d.Added, NoAdvertise)
	}
	for _, x := range c.Std {
		if !scrubbedStd(x, rs) {
			d.Communities = append(d.Communities, x)
		}
	}
	d.Communities = append(d.Communities, d.Added...)
	for _, l := range c.Large {
		if l.Global != rs {
			d.LargeCommunities = append(d.LargeCommunities, l)
		}
	}
	return d
}

// inASPath: asn in an AS_SEQUENCE segment, as GoBGP's "_N_" matches it.
// Paths with an AS_SET never get here: the import checks reject them.
func inASPath(p ASPath, asn uint32) bool {
	for _, s := range p {
		if s.Type == SegSequence && slices.Contains(s.ASNs, asn) {
			return true
		}
	}
	return false
}

// scrubbedStd: standard communities addressed to the route server (0:*
// and RS:*) never leave it.
func scrubbedStd(c Community, rs uint32) bool {
	return c.ASN() == 0 || (std16(rs) && uint32(c.ASN()) == rs)
}

// ExportPeer is a possible receiver, for ExportTargets.
type ExportPeer struct {
	Name string
	ASN  uint32
}

// ExportTarget is the decision toward one peer.
type ExportTarget struct {
	Peer     ExportPeer
	Decision ExportDecision
}

// ExportTargets decides a route from the peer named from toward every
// other peer, in the order given. A route is never sent back to the peer
// that announced it.
func ExportTargets(s ExportSettings, r Route, c Communities, from string, peers []ExportPeer) []ExportTarget {
	out := make([]ExportTarget, 0, len(peers))
	for _, p := range peers {
		if p.Name == from {
			continue
		}
		out = append(out, ExportTarget{Peer: p, Decision: DecideExport(s, r, c, p.ASN)})
	}
	return out
}

// SortedCommunities returns a sorted copy, for comparing community lists
// whose order the wire does not fix.
func SortedCommunities(cs []Community) []Community {
	out := slices.Clone(cs)
	slices.Sort(out)
	return out
}
