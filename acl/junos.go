package acl

import (
	"fmt"
	"net/netip"
	"strings"
)

// junosNDTypes are the ICMPv6 neighbour-discovery messages (RFC 4861)
// accepted from any source: an input filter on a Junos interface also sees
// the traffic addressed to the router, and without them IPv6 on the port
// stops working (they come from link-local or unspecified sources).
const junosNDTypes = "[ router-solicit router-advertisement neighbor-solicit neighbor-advertisement ]"

// renderJunos prints firewall filters for family inet and inet6 and their
// binding as input filters of the interface unit. The replace: tags make
// `load replace terminal` swap an older version of the filter whole.
func renderJunos(p *plan) string {
	base := ident("rsguard-acl-", p.Peer, "-", '-', 60)
	ifd, unit := junosInterface(p.Interface)
	var b strings.Builder
	b.WriteString("/*\n")
	commentLines(&b, " * ", p.describe())
	commentLines(&b, " * ", []string{"load with: load replace terminal (or load replace FILE), then commit check"})
	b.WriteString(" */\nfirewall {\n")
	fams := []struct {
		family, suffix string
		prefixes       []netip.Prefix
		session        []netip.Prefix
	}{{"inet", "-v4", p.v4, p.session4}, {"inet6", "-v6", p.v6, p.session6}}
	for _, f := range fams {
		name := base + f.suffix
		fmt.Fprintf(&b, "    family %s {\n        replace:\n        filter %s {\n", f.family, name)
		if f.family == "inet6" {
			b.WriteString("            term neighbor-discovery {\n                from {\n" +
				"                    next-header icmp6;\n                    icmp-type " + junosNDTypes + ";\n" +
				"                }\n                then accept;\n            }\n")
		}
		junosTerm(&b, "session", f.session)
		junosTerm(&b, "registered", f.prefixes)
		fmt.Fprintf(&b, "            term default-deny {\n                then {\n                    count %s-denied;\n"+
			"                    discard;\n                }\n            }\n        }\n    }\n", name)
	}
	b.WriteString("}\ninterfaces {\n")
	fmt.Fprintf(&b, "    %s {\n        unit %s {\n", ifd, unit)
	for _, f := range fams {
		fmt.Fprintf(&b, "            family %s {\n                filter {\n                    input %s%s;\n"+
			"                }\n            }\n", f.family, base, f.suffix)
	}
	b.WriteString("        }\n    }\n}\n")
	return b.String()
}

// junosTerm prints an accepting term for source addresses, or nothing.
func junosTerm(b *strings.Builder, name string, ps []netip.Prefix) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(b, "            term %s {\n                from {\n                    source-address {\n", name)
	for _, q := range ps {
		fmt.Fprintf(b, "                        %s;\n", q)
	}
	b.WriteString("                    }\n                }\n                then accept;\n            }\n")
}

// junosInterface splits "ge-0/0/1.100" into the physical interface and its
// unit; without a unit, unit 0 is meant.
func junosInterface(s string) (ifd, unit string) {
	if i := strings.LastIndexByte(s, '.'); i > 0 && i < len(s)-1 {
		return s[:i], s[i+1:]
	}
	return s, "0"
}
