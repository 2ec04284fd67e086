package routeserver

import (
	"net/netip"

	"github.com/rsguard/rsguard/filters"
)

// GoBGP takes a prefix set's address family from its first entry, and a
// prefix condition whose set has no family is false for every path, even
// with INVERT (policy.go: PrefixCondition.Evaluate compares the families
// first). A peer's allow set created empty (no IPv6 prefixes yet) would
// therefore never reject an IPv6 route: default deny would silently become
// default accept. Sets are created with a sentinel entry of their family,
// removed at once; GoBGP keeps the family when entries are removed.

// familySentinel is an entry no accepted route can match (it is a bogon
// and too long), used only to give an empty set its family.
func familySentinel(f filters.Family) []filters.PrefixRange {
	switch f {
	case filters.FamilyIPv4:
		return []filters.PrefixRange{{Prefix: netip.MustParsePrefix("0.0.0.0/32"), Min: 32, Max: 32}}
	case filters.FamilyIPv6:
		return []filters.PrefixRange{{Prefix: netip.MustParsePrefix("::/128"), Min: 128, Max: 128}}
	}
	return nil
}
