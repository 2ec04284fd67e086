package acl

import (
	"fmt"
	"strings"
)

// xtChainMax is the longest chain name iptables accepts
// (XT_EXTENSION_MAXNAMELEN 29, including the NUL).
const xtChainMax = 28

// renderIPTables prints iptables-restore (or ip6tables-restore) input for
// one family. It declares its own chain, so loading it with --noflush
// flushes and refills only that chain; the jump from FORWARD is appended
// on every load, so remove the old jump before re-loading (the header says
// how). Rules are linear: for thousands of prefixes prefer nftables.
func renderIPTables(p *plan, v6 bool) string {
	chain := ident("RSG-", p.Peer, "-.", '-', xtChainMax)
	prefixes, session, tool, fam := p.v4, p.session4, "iptables", "IPv4"
	if v6 {
		prefixes, session, tool, fam = p.v6, p.session6, "ip6tables", "IPv6"
	}
	var b strings.Builder
	commentLines(&b, "# ", p.describe())
	commentLines(&b, "# ", []string{
		fmt.Sprintf("%s rules; load with: %s-restore --noflush < FILE", fam, tool),
		fmt.Sprintf("before re-loading, remove the old jump: %s -D FORWARD -i %s -j %s", tool, p.Interface, chain),
	})
	if len(prefixes) == 0 {
		commentLines(&b, "# ", []string{fmt.Sprintf("the peer has no %s prefixes: all its %s traffic is dropped", fam, fam)})
	}
	fmt.Fprintf(&b, "*filter\n:%s - [0:0]\n", chain)
	fmt.Fprintf(&b, "-A FORWARD -i %s -j %s\n", p.Interface, chain)
	for _, s := range session {
		fmt.Fprintf(&b, "-A %s -s %s -m comment --comment \"session address\" -j RETURN\n", chain, s)
	}
	for _, q := range prefixes {
		fmt.Fprintf(&b, "-A %s -s %s -j RETURN\n", chain, q)
	}
	fmt.Fprintf(&b, "-A %s -m comment --comment %q -j DROP\n", chain, "BCP 38: source outside the registered space of "+p.Peer)
	b.WriteString("COMMIT\n")
	return b.String()
}
