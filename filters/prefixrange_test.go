package filters

import (
	"math/rand"
	"net/netip"
	"testing"
)

func TestParsePrefixRange(t *testing.T) {
	cases := []struct {
		in      string
		want    string
		min     uint8
		max     uint8
		wantErr bool
	}{
		{in: "198.51.100.0/24", want: "198.51.100.0/24", min: 24, max: 24},
		{in: "45.1.0.0/22{22,24}", want: "45.1.0.0/22{22,24}", min: 22, max: 24},
		{in: "45.1.0.0/22{ 23 , 24 }", want: "45.1.0.0/22{23,24}", min: 23, max: 24},
		{in: "45.1.0.0/16+", want: "45.1.0.0/16{16,32}", min: 16, max: 32},
		{in: "2a0a::/32{32,48}", want: "2a0a::/32{32,48}", min: 32, max: 48},
		{in: "2a0a::/32+", want: "2a0a::/32{32,128}", min: 32, max: 128},
		{in: "45.1.0.0/22{21,24}", wantErr: true},
		{in: "45.1.0.0/22{24,23}", wantErr: true},
		{in: "45.1.0.0/22{22,33}", wantErr: true},
		{in: "45.1.0.1/24", wantErr: true},
		{in: "45.1.0.0/33", wantErr: true},
		{in: "45.1.0.0/22-", wantErr: true},
		{in: "45.1.0.0/22{22}", wantErr: true},
		{in: "45.1.0.0/22}", wantErr: true},
		{in: "nonsense", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, c := range cases {
		r, err := ParsePrefixRange(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("%q: err=%v wantErr=%v", c.in, err, c.wantErr)
			continue
		}
		if err == nil && (r.String() != c.want || r.Min != c.min || r.Max != c.max) {
			t.Errorf("%q: got %s {%d,%d}", c.in, r, r.Min, r.Max)
		}
	}
}

func FuzzParsePrefixRange(f *testing.F) {
	for _, s := range []string{"45.1.0.0/22{22,24}", "2a0a::/32+", "1.2.3.0/24", "{", "1.2.3.4/33{1,2}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParsePrefixRange(s)
		if err != nil {
			return
		}
		// round trip: the canonical form parses back to the same range
		r2, err := ParsePrefixRange(r.String())
		if err != nil || r2 != r {
			t.Fatalf("round trip %q -> %q -> %v %v", s, r.String(), r2, err)
		}
		if r.Min > r.Max || int(r.Max) > r.Prefix.Addr().BitLen() || int(r.Min) < r.Prefix.Bits() {
			t.Fatalf("invalid range accepted: %q -> %v", s, r)
		}
	})
}

// longestOnly mimics GoBGP v3's prefix-set matching: only the ranges stored
// at the longest entry prefix that covers the route are consulted.
func longestOnly(entries []PrefixRange, q netip.Prefix) bool {
	best := -1
	for _, e := range entries {
		if e.Prefix.Bits() <= q.Bits() && e.Prefix.Contains(q.Addr()) && e.Prefix.Addr().Is4() == q.Addr().Is4() && e.Prefix.Bits() > best {
			best = e.Prefix.Bits()
		}
	}
	for _, e := range entries {
		if e.Prefix.Bits() == best && e.Prefix.Contains(q.Addr()) && q.Bits() >= int(e.Min) && q.Bits() <= int(e.Max) {
			return true
		}
	}
	return false
}

func TestNormalizeLongestMatchAgrees(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	randPrefix := func(minLen, maxLen int) netip.Prefix {
		// small address space so that ranges nest often
		a := netip.AddrFrom4([4]byte{45, byte(rng.Intn(4)), byte(rng.Intn(4) * 64), 0})
		return netip.PrefixFrom(a, minLen+rng.Intn(maxLen-minLen+1)).Masked()
	}
	for round := 0; round < 300; round++ {
		var rs []PrefixRange
		for i := 0; i < 1+rng.Intn(8); i++ {
			p := randPrefix(8, 24)
			lo := p.Bits() + rng.Intn(3)
			hi := lo + rng.Intn(8)
			if hi > 32 {
				hi = 32
			}
			if lo > hi {
				lo = hi
			}
			rs = append(rs, PrefixRange{Prefix: p, Min: uint8(lo), Max: uint8(hi)})
		}
		pl, norm := NewPrefixList(rs), NormalizeLongestMatch(rs)
		for q := 0; q < 200; q++ {
			p := randPrefix(8, 30)
			_, cover := pl.Match(p)
			if lo := longestOnly(norm, p); lo != cover {
				t.Fatalf("round %d: %s covering=%v longest-only(normalized)=%v\nranges=%v\nnorm=%v", round, p, cover, lo, rs, norm)
			}
		}
	}
	// the documented trap: without normalisation the nested entry hides the parent
	rs := []PrefixRange{{netip.MustParsePrefix("46.0.0.0/8"), 8, 24}, {netip.MustParsePrefix("46.1.0.0/16"), 16, 16}}
	q := netip.MustParsePrefix("46.1.7.0/24")
	if longestOnly(rs, q) {
		t.Fatal("test matcher does not reproduce GoBGP's longest-match behaviour")
	}
	if !longestOnly(NormalizeLongestMatch(rs), q) {
		t.Fatal("normalised set still rejects 46.1.7.0/24")
	}
}
