package acl

import (
	"net/netip"
	"slices"
)

// Aggregate returns the smallest set of CIDR blocks whose union is exactly
// the union of prefixes, split by family and sorted by address. A filter
// matches source addresses, so a registered range such as
// 45.65.0.0/22{22,24} stands for every address in 45.65.0.0/22: only the
// prefix matters, not its allowed lengths. Covered prefixes are dropped and
// sibling halves are merged into their parent, repeatedly.
//
// This differs from irr.Aggregate (bgpq4 -A), which keeps the announced
// lengths and so must not merge two /24s into a /23 that nobody announces;
// here the /23 covers exactly the same addresses and is one entry shorter.
func Aggregate(prefixes []netip.Prefix) (v4, v6 []netip.Prefix) {
	for _, p := range prefixes {
		if !p.IsValid() {
			continue
		}
		p = p.Masked()
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return cidrMerge(v4), cidrMerge(v6)
}

// cidrMerge merges prefixes of one family.
func cidrMerge(in []netip.Prefix) []netip.Prefix {
	if len(in) == 0 {
		return nil
	}
	ps := slices.Clone(in)
	// Address first, shorter first: a covering prefix sorts before every
	// prefix it contains.
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	// The stack holds disjoint prefixes in address order. A prefix can only
	// merge with its left neighbour (its lower sibling), and the merged
	// parent can again only merge leftwards, so one pass suffices.
	var out []netip.Prefix
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].Contains(p.Addr()) {
			continue // inside the previous entry (sorting puts covers first)
		}
		out = append(out, p)
		for len(out) >= 2 {
			lo, hi := out[len(out)-2], out[len(out)-1]
			parent, ok := siblingsParent(lo, hi)
			if !ok {
				break
			}
			out = append(out[:len(out)-2], parent)
		}
	}
	return out
}

// siblingsParent reports whether lo and hi are the two halves of one
// prefix, and returns it.
func siblingsParent(lo, hi netip.Prefix) (netip.Prefix, bool) {
	if lo.Bits() != hi.Bits() || lo.Bits() == 0 {
		return netip.Prefix{}, false
	}
	parent := netip.PrefixFrom(lo.Addr(), lo.Bits()-1).Masked()
	if parent.Addr() != lo.Addr() || !parent.Contains(hi.Addr()) || lo == hi {
		return netip.Prefix{}, false
	}
	return parent, true
}
