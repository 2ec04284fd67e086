package acl

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func prefixList(s string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Fields(s) {
		out = append(out, netip.MustParsePrefix(f))
	}
	return out
}

func joined(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " ")
}

func TestAggregate(t *testing.T) {
	tests := []struct {
		name, in, want4, want6 string
	}{
		{"empty", "", "", ""},
		{"one", "45.65.0.0/22", "45.65.0.0/22", ""},
		{"siblings merge", "45.65.0.0/23 45.65.2.0/23", "45.65.0.0/22", ""},
		{"merge cascades", "45.0.0.0/24 45.0.1.0/24 45.0.2.0/24 45.0.3.0/24", "45.0.0.0/22", ""},
		{"unsorted cascade", "45.0.3.0/24 45.0.0.0/24 45.0.2.0/24 45.0.1.0/24", "45.0.0.0/22", ""},
		{"covered dropped", "45.65.0.0/22 45.65.1.0/24 45.65.3.128/25", "45.65.0.0/22", ""},
		{"duplicates", "45.65.0.0/22 45.65.0.0/22", "45.65.0.0/22", ""},
		{"adjacent but not siblings", "45.0.1.0/24 45.0.2.0/24", "45.0.1.0/24 45.0.2.0/24", ""},
		{"unequal lengths stay", "45.0.0.0/24 45.0.1.0/25", "45.0.0.0/24 45.0.1.0/25", ""},
		{"unequal lengths complete", "45.0.0.0/24 45.0.1.0/25 45.0.1.128/25", "45.0.0.0/23", ""},
		{"host bits masked", "45.65.1.7/22", "45.65.0.0/22", ""},
		{"both families sorted", "2a0a:4588::/29 45.2.0.0/16 2a0a:4580::/29 45.1.0.0/16", "45.1.0.0/16 45.2.0.0/16", "2a0a:4580::/28"},
		{"mapped IPv4 is IPv4", "::ffff:45.0.0.0/120", "45.0.0.0/24", ""},
		{"v6 cover", "2a0a:4580::/29 2a0a:4580:1::/48", "", "2a0a:4580::/29"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v4, v6 := Aggregate(prefixList(tc.in))
			if got := joined(v4); got != tc.want4 {
				t.Errorf("IPv4 %q, want %q", got, tc.want4)
			}
			if got := joined(v6); got != tc.want6 {
				t.Errorf("IPv6 %q, want %q", got, tc.want6)
			}
		})
	}
}

// covered reports whether a is inside any of ps, the brute-force way.
func covered(ps []netip.Prefix, a netip.Addr) bool {
	return slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Contains(a) })
}

// TestAggregateProperties checks on random inputs that the output covers
// exactly the input's addresses, is disjoint, sorted and has no sibling
// pair left (which makes it the minimal CIDR cover).
func TestAggregateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 38))
	for round := 0; round < 300; round++ {
		var in []netip.Prefix
		for i := 0; i < 1+r.IntN(12); i++ {
			// A small universe (45.0.0.0/20) so overlaps and siblings are frequent.
			a := netip.AddrFrom4([4]byte{45, 0, byte(r.IntN(16)), byte(r.IntN(256))})
			in = append(in, netip.PrefixFrom(a, 20+r.IntN(9)).Masked())
		}
		out, v6 := Aggregate(in)
		if len(v6) != 0 {
			t.Fatalf("IPv6 output for IPv4 input: %v", v6)
		}
		for i := 1; i < len(out); i++ {
			if out[i-1].Overlaps(out[i]) || out[i-1].Addr().Compare(out[i].Addr()) >= 0 {
				t.Fatalf("%v: output not disjoint and sorted: %v", in, out)
			}
			if _, ok := siblingsParent(out[i-1], out[i]); ok {
				t.Fatalf("%v: siblings %v and %v left unmerged", in, out[i-1], out[i])
			}
		}
		for x := 0; x < 16*256; x += 1 + r.IntN(7) {
			a := netip.AddrFrom4([4]byte{45, 0, byte(x >> 8), byte(x)})
			if covered(in, a) != covered(out, a) {
				t.Fatalf("%v -> %v: %s covered %v before, %v after", in, out, a, covered(in, a), covered(out, a))
			}
		}
	}
}

// FuzzAggregate checks the cover on arbitrary IPv4 prefix lists: every
// input address stays covered, nothing else is added, output disjoint.
// Each 5 input bytes are an address and a length.
func FuzzAggregate(f *testing.F) {
	f.Add([]byte{45, 0, 0, 0, 24, 45, 0, 1, 0, 24})
	f.Add([]byte{45, 0, 0, 0, 22, 45, 0, 1, 0, 24, 45, 0, 4, 0, 22})
	f.Add([]byte{0, 0, 0, 0, 0, 255, 255, 255, 255, 32})
	f.Fuzz(func(t *testing.T, b []byte) {
		var in []netip.Prefix
		for i := 0; i+5 <= len(b) && len(in) < 64; i += 5 {
			a := netip.AddrFrom4([4]byte{b[i], b[i+1], b[i+2], b[i+3]})
			in = append(in, netip.PrefixFrom(a, int(b[i+4])%33).Masked())
		}
		out, _ := Aggregate(in)
		for i := 1; i < len(out); i++ {
			if out[i-1].Overlaps(out[i]) {
				t.Fatalf("%v -> overlapping %v", in, out)
			}
		}
		probe := func(a netip.Addr) {
			if covered(in, a) != covered(out, a) {
				t.Fatalf("%v -> %v: %s differs", in, out, a)
			}
		}
		for _, p := range append(slices.Clone(in), out...) {
			probe(p.Addr())
			// First, last, and the neighbours just outside.
			a4 := p.Addr().As4()
			n := uint32(a4[0])<<24 | uint32(a4[1])<<16 | uint32(a4[2])<<8 | uint32(a4[3])
			n |= uint32(uint64(1)<<(32-p.Bits()) - 1)
			last := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
			for _, a := range []netip.Addr{last, last.Next(), p.Addr().Prev()} {
				if a.IsValid() {
					probe(a)
				}
			}
		}
	})
}
