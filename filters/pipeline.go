package filters

import (
	"fmt"
	"strings"
)

// check is one import check: it returns evidence when the route fails it.
type check struct {
	reason Reason
	run    func(r *Route, s *Settings, p *Peer) (detail string, failed bool)
}

// pipeline is the one place the check order lives (like CoreDNS plugin.cfg).
// Evaluate runs all of them; the order only decides the order of reasons.
var pipeline = []check{
	{ReasonInvalidAFI, checkFamily},
	{ReasonBogonPrefix, checkBogonPrefix},
	{ReasonIPv6NotGlobalUnicast, checkIPv6GlobalUnicast},
	{ReasonGlobalBlacklist, checkGlobalBlacklist},
	{ReasonPeerBlacklist, checkPeerBlacklist},
	{ReasonPrefixLength, checkPrefixLength},
	{ReasonFirstASMismatch, checkFirstAS},
	{ReasonBogonASN, checkBogonASN},
	{ReasonTransitFreeASN, checkTransitFree},
	{ReasonNeverViaRouteServersASN, checkNeverViaRS},
	{ReasonASPathTooLong, checkASPathLength},
	{ReasonNextHopMismatch, checkNextHop},
	{ReasonOriginNotInASSet, unlessAllowedRoute(checkOrigin)},
	{ReasonPrefixNotRegistered, unlessAllowedRoute(checkRegistered)},
	{ReasonRPKIInvalid, checkRPKI},
	{ReasonDampened, checkDampened},
	{ReasonASSetInPath, checkASSetInPath},
	{ReasonMaxPrefixBlocked, checkMaxPrefixBlocked},
}

// Evaluate runs every check on r and returns every failing reason with its
// evidence. It never mutates its inputs.
func Evaluate(r Route, s *Settings, p *Peer) Verdict {
	var v Verdict
	for _, c := range pipeline {
		if d, failed := c.run(&r, s, p); failed {
			if p.checkOff(c.reason) {
				v.Notes = append(v.Notes, Rejection{Reason: c.reason, Detail: checkOffNote(p, d)})
				continue
			}
			v.Rejections = append(v.Rejections, Rejection{Reason: c.reason, Detail: d})
		}
	}
	v.RPKI = RPKIState(r, s)
	return v
}

func checkBogonPrefix(r *Route, s *Settings, _ *Peer) (string, bool) {
	if e, ok := s.bogons().Match(r.Prefix); ok {
		if e.Exact {
			return fmt.Sprintf("%s (%s)", e.Prefix, e.Note), true
		}
		return fmt.Sprintf("inside %s (%s)", e.Prefix, e.Note), true
	}
	return "", false
}

func checkPrefixLength(r *Route, s *Settings, _ *Peer) (string, bool) {
	if s.IsBlackhole(r) {
		return blackholeLength(r, s)
	}
	lim, fam := s.IPv4Length, "IPv4"
	if r.Prefix.Addr().Is6() {
		lim, fam = s.IPv6Length, "IPv6"
	}
	l := r.Prefix.Bits()
	if l < int(lim[0]) || l > int(lim[1]) {
		return fmt.Sprintf("/%d outside %s limits /%d-/%d", l, fam, lim[0], lim[1]), true
	}
	return "", false
}

func checkFirstAS(r *Route, _ *Settings, p *Peer) (string, bool) {
	first, ok := r.ASPath.First()
	switch {
	case len(r.ASPath) == 0:
		return fmt.Sprintf("empty AS path, expected peer AS%d first", p.ASN), true
	case !ok:
		return fmt.Sprintf("AS path %q does not start with an AS_SEQUENCE, expected peer AS%d first", r.ASPath, p.ASN), true
	case first != p.ASN:
		return fmt.Sprintf("left-most AS%d is not the peer's AS%d", first, p.ASN), true
	}
	return "", false
}

func checkBogonASN(r *Route, _ *Settings, _ *Peer) (string, bool) {
	var found []string
	seen := map[uint32]bool{}
	for _, a := range r.ASPath.All() {
		if rg, ok := BogonASN(a); ok && !seen[a] {
			seen[a] = true
			found = append(found, fmt.Sprintf("AS%d (%s)", a, rg.Note))
		}
	}
	if len(found) > 0 {
		return strings.Join(found, ", ") + " in AS path", true
	}
	return "", false
}

func checkASPathLength(r *Route, s *Settings, _ *Peer) (string, bool) {
	if n := r.ASPath.Len(); n > s.MaxASPathLen {
		return fmt.Sprintf("length %d > max %d", n, s.MaxASPathLen), true
	}
	return "", false
}

func checkOrigin(r *Route, _ *Settings, p *Peer) (string, bool) {
	if p.Origins == nil {
		return "", false
	}
	o, ok := r.ASPath.Origin()
	if !ok {
		return fmt.Sprintf("AS path %q has no single origin AS; %s allows %d origins", r.ASPath, p.Origins.Source, p.Origins.Len()), true
	}
	if !p.Origins.Contains(o) {
		return fmt.Sprintf("origin AS%d not in %s (%d origins)", o, p.Origins.Source, p.Origins.Len()), true
	}
	return "", false
}

func checkRegistered(r *Route, s *Settings, p *Peer) (string, bool) {
	if s.IsBlackhole(r) {
		return blackholeRegistered(r, p)
	}
	if _, ok := p.Allowed.Match(r.Prefix); ok {
		return "", false
	}
	return p.Allowed.Explain(r.Prefix), true
}

func checkDampened(r *Route, _ *Settings, p *Peer) (string, bool) {
	if p.Dampened == nil {
		return "", false
	}
	return p.Dampened(r.Prefix)
}

func checkMaxPrefixBlocked(r *Route, _ *Settings, p *Peer) (string, bool) {
	if p.Blocked == nil {
		return "", false
	}
	return p.Blocked(r.Prefix)
}
