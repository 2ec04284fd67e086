package filters

import (
	"net/netip"

	"github.com/gaissmai/bart"
)

// BogonPrefix is one special-purpose range. A route inside it (the prefix
// itself or any more-specific) is a bogon, except Exact entries (the default
// routes), which match only themselves. A route that merely covers a bogon
// (e.g. 192.0.0.0/8 over 192.168.0.0/16) is not a bogon, as in ARouteServer
// and the NLNOG guide; prefix-length limits catch the short ones.
type BogonPrefix struct {
	Prefix netip.Prefix
	Exact  bool
	Note   string
}

func mustBogon(p string, exact bool, note string) BogonPrefix {
	return BogonPrefix{Prefix: netip.MustParsePrefix(p), Exact: exact, Note: note}
}

// BogonsIPv4 follows the RFC 6890 registry (ARouteServer's list plus
// 192.0.0.0/24). Globally reachable registry entries inside these ranges
// (192.0.0.9/32, 192.0.0.10/32) are /32s that a /24 limit rejects anyway.
var BogonsIPv4 = []BogonPrefix{
	mustBogon("0.0.0.0/0", true, "default route"),
	mustBogon("0.0.0.0/8", false, "this network, RFC 791"),
	mustBogon("10.0.0.0/8", false, "private, RFC 1918"),
	mustBogon("100.64.0.0/10", false, "shared address space, RFC 6598"),
	mustBogon("127.0.0.0/8", false, "loopback, RFC 1122"),
	mustBogon("169.254.0.0/16", false, "link local, RFC 3927"),
	mustBogon("172.16.0.0/12", false, "private, RFC 1918"),
	mustBogon("192.0.0.0/24", false, "IETF protocol assignments, RFC 6890"),
	mustBogon("192.0.2.0/24", false, "documentation TEST-NET-1, RFC 5737"),
	mustBogon("192.88.99.0/24", false, "6to4 relay anycast, RFC 7526"),
	mustBogon("192.168.0.0/16", false, "private, RFC 1918"),
	mustBogon("198.18.0.0/15", false, "benchmarking, RFC 2544"),
	mustBogon("198.51.100.0/24", false, "documentation TEST-NET-2, RFC 5737"),
	mustBogon("203.0.113.0/24", false, "documentation TEST-NET-3, RFC 5737"),
	mustBogon("224.0.0.0/4", false, "multicast, RFC 5771"),
	mustBogon("240.0.0.0/4", false, "reserved class E, RFC 1112"),
}

// GlobalUnicastIPv6 is the only IPv6 space routed on the Internet (RFC 4291);
// anything outside it is rejected with reason 10 (ipv6_not_global_unicast).
var GlobalUnicastIPv6 = netip.MustParsePrefix("2000::/3")

// BogonsIPv6 lists special-purpose space. Entries outside 2000::/3 are
// redundant with the global-unicast rule but give better evidence. Documented
// choice: 2001:3::/32 (AMT) and 2001:20::/28 (ORCHIDv2) are marked globally
// reachable by IANA and are NOT filtered (ARouteServer filters them).
var BogonsIPv6 = []BogonPrefix{
	mustBogon("::/0", true, "default route"),
	mustBogon("::/8", false, "loopback, unspecified, IPv4-mapped, RFC 4291"),
	mustBogon("64:ff9b::/96", false, "NAT64 well-known prefix, RFC 6052"),
	mustBogon("100::/8", false, "discard-only and SRv6 SIDs, RFC 6666, RFC 9602"),
	mustBogon("2001::/32", false, "Teredo, RFC 4380"),
	mustBogon("2001:2::/48", false, "benchmarking, RFC 5180"),
	mustBogon("2001:10::/28", false, "ORCHID (deprecated), RFC 4843"),
	mustBogon("2001:db8::/32", false, "documentation, RFC 3849"),
	mustBogon("2002::/16", false, "6to4, RFC 3056"),
	mustBogon("3ffe::/16", false, "6bone (returned), RFC 3701"),
	mustBogon("3fff::/20", false, "documentation, RFC 9637"),
	mustBogon("5f00::/8", false, "SRv6 SIDs, RFC 9602"),
	mustBogon("fc00::/7", false, "unique local, RFC 4193"),
	mustBogon("fe80::/10", false, "link local, RFC 4291"),
	mustBogon("fec0::/10", false, "site local (deprecated), RFC 3879"),
	mustBogon("ff00::/8", false, "multicast, RFC 4291"),
}

// BogonTable answers "which special-purpose range holds this prefix".
type BogonTable struct {
	t bart.Table[BogonPrefix]
}

// NewBogonTable indexes the given entries.
func NewBogonTable(entries ...[]BogonPrefix) *BogonTable {
	bt := &BogonTable{}
	for _, list := range entries {
		for _, e := range list {
			bt.t.Insert(e.Prefix, e)
		}
	}
	return bt
}

// DefaultBogons is the built-in table of BogonsIPv4 and BogonsIPv6.
var DefaultBogons = NewBogonTable(BogonsIPv4, BogonsIPv6)

// Match returns the most specific bogon entry that makes p a bogon.
func (bt *BogonTable) Match(p netip.Prefix) (BogonPrefix, bool) {
	var best BogonPrefix
	found := false
	for sp, e := range bt.t.Supernets(p) {
		if e.Exact && sp != p {
			continue
		}
		if !found || sp.Bits() > best.Prefix.Bits() {
			best, found = e, true
		}
	}
	return best, found
}

// Entries returns every entry, IPv4 first, in table order.
func (bt *BogonTable) Entries() []BogonPrefix {
	var out []BogonPrefix
	for _, e := range bt.t.AllSorted() {
		out = append(out, e)
	}
	return out
}
