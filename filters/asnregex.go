package filters

import (
	"sort"
	"strconv"
	"strings"
)

// ASNRangeRegexp renders an inclusive ASN range as a decimal regular
// expression alternation, e.g. 64496..64511 → "6449[6-9]|650[0-1][0-9]...".
// GoBGP's AS-path sets only know single ASNs or regexps, so the bogon-ASN
// ranges reach the engine in this form. No anchors are added.
func ASNRangeRegexp(lo, hi uint32) string {
	var alts []string
	for _, r := range splitDecimalRange(uint64(lo), uint64(hi)) {
		alts = append(alts, digitPattern(r[0], r[1]))
	}
	return strings.Join(alts, "|")
}

// splitDecimalRange cuts [lo,hi] into sub-ranges whose bounds have the same
// number of digits and differ only in a run of trailing digits, so each can
// be written as a fixed prefix plus per-digit classes.
func splitDecimalRange(lo, hi uint64) [][2]uint64 {
	stops := map[uint64]bool{hi: true}
	for k := uint64(10); ; k *= 10 {
		s := lo - lo%k + k - 1 // lo with its last digits filled by nines
		if s < lo || s >= hi {
			break
		}
		stops[s] = true
		if k > hi {
			break
		}
	}
	for k := uint64(10); k <= hi+1; k *= 10 {
		s := (hi + 1) - (hi+1)%k - 1 // hi+1 with its last digits zeroed, minus one
		if (hi+1)%k == hi+1 || s < lo || s > hi {
			break
		}
		stops[s] = true
	}
	sorted := make([]uint64, 0, len(stops))
	for s := range stops {
		sorted = append(sorted, s)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	var out [][2]uint64
	start := lo
	for _, s := range sorted {
		if s < start {
			continue
		}
		out = append(out, [2]uint64{start, s})
		start = s + 1
	}
	return out
}

func digitPattern(a, b uint64) string {
	as, bs := strconv.FormatUint(a, 10), strconv.FormatUint(b, 10)
	var sb strings.Builder
	for i := range as {
		switch {
		case as[i] == bs[i]:
			sb.WriteByte(as[i])
		default:
			sb.WriteByte('[')
			sb.WriteByte(as[i])
			sb.WriteByte('-')
			sb.WriteByte(bs[i])
			sb.WriteByte(']')
		}
	}
	return sb.String()
}
