package rpki

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParseSLURMSample(t *testing.T) {
	s, err := ParseSLURM(sample(t, "stayrtr-slurm.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantFilters := []PrefixFilter{
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Comment: "All VRPs encompassed by prefix"},
		{ASN: 64496, HasASN: true, Comment: "All VRPs matching ASN"},
		{Prefix: netip.MustParsePrefix("198.51.100.0/24"), ASN: 64497, HasASN: true, Comment: "All VRPs encompassed by prefix, matching ASN"},
	}
	if !slices.Equal(s.Filters, wantFilters) {
		t.Errorf("filters = %+v\nwant %+v", s.Filters, wantFilters)
	}
	wantAssert := []VRP{vrp("198.51.100.0/24", 24, 64496), vrp("2001:db8::/32", 48, 64496)}
	if !slices.Equal(s.Assertions, wantAssert) {
		t.Errorf("assertions = %v, want %v", s.Assertions, wantAssert)
	}
}

// The sample's filters applied to VRPs chosen to hit each rule's edges.
func TestSLURMApplySample(t *testing.T) {
	s, err := ParseSLURM(sample(t, "stayrtr-slurm.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   VRP
		kept bool
	}{
		{"inside filtered prefix", vrp("192.0.2.128/25", 25, 21001), false},
		{"equal to filtered prefix", vrp("192.0.2.0/24", 24, 21001), false},
		{"covering a filtered prefix is not inside it", vrp("192.0.0.0/16", 24, 21001), true},
		{"filtered ASN anywhere", vrp("45.0.0.0/16", 24, 64496), false},
		{"prefix and ASN both match", vrp("198.51.100.0/25", 25, 64497), false},
		{"prefix matches, ASN does not", vrp("198.51.100.0/25", 25, 21001), true},
		{"ASN matches, prefix does not", vrp("45.0.0.0/16", 24, 64497), true},
		{"other family never inside an IPv4 filter", vrp("2a0a:4580::/29", 48, 21001), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := s.Apply(NewSet([]VRP{tt.in}))
			if got := slices.Contains(out, tt.in); got != tt.kept {
				t.Fatalf("kept = %v, want %v (out %v)", got, tt.kept, out)
			}
			// The assertions are always added, even for the filtered ASN
			// 64496: RFC 8416 §4.2 does not filter local assertions.
			for _, a := range s.Assertions {
				if !slices.Contains(out, a) {
					t.Errorf("assertion %v missing from %v", a, out)
				}
			}
		})
	}
}

func TestParseSLURMErrors(t *testing.T) {
	base := func(filters, asserts string) string {
		return `{"slurmVersion":1,"validationOutputFilters":{"prefixFilters":[` + filters +
			`],"bgpsecFilters":[]},"locallyAddedAssertions":{"prefixAssertions":[` + asserts + `],"bgpsecAssertions":[]}}`
	}
	tests := []struct{ name, in, want string }{
		{"not json", `{`, "not a SLURM document"},
		{"unknown member", `{"slurmVersion":1,"extra":1}`, "unknown field"},
		{"no version", `{"validationOutputFilters":{},"locallyAddedAssertions":{}}`, "slurmVersion missing"},
		{"version 3", `{"slurmVersion":3,"validationOutputFilters":{},"locallyAddedAssertions":{}}`, "not supported"},
		{"no filters", `{"slurmVersion":1,"locallyAddedAssertions":{}}`, "validationOutputFilters missing"},
		{"empty filter", base(`{"comment":"x"}`, ``), "needs a prefix, an asn or both"},
		{"filter maxlen", base(`{"prefix":"45.0.0.0/16","maxPrefixLength":24}`, ``), "not allowed in a filter"},
		{"filter host bits", base(`{"prefix":"45.0.0.1/16"}`, ``), "host bits"},
		{"assertion without asn", base(``, `{"prefix":"45.0.0.0/16"}`), "needs both prefix and asn"},
		{"assertion maxlen short", base(``, `{"prefix":"45.0.0.0/16","asn":21001,"maxPrefixLength":8}`), "shorter than the prefix"},
		{"asn negative", base(`{"asn":-1}`, ``), "not a SLURM document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSLURM([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func FuzzParseSLURM(f *testing.F) {
	f.Add([]byte(`{"slurmVersion":1,"validationOutputFilters":{"prefixFilters":[{"prefix":"45.0.0.0/16","asn":1}],"bgpsecFilters":[]},"locallyAddedAssertions":{"prefixAssertions":[{"prefix":"2a0a:4580::/29","asn":21001,"maxPrefixLength":48}],"bgpsecAssertions":[]}}`))
	f.Add([]byte(`{"slurmVersion":2,"validationOutputFilters":{},"locallyAddedAssertions":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSLURM(data)
		if err != nil {
			return
		}
		for _, a := range s.Assertions {
			if err := a.Check(); err != nil {
				t.Fatalf("bad assertion %v: %v", a, err)
			}
		}
		out := s.Apply(NewSet([]VRP{vrp("45.0.0.0/16", 24, 21001)}))
		if !slices.IsSortedFunc(out, compareVRP) {
			t.Fatal("Apply returned an unsorted set")
		}
	})
}
