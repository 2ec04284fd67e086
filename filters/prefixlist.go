package filters

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/gaissmai/bart"
)

type lenRange struct{ lo, hi uint8 }

// PrefixList is a peer's allowed prefix list with true covering semantics:
// a route is admitted when ANY entry's prefix covers it and its length is in
// that entry's range. (GoBGP v3 checks only the longest matching entry; see
// NormalizeLongestMatch for how the compiled sets are made to agree.)
type PrefixList struct {
	t     bart.Table[[]lenRange]
	count int
}

// NewPrefixList indexes ranges; duplicates are harmless.
func NewPrefixList(ranges []PrefixRange) *PrefixList {
	pl := &PrefixList{}
	for _, r := range ranges {
		pl.t.Modify(r.Prefix, func(old []lenRange, _ bool) ([]lenRange, bool) {
			return append(old, lenRange{r.Min, r.Max}), false
		})
		pl.count++
	}
	return pl
}

// Len is the number of entries the list was built from.
func (pl *PrefixList) Len() int {
	if pl == nil {
		return 0
	}
	return pl.count
}

// Match returns the entry that admits p.
func (pl *PrefixList) Match(p netip.Prefix) (PrefixRange, bool) {
	if pl == nil {
		return PrefixRange{}, false
	}
	l := uint8(p.Bits())
	for sp, rs := range pl.t.Supernets(p) {
		for _, r := range rs {
			if r.lo <= l && l <= r.hi {
				return PrefixRange{Prefix: sp, Min: r.lo, Max: r.hi}, true
			}
		}
	}
	return PrefixRange{}, false
}

// Explain says why p is not admitted, naming the nearest covering entry.
func (pl *PrefixList) Explain(p netip.Prefix) string {
	if pl.Len() == 0 {
		return "the peer's allowed prefix list is empty (default deny)"
	}
	var nearest *PrefixRange
	for sp, rs := range pl.t.Supernets(p) {
		if nearest == nil || sp.Bits() > nearest.Prefix.Bits() {
			nearest = &PrefixRange{Prefix: sp, Min: rs[0].lo, Max: rs[0].hi}
		}
	}
	if nearest != nil {
		return fmt.Sprintf("covered by %s but /%d is outside its lengths", nearest, p.Bits())
	}
	return fmt.Sprintf("not covered by any of the peer's %d allowed prefixes", pl.Len())
}

// Ranges returns every entry, sorted, IPv4 first.
func (pl *PrefixList) Ranges() []PrefixRange {
	if pl == nil {
		return nil
	}
	var out []PrefixRange
	for p, rs := range pl.t.AllSorted() {
		for _, r := range rs {
			out = append(out, PrefixRange{Prefix: p, Min: r.lo, Max: r.hi})
		}
	}
	return out
}

// NormalizeLongestMatch rewrites ranges so that a matcher which consults only
// the longest matching entry prefix (GoBGP v3's prefix-set, notes §3 pitfall
// 3) admits exactly what covering semantics admits: every entry prefix N
// inherits the ranges of all entries that cover it, clipped to lengths >= N.
// Ranges at one prefix are merged. Output is sorted and duplicate-free.
func NormalizeLongestMatch(ranges []PrefixRange) []PrefixRange {
	pl := NewPrefixList(ranges)
	var out []PrefixRange
	for n := range pl.t.AllSorted() {
		nl := uint8(n.Bits())
		var rs []lenRange
		for _, inherited := range pl.t.Supernets(n) {
			for _, r := range inherited {
				lo := max(r.lo, nl)
				if lo <= r.hi {
					rs = append(rs, lenRange{lo, r.hi})
				}
			}
		}
		for _, r := range mergeLenRanges(rs) {
			out = append(out, PrefixRange{Prefix: n, Min: r.lo, Max: r.hi})
		}
	}
	return out
}

func mergeLenRanges(rs []lenRange) []lenRange {
	if len(rs) == 0 {
		return nil
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].lo < rs[j].lo })
	out := []lenRange{rs[0]}
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi+1 {
			last.hi = max(last.hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}
