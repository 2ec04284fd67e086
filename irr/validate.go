package irr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rsguard/rsguard/filters"
)

// The broadest prefixes taken from IRR data: IANA allocates at most a /8
// (IPv4) or a /12 (IPv6) to a registry, so a route object or route-set
// member broader than that is a mistake or an attempt to open the filter.
const (
	MinPrefixLenIPv4 = 8
	MinPrefixLenIPv6 = 12
)

// CheckRange says why a prefix range may not be part of a peer's IRR
// filter ("" when it may): a malformed range (host bits set, lengths out
// of order or out of the family), one in the wrong family list, one
// broader than MinPrefixLenIPv4/6, a default route or a bogon
// (filters.DefaultBogons, and IPv6 outside 2000::/3).
func CheckRange(r filters.PrefixRange, ipv6 bool) string {
	p := r.Prefix
	bits, maxBits := p.Bits(), 32
	if p.Addr().Is6() {
		maxBits = 128
	}
	switch {
	case !p.IsValid() || p.Addr().Is4In6() || p.Addr().Zone() != "":
		return "not a valid prefix"
	case p.Addr().Is6() != ipv6:
		return "in the wrong address family list"
	case p != p.Masked():
		return "has host bits set"
	case int(r.Min) < bits || r.Max < r.Min || int(r.Max) > maxBits:
		return fmt.Sprintf("length range {%d,%d} does not fit /%d", r.Min, r.Max, bits)
	case bits == 0:
		return "default route"
	case !ipv6 && bits < MinPrefixLenIPv4, ipv6 && bits < MinPrefixLenIPv6:
		return fmt.Sprintf("broader than /%d", map[bool]int{false: MinPrefixLenIPv4, true: MinPrefixLenIPv6}[ipv6])
	case ipv6 && !filters.GlobalUnicastIPv6.Contains(p.Addr()):
		return "bogon (outside global unicast 2000::/3)"
	}
	if b, ok := filters.DefaultBogons.Match(p); ok {
		return fmt.Sprintf("bogon (%s %s)", b.Prefix, b.Note)
	}
	return ""
}

// Sanitize drops from a fresh result every prefix range CheckRange
// refuses and every bogon origin ASN, with a warning each: one bad route
// object in a registry must not block a peer's whole filter, nor widen it.
func (r *Result) Sanitize() {
	r.IPv4 = r.keepRanges(r.IPv4, false)
	r.IPv6 = r.keepRanges(r.IPv6, true)
	kept := r.Origins[:0]
	for _, a := range r.Origins {
		if IsBogonASN(a) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("dropping bogon origin %s", FormatASN(a)))
			continue
		}
		kept = append(kept, a)
	}
	r.Origins = kept
}

func (r *Result) keepRanges(rs []filters.PrefixRange, ipv6 bool) []filters.PrefixRange {
	kept := rs[:0]
	for _, pr := range rs {
		if why := CheckRange(pr, ipv6); why != "" {
			r.Warnings = append(r.Warnings, fmt.Sprintf("dropping %s: %s", pr, why))
			continue
		}
		kept = append(kept, pr)
	}
	return kept
}

// Validate returns why a stored result (the last-good cache) may not be
// used, or nil: everything Sanitize would drop from fresh data, plus what
// a refresh never writes (no target, no fetch time, bogon origins). A
// stored result is refused whole rather than cleaned: it was written from
// sanitized data, so a bad entry means the file was edited or damaged.
func (r *Result) Validate() error {
	var problems []string
	if strings.TrimSpace(r.Target) == "" {
		problems = append(problems, "no target")
	}
	if r.FetchedAt.IsZero() {
		problems = append(problems, "no fetched_at")
	}
	for _, list := range []struct {
		rs   []filters.PrefixRange
		ipv6 bool
	}{{r.IPv4, false}, {r.IPv6, true}} {
		for _, pr := range list.rs {
			if why := CheckRange(pr, list.ipv6); why != "" {
				problems = append(problems, fmt.Sprintf("%s: %s", pr, why))
			}
		}
	}
	for _, a := range r.Origins {
		if IsBogonASN(a) {
			problems = append(problems, fmt.Sprintf("bogon origin %s", FormatASN(a)))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	if len(problems) > 5 {
		problems = append(problems[:5], fmt.Sprintf("and %d more", len(problems)-5))
	}
	return fmt.Errorf("%w: %s", ErrInvalidResult, strings.Join(problems, "; "))
}

// ErrInvalidResult marks a stored result that Validate refused.
var ErrInvalidResult = errors.New("irr: result refused")

// dropRefused removes the route entries and route-set ranges CheckRange
// refuses, with a warning each (ExpandOptions.DropRefusedPrefixes).
func (r *Result) dropRefused(routes []RouteEntry, ranges []filters.PrefixRange) ([]RouteEntry, []filters.PrefixRange) {
	keptRoutes := routes[:0]
	for _, e := range routes {
		pr := filters.PrefixRange{Prefix: e.Prefix, Min: uint8(e.Prefix.Bits()), Max: uint8(e.Prefix.Bits())}
		if why := CheckRange(pr, e.Prefix.Addr().Is6()); why != "" {
			r.Warnings = append(r.Warnings, fmt.Sprintf("dropping route object %s: %s", e.Prefix, why))
			continue
		}
		keptRoutes = append(keptRoutes, e)
	}
	keptRanges := ranges[:0]
	for _, pr := range ranges {
		if why := CheckRange(pr, pr.Prefix.Addr().Is6()); why != "" {
			r.Warnings = append(r.Warnings, fmt.Sprintf("dropping route-set member %s: %s", pr, why))
			continue
		}
		keptRanges = append(keptRanges, pr)
	}
	return keptRoutes, keptRanges
}
