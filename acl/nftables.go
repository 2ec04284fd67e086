package acl

import (
	"fmt"
	"net/netip"
	"strings"
)

// renderNFTables prints one inet table per peer. The table is created,
// deleted and created again in one nft -f transaction, so loading the file
// a second time replaces the old filter atomically instead of adding to it.
// The base chain hooks forward, not prerouting: packets addressed to the
// router itself (the BGP session) are not source-filtered here, and
// link-local IPv6 (neighbour discovery) is never forwarded.
func renderNFTables(p *plan) string {
	table := ident("rsguard_acl_", p.Peer, "-.", '_', 64)
	var b strings.Builder
	commentLines(&b, "# ", p.describe())
	commentLines(&b, "# ", []string{"load with: nft -f FILE (re-loading replaces the table atomically)"})
	fmt.Fprintf(&b, "table inet %s\ndelete table inet %s\n", table, table)
	fmt.Fprintf(&b, "table inet %s {\n", table)
	nftSet(&b, "registered_v4", "ipv4_addr", p.v4)
	nftSet(&b, "registered_v6", "ipv6_addr", p.v6)
	fmt.Fprintf(&b, "\tchain forward {\n")
	fmt.Fprintf(&b, "\t\ttype filter hook forward priority -10; policy accept;\n")
	fmt.Fprintf(&b, "\t\tiifname %q jump from_peer\n", p.Interface)
	fmt.Fprintf(&b, "\t}\n")
	fmt.Fprintf(&b, "\tchain from_peer {\n")
	for _, s := range p.session4 {
		fmt.Fprintf(&b, "\t\tip saddr %s return comment \"session address\"\n", s.Addr())
	}
	for _, s := range p.session6 {
		fmt.Fprintf(&b, "\t\tip6 saddr %s return comment \"session address\"\n", s.Addr())
	}
	if len(p.v4) > 0 {
		fmt.Fprintf(&b, "\t\tip saddr @registered_v4 return\n")
	}
	if len(p.v6) > 0 {
		fmt.Fprintf(&b, "\t\tip6 saddr @registered_v6 return\n")
	}
	fmt.Fprintf(&b, "\t\tcounter drop comment %q\n", "BCP 38: source outside the registered space of "+p.Peer)
	fmt.Fprintf(&b, "\t}\n}\n")
	return b.String()
}

// nftSet prints an interval set, or nothing for an empty family (nft has
// no empty element list; the final drop then covers that family).
func nftSet(b *strings.Builder, name, typ string, ps []netip.Prefix) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(b, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n\t\telements = {\n", name, typ)
	for i, q := range ps {
		sep := ","
		if i == len(ps)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "\t\t\t%s%s\n", q, sep)
	}
	fmt.Fprintf(b, "\t\t}\n\t}\n")
}
