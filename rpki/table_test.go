package rpki

import (
	"net/netip"
	"slices"
	"testing"
)

func TestValidate(t *testing.T) {
	tab := NewTable(NewSet([]VRP{
		vrp("45.0.0.0/16", 24, 21001),
		vrp("45.0.0.0/16", 16, 21002),
		vrp("45.1.0.0/16", 16, 0), // AS 0: "must not be routed" (RFC 6483 §4)
		vrp("45.2.0.0/16", 24, 21003),
		vrp("45.2.5.0/24", 24, 21004),
		vrp("2a0a:4580::/29", 48, 21005),
	}))
	tests := []struct {
		name      string
		prefix    string
		origin    uint32
		hasOrigin bool
		want      State
		covering  int
	}{
		{"match within maxlen", "45.0.1.0/24", 21001, true, StateValid, 2},
		{"match exact", "45.0.0.0/16", 21002, true, StateValid, 2},
		{"right AS, too long", "45.0.1.0/24", 21002, true, StateInvalid, 2},
		{"too long for every VRP", "45.0.1.0/25", 21001, true, StateInvalid, 2},
		{"wrong AS", "45.0.1.0/24", 21009, true, StateInvalid, 2},
		{"AS 0 VRP never matches", "45.1.0.0/16", 0, true, StateInvalid, 1},
		{"origin NONE (AS_SET) covered", "45.0.1.0/24", 0, false, StateInvalid, 2},
		{"origin NONE not covered", "46.0.0.0/24", 0, false, StateNotFound, 0},
		{"not covered", "46.0.0.0/24", 21001, true, StateNotFound, 0},
		{"less specific than the VRP is not covered", "45.0.0.0/15", 21001, true, StateNotFound, 0},
		{"more specific VRP matches", "45.2.5.0/24", 21004, true, StateValid, 2},
		{"shorter VRP matches too", "45.2.5.0/24", 21003, true, StateValid, 2},
		{"IPv6 valid", "2a0a:4580:1::/48", 21005, true, StateValid, 1},
		{"IPv6 too long", "2a0a:4580:1::/49", 21005, true, StateInvalid, 1},
		{"IPv4-mapped family stays apart", "::ffff:45.0.1.0/120", 21001, true, StateNotFound, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cov := tab.Validate(netip.MustParsePrefix(tt.prefix), tt.origin, tt.hasOrigin)
			if got != tt.want || len(cov) != tt.covering {
				t.Fatalf("got %s with %v, want %s with %d covering", got, cov, tt.want, tt.covering)
			}
			for i := 1; i < len(cov); i++ {
				if cov[i-1].Prefix.Bits() > cov[i].Prefix.Bits() {
					t.Errorf("covering VRPs not shortest first: %v", cov)
				}
			}
		})
	}
}

func TestSetDiff(t *testing.T) {
	a := NewSet([]VRP{vrp("45.0.0.0/16", 24, 1), vrp("45.1.0.0/16", 24, 1), vrp("45.0.0.0/16", 24, 1)})
	b := NewSet([]VRP{vrp("45.1.0.0/16", 24, 1), vrp("45.2.0.0/16", 24, 1)})
	if len(a) != 2 {
		t.Fatalf("NewSet did not deduplicate: %v", a)
	}
	ann, wd := a.Diff(b)
	if !slices.Equal(ann, []VRP{vrp("45.2.0.0/16", 24, 1)}) || !slices.Equal(wd, []VRP{vrp("45.0.0.0/16", 24, 1)}) {
		t.Fatalf("diff = +%v -%v", ann, wd)
	}
	if ann, wd := b.Diff(b); len(ann)+len(wd) != 0 {
		t.Fatalf("self diff = +%v -%v", ann, wd)
	}
}
