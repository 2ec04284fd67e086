package irr

import (
	"net/netip"

	"github.com/rsguard/rsguard/filters"
)

// Normalize makes a range list safe for a longest-match-only prefix set
// (GoBGP v3 checks lengths only at the longest entry that contains the
// route). For every entry N inside a parent P whose range lo..hi reaches
// len(N), it adds N with max(lo, len N)..hi, so a route below N that P
// admits is still admitted when N is the longest match. Overlapping ranges
// of one prefix are merged. The admitted set of routes does not change.
func Normalize(ranges []filters.PrefixRange) []filters.PrefixRange {
	return filters.NormalizeLongestMatch(ranges)
}

// Matches reports whether any range admits the route prefix, with real
// covering semantics: every entry is considered, not only the longest.
func Matches(ranges []filters.PrefixRange, route netip.Prefix) bool {
	for _, r := range ranges {
		if r.Contains(route) {
			return true
		}
	}
	return false
}
