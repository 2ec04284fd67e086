package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rsguard/rsguard/filters"
)

// Warning is a setting that is valid but cannot do what it looks meant to
// do: a peer whose every route is rejected by the fixed checks, or a static
// prefix no route can ever match. Warnings never fail a check or a start;
// they are printed (rsguard check) and logged (rsguard run) like errors,
// with file, line and key, so the operator finds the dead configuration
// before a member asks why nothing of theirs is accepted.
type Warning struct {
	File string
	Line int // 0 when the key is not written in the document
	Key  string
	Msg  string
}

// String renders "file:line: warning: key: msg" (compilers' convention, so
// editors and greps treat it like an error line), with Error's layout.
func (w *Warning) String() string {
	key := "warning"
	if w.Key != "" {
		key += ": " + w.Key
	}
	return (&Error{File: w.File, Line: w.Line, Key: key, Msg: w.Msg}).Error()
}

// Warnings lists the dead configurations of a valid config, in document
// order. Each check mirrors an import check in filters/pipeline.go that
// would reject every route concerned, and names its reason code.
func (c *Config) Warnings() []*Warning {
	w := &warner{c: c}
	for i, p := range c.Peers {
		w.peer(peerLoc(i, p.Name), p)
	}
	return w.out
}

type warner struct {
	c   *Config
	out []*Warning
}

func (w *warner) addf(at loc, format string, args ...any) {
	w.out = append(w.out, &Warning{File: w.c.Path, Line: w.c.pos.line(at.path), Key: at.display, Msg: fmt.Sprintf(format, args...)})
}

func (w *warner) peer(at loc, p Peer) {
	if r, bogon := filters.BogonASN(p.ASN); bogon && p.ASN != 0 { // AS 0 is an error already
		w.addf(at.key("asn"), "AS%d is a bogon ASN (%s): it is first in every AS path the peer sends, so every route "+
			"is rejected (%s); no route of this peer can get through", p.ASN, r.Note, filters.ReasonBogonASN)
	}
	if len(p.Prefixes) == 0 && p.ASSet == "" {
		w.addf(at, "neither prefixes nor as_set: the allowed prefix list is empty, so every route is rejected (%s); "+
			"add prefixes, or an as_set to take them from the IRR", filters.ReasonPrefixNotRegistered)
	}
	if asn, ok := asSetASN(p.ASSet); ok {
		if r, bogon := filters.BogonASN(asn); bogon {
			w.addf(at.key("as_set"), "%s is a bogon ASN (%s): the only origin it allows is rejected in every AS path (%s)",
				p.ASSet, r.Note, filters.ReasonBogonASN)
		}
	}
	w.addressingWarnings(at, p)
	for j, r := range p.Prefixes {
		if why, dead := w.deadPrefix(r); dead {
			w.addf(at.key("prefixes").index(j), "%s can never match an accepted route: %s", r, why)
		}
	}
	w.peerLists(at, p)
}

// deadPrefix reports why no route admitted by r can pass the fixed checks:
// all of them bogons (bogon_prefix) or all outside the [filters] length
// limits (prefix_length).
func (w *warner) deadPrefix(r filters.PrefixRange) (string, bool) {
	if e, ok := filters.DefaultBogons.Match(r.Prefix); ok && (!e.Exact || int(r.Max) == r.Prefix.Bits()) {
		return fmt.Sprintf("inside %s (%s), rejected as %s", e.Prefix, e.Note, filters.ReasonBogonPrefix), true
	}
	if r.Prefix.Addr().Is6() && r.Prefix.Bits() >= filters.GlobalUnicastIPv6.Bits() &&
		!filters.GlobalUnicastIPv6.Contains(r.Prefix.Addr()) {
		return fmt.Sprintf("outside IPv6 global unicast %s, rejected as %s", filters.GlobalUnicastIPv6, filters.ReasonIPv6NotGlobalUnicast), true
	}
	lim, key := w.c.Filters.IPv4PrefixLength, "ipv4_prefix_length"
	if r.Prefix.Addr().Is6() {
		lim, key = w.c.Filters.IPv6PrefixLength, "ipv6_prefix_length"
	}
	if r.Max < lim[0] || r.Min > lim[1] {
		return fmt.Sprintf("its lengths /%d-/%d are outside filters.%s /%d-/%d, rejected as %s",
			r.Min, r.Max, key, lim[0], lim[1], filters.ReasonPrefixLength), true
	}
	return "", false
}

// asSetASN returns the ASN when an as_set is a plain ASN ("AS64512" or
// "RIPE::AS64512"), not a set.
func asSetASN(s string) (uint32, bool) {
	if _, rest, ok := strings.Cut(s, "::"); ok {
		s = rest
	}
	if !strings.HasPrefix(s, "AS") || strings.HasPrefix(s, "AS-") || strings.Contains(s, ":") {
		return 0, false
	}
	n, err := strconv.ParseUint(s[2:], 10, 32)
	return uint32(n), err == nil
}
