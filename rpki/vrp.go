package rpki

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
)

// VRP is a Validated ROA Payload: prefix, maximum length and origin AS.
type VRP struct {
	Prefix netip.Prefix
	MaxLen uint8
	ASN    uint32
}

// String renders "45.0.0.0/16-24 AS21001", the way operators quote VRPs.
func (v VRP) String() string {
	return fmt.Sprintf("%s-%d AS%d", v.Prefix, v.MaxLen, v.ASN)
}

// Check reports a VRP that no validator would emit: an unmasked prefix or
// a max length shorter than the prefix or longer than the family allows.
func (v VRP) Check() error {
	switch {
	case !v.Prefix.IsValid():
		return fmt.Errorf("invalid prefix")
	case v.Prefix.Masked() != v.Prefix:
		return fmt.Errorf("prefix %s has host bits set", v.Prefix)
	case int(v.MaxLen) < v.Prefix.Bits():
		return fmt.Errorf("%s: max length %d is shorter than the prefix", v.Prefix, v.MaxLen)
	case int(v.MaxLen) > v.Prefix.Addr().BitLen():
		return fmt.Errorf("%s: max length %d is longer than %d", v.Prefix, v.MaxLen, v.Prefix.Addr().BitLen())
	}
	return nil
}

func compareVRP(a, b VRP) int {
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.MaxLen, b.MaxLen); c != 0 {
		return c
	}
	return cmp.Compare(a.ASN, b.ASN)
}

// Set is a sorted VRP list without duplicates: the canonical form that
// sources are merged into and diffed in.
type Set []VRP

// NewSet sorts and de-duplicates vrps (the input is not modified).
func NewSet(vrps ...[]VRP) Set {
	var n int
	for _, l := range vrps {
		n += len(l)
	}
	out := make(Set, 0, n)
	for _, l := range vrps {
		out = append(out, l...)
	}
	slices.SortFunc(out, compareVRP)
	return slices.Compact(out)
}

// Diff returns the VRPs only in next (announce) and only in s (withdraw).
// Both sets must be canonical.
func (s Set) Diff(next Set) (announce, withdraw []VRP) {
	i, j := 0, 0
	for i < len(s) || j < len(next) {
		switch {
		case i == len(s):
			announce = append(announce, next[j])
			j++
		case j == len(next):
			withdraw = append(withdraw, s[i])
			i++
		default:
			switch c := compareVRP(s[i], next[j]); {
			case c == 0:
				i++
				j++
			case c < 0:
				withdraw = append(withdraw, s[i])
				i++
			default:
				announce = append(announce, next[j])
				j++
			}
		}
	}
	return announce, withdraw
}

// Equal reports whether both canonical sets hold the same VRPs.
func (s Set) Equal(o Set) bool { return slices.Equal(s, o) }
