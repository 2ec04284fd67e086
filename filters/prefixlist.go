package filters

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/gaissmai/bart"
)

type lenRange struct{ lo, hi uint8 }

// entryLens is a bart value: the length ranges listed for one entry
// prefix. Nearly every prefix has one, held inline (lo | hi<<8); a prefix
// listed more than once is an index into PrefixList.multi. (A []lenRange
// per prefix cost a 24 B slice header plus an 8 B allocation for every
// entry of every peer's list: issue 11.)
type entryLens uint32

const entryLensMulti entryLens = 1 << 31

func oneLen(r lenRange) entryLens { return entryLens(r.lo) | entryLens(r.hi)<<8 }

// PrefixList is a peer's allowed prefix list with true covering semantics:
// a route is admitted when ANY entry's prefix covers it and its length is in
// that entry's range. (GoBGP v3 checks only the longest matching entry; see
// NormalizeLongestMatch for how the compiled sets are made to agree.)
type PrefixList struct {
	t     bart.Table[entryLens]
	multi [][]lenRange // ranges of prefixes listed more than once, in list order
	count int
}

// NewPrefixList indexes ranges; duplicates are harmless.
func NewPrefixList(ranges []PrefixRange) *PrefixList {
	pl := &PrefixList{}
	for _, r := range ranges {
		lr := lenRange{r.Min, r.Max}
		pl.t.Modify(r.Prefix, func(old entryLens, found bool) (entryLens, bool) {
			switch {
			case !found:
				return oneLen(lr), false
			case old&entryLensMulti != 0:
				i := old &^ entryLensMulti
				pl.multi[i] = append(pl.multi[i], lr)
				return old, false
			}
			var one [1]lenRange
			pl.multi = append(pl.multi, append(pl.lens(old, &one), lr))
			return entryLensMulti | entryLens(len(pl.multi)-1), false
		})
		pl.count++
	}
	return pl
}

// lens returns the ranges v stands for, in list order; a single one is
// written to *one, so lookups allocate nothing.
func (pl *PrefixList) lens(v entryLens, one *[1]lenRange) []lenRange {
	if v&entryLensMulti != 0 {
		return pl.multi[v&^entryLensMulti]
	}
	one[0] = lenRange{uint8(v), uint8(v >> 8)}
	return one[:]
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
	return pl.find(p, func(lo, hi, l uint8) bool { return lo <= l && l <= hi })
}

// find returns the first entry covering p whose lengths ok accepts for p's
// length l (Match: inside min..max; Inside: at least min).
func (pl *PrefixList) find(p netip.Prefix, ok func(lo, hi, l uint8) bool) (PrefixRange, bool) {
	if pl == nil {
		return PrefixRange{}, false
	}
	l := uint8(p.Bits())
	var one [1]lenRange
	for sp, v := range pl.t.Supernets(p) {
		for _, r := range pl.lens(v, &one) {
			if ok(r.lo, r.hi, l) {
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
	var one [1]lenRange
	for sp, v := range pl.t.Supernets(p) {
		rs := pl.lens(v, &one)
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
	if pl == nil || pl.count == 0 {
		return nil
	}
	out := make([]PrefixRange, 0, pl.count)
	var one [1]lenRange
	for p, v := range pl.t.AllSorted() {
		for _, r := range pl.lens(v, &one) {
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
		var one [1]lenRange
		for _, inherited := range pl.t.Supernets(n) {
			for _, r := range pl.lens(inherited, &one) {
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
