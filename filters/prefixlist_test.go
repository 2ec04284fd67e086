package filters

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

// TestPrefixListRepeatedPrefixes covers the compact bart values: a prefix
// listed once is held inline, one listed again moves to PrefixList.multi.
// Either way Match/Inside must name an entry of the list that admits the
// route exactly when one exists (checked against a scan of the input), Len
// counts every entry, and Ranges gives back every entry, each prefix's
// ranges in list order.
func TestPrefixListRepeatedPrefixes(t *testing.T) {
	bases := []netip.Prefix{netip.MustParsePrefix("45.0.0.0/8"), netip.MustParsePrefix("45.1.0.0/16"),
		netip.MustParsePrefix("45.1.2.0/24"), netip.MustParsePrefix("2a0a:4580::/29"), netip.MustParsePrefix("2a0a:4580::/32")}
	rnd := rand.New(rand.NewPCG(11, 25))
	for round := range 200 {
		var in []PrefixRange
		for range 1 + rnd.IntN(12) { // few prefixes, many entries: repeats are the rule
			b := bases[rnd.IntN(len(bases))]
			top := b.Addr().BitLen()
			lo := b.Bits() + rnd.IntN(top-b.Bits()+1)
			hi := lo + rnd.IntN(top-lo+1)
			in = append(in, PrefixRange{Prefix: b, Min: uint8(lo), Max: uint8(hi)})
		}
		pl := NewPrefixList(in)
		if pl.Len() != len(in) {
			t.Fatalf("round %d: Len %d, want %d", round, pl.Len(), len(in))
		}
		got := pl.Ranges()
		for _, b := range bases {
			var want, have []PrefixRange
			for _, r := range in {
				if r.Prefix == b {
					want = append(want, r)
				}
			}
			for _, r := range got {
				if r.Prefix == b {
					have = append(have, r)
				}
			}
			if !slices.Equal(want, have) {
				t.Fatalf("round %d: Ranges for %s = %v, want %v (list order)", round, b, have, want)
			}
		}
		for _, b := range bases {
			for l := b.Bits(); l <= b.Addr().BitLen(); l += 3 {
				q := netip.PrefixFrom(b.Addr(), l)
				r, ok := pl.Match(q)
				admits := slices.ContainsFunc(in, func(e PrefixRange) bool { return e.Contains(q) })
				if ok != admits || ok && (!slices.Contains(in, r) || !r.Contains(q)) {
					t.Fatalf("round %d: Match(%s) = %v %v, want admitted=%v from %v", round, q, r, ok, admits, in)
				}
				inside := slices.ContainsFunc(in, func(e PrefixRange) bool {
					return e.Prefix.Bits() <= q.Bits() && e.Prefix.Contains(q.Addr()) && int(e.Min) <= q.Bits() &&
						e.Prefix.Addr().Is4() == q.Addr().Is4()
				})
				if r, ok := pl.Inside(q); ok != inside || ok && !slices.Contains(in, r) {
					t.Fatalf("round %d: Inside(%s) = %v %v, want %v", round, q, r, ok, inside)
				}
			}
		}
	}
}
