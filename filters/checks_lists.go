package filters

import (
	"fmt"
	"net/netip"
)

// DefaultTransitFreeASNs are ARouteServer's well-known transit-free
// networks: a route through one of them, learnt from anyone but that
// network itself, is a leak.
var DefaultTransitFreeASNs = []uint32{174, 701, 1299, 2914, 3257, 3320, 3356, 5511, 6453, 6461, 6762, 6830, 7018, 12956}

// AllowedRoute is a per-peer exception (ARouteServer's white_list_route):
// a route inside Range, originated by Origin (0: any origin), passes the
// origin and prefix checks even when the IRR data does not have it.
type AllowedRoute struct {
	Range  PrefixRange
	Origin uint32
}

// Matches reports whether r is covered by the exception.
func (a AllowedRoute) Matches(r *Route) bool {
	if !a.Range.Contains(r.Prefix) {
		return false
	}
	if a.Origin == 0 {
		return true
	}
	o, ok := r.ASPath.Origin()
	return ok && o == a.Origin
}

func (a AllowedRoute) String() string {
	if a.Origin == 0 {
		return a.Range.String()
	}
	return fmt.Sprintf("%s origin AS%d", a.Range, a.Origin)
}

// checkIPv6GlobalUnicast: only 2000::/3 is routed on the Internet (RFC
// 4291). A prefix shorter than /3 covers more than global unicast and
// fails too, as it does in the compiled set (2000::/3, lengths 3-128).
func checkIPv6GlobalUnicast(r *Route, _ *Settings, _ *Peer) (string, bool) {
	if !r.Prefix.Addr().Is6() {
		return "", false
	}
	if r.Prefix.Bits() < GlobalUnicastIPv6.Bits() || !GlobalUnicastIPv6.Contains(r.Prefix.Addr()) {
		return fmt.Sprintf("outside IPv6 global unicast %s", GlobalUnicastIPv6), true
	}
	return "", false
}

func blacklistDetail(e ListedPrefix, which string) string {
	d := fmt.Sprintf("inside %s (%s", e.Range, which)
	if e.Note != "" {
		d += ": " + e.Note
	}
	return d + ")"
}

func checkGlobalBlacklist(r *Route, s *Settings, _ *Peer) (string, bool) {
	if e, ok := s.GlobalBlacklist.Match(r.Prefix); ok {
		return blacklistDetail(e, "global blacklist"), true
	}
	return "", false
}

func checkPeerBlacklist(r *Route, _ *Settings, p *Peer) (string, bool) {
	if e, ok := p.Blacklist.Match(r.Prefix); ok {
		return blacklistDetail(e, "blacklist of peer "+p.Name), true
	}
	return "", false
}

// checkTransitFree: a transit-free network peering at the IXP may announce
// its own routes, so the peer's own ASN is never counted, wherever it is.
func checkTransitFree(r *Route, s *Settings, p *Peer) (string, bool) {
	d := findListed(r.ASPath, s.TransitFree, func(a uint32) bool { return a == p.ASN })
	return d, d != ""
}

// checkNeverViaRS: networks that ask never to be reached through a route
// server (PeeringDB's flag), anywhere in the path, the peer included.
func checkNeverViaRS(r *Route, s *Settings, _ *Peer) (string, bool) {
	d := findListed(r.ASPath, s.NeverViaRS, func(uint32) bool { return false })
	return d, d != ""
}

// unlessAllowedRoute exempts the peer's allowed_routes from an IRR check.
func unlessAllowedRoute(run func(*Route, *Settings, *Peer) (string, bool)) func(*Route, *Settings, *Peer) (string, bool) {
	return func(r *Route, s *Settings, p *Peer) (string, bool) {
		if _, ok := p.AllowedRouteFor(r); ok {
			return "", false
		}
		return run(r, s, p)
	}
}

// AllowedRouteFor returns the first allowed_routes entry covering r.
func (p *Peer) AllowedRouteFor(r *Route) (AllowedRoute, bool) {
	for _, a := range p.AllowedRoutes {
		if a.Matches(r) {
			return a, true
		}
	}
	return AllowedRoute{}, false
}

// checkOff reports whether the peer's config turned the check for reason
// off: it is still run, and reported as a note.
func (p *Peer) checkOff(r Reason) bool {
	switch r {
	case ReasonPrefixNotRegistered:
		return p.PrefixCheckOff
	case ReasonOriginNotInASSet:
		return p.OriginCheckOff
	}
	return false
}

// ChecksOff names the checks the peer's config turned off, for operators.
func (p *Peer) ChecksOff() []Reason {
	var out []Reason
	for _, r := range []Reason{ReasonOriginNotInASSet, ReasonPrefixNotRegistered} {
		if p.checkOff(r) {
			out = append(out, r)
		}
	}
	return out
}

func checkOffNote(p *Peer, detail string) string {
	return fmt.Sprintf("check off for peer %s, not rejected: %s", p.Name, detail)
}

// peeringLANNote labels the peering LAN entries of the global blacklist.
const peeringLANNote = "peering LAN"

// GlobalBlacklistEntries is the global blacklist in force: every peering
// LAN with all its more-specifics (no client may announce the LAN itself),
// then the configured entries.
func GlobalBlacklistEntries(peeringLANs []netip.Prefix, configured []PrefixRange) []ListedPrefix {
	var out []ListedPrefix
	for _, lan := range peeringLANs {
		lan = lan.Masked()
		out = append(out, ListedPrefix{Range: PrefixRange{Prefix: lan, Min: uint8(lan.Bits()), Max: uint8(lan.Addr().BitLen())}, Note: peeringLANNote})
	}
	for _, r := range configured {
		out = append(out, ListedPrefix{Range: r, Note: "global_blacklist"})
	}
	return out
}
