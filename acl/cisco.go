package acl

import (
	"fmt"
	"net/netip"
	"strings"
)

// ciscoRemarkMax is the longest remark IOS accepts.
const ciscoRemarkMax = 100

// renderCisco prints IOS named ACLs and their binding inbound on the
// interface. Each ACL is removed first so a re-load replaces it instead of
// appending to it (IOS lets traffic through while an applied ACL is
// undefined, for the moment between the two commands).
func renderCisco(p *plan) string {
	// Not upper-cased: IOS names are case-sensitive, and so are peer names.
	base := ident("RSGUARD-ACL-", p.Peer, "-", '-', 60)
	v4, v6 := base+"-V4", base+"-V6"
	var b strings.Builder
	commentLines(&b, "! ", p.describe())
	commentLines(&b, "! ", []string{"paste in configuration mode (configure terminal)"})
	fmt.Fprintf(&b, "no ip access-list extended %s\nip access-list extended %s\n", v4, v4)
	ciscoRemarks(&b, p)
	for _, s := range p.session4 {
		fmt.Fprintf(&b, " permit ip host %s any\n", s.Addr())
	}
	for _, q := range p.v4 {
		fmt.Fprintf(&b, " permit ip %s %s any\n", q.Addr(), wildcard(q))
	}
	b.WriteString(" deny   ip any any\n!\n")
	fmt.Fprintf(&b, "no ipv6 access-list %s\nipv6 access-list %s\n", v6, v6)
	ciscoRemarks(&b, p)
	// An explicit deny at the end cancels IOS's implicit neighbour
	// discovery permits, so they are written out (RFC 4861).
	for _, nd := range []string{"nd-ns", "nd-na", "router-solicitation", "router-advertisement"} {
		fmt.Fprintf(&b, " permit icmp any any %s\n", nd)
	}
	for _, s := range p.session6 {
		fmt.Fprintf(&b, " permit ipv6 host %s any\n", s.Addr())
	}
	for _, q := range p.v6 {
		fmt.Fprintf(&b, " permit ipv6 %s any\n", q)
	}
	b.WriteString(" deny ipv6 any any\n!\n")
	fmt.Fprintf(&b, "interface %s\n ip access-group %s in\n ipv6 traffic-filter %s in\nend\n", p.Interface, v4, v6)
	return b.String()
}

func ciscoRemarks(b *strings.Builder, p *plan) {
	for _, l := range p.describe() {
		if len(l) > ciscoRemarkMax {
			l = l[:ciscoRemarkMax]
		}
		fmt.Fprintf(b, " remark %s\n", l)
	}
}

// wildcard is the inverted netmask IOS wants: /22 -> 0.0.3.255.
func wildcard(q netip.Prefix) string {
	var m uint32
	if q.Bits() < 32 {
		m = ^uint32(0) >> q.Bits()
	}
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}
