package rsbench

import (
	"fmt"
	"strings"
)

// RenderOpenBGPD is a bgpd.conf for the scenario: every client in one
// group with `transparent-as yes` (no RS ASN in the path), next hops left
// alone, and a deny-by-default filter that allows each client only its
// prefix-set.
func RenderOpenBGPD(s *Scenario, socketPath string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# rsbench %s: generated, do not edit.\n", s.Name)
	fmt.Fprintf(&b, "AS %d\nrouter-id %s\nlisten on %s\nsocket %q\nfib-update no\n\n", RSASN, RSAddr, RSAddr, socketPath)
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "prefix-set ps_%s {", p.Name)
		for _, a := range p.Allowed {
			fmt.Fprintf(&b, "\n\t%s prefixlen %d - 24", a, a.Bits())
		}
		for _, e := range p.ExtraExact {
			fmt.Fprintf(&b, "\n\t%s", e)
		}
		b.WriteString("\n}\n")
	}
	b.WriteString("\ngroup \"clients\" {\n\ttransparent-as yes\n\tpassive\n")
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "\tneighbor %s {\n\t\tremote-as %d\n\t\tdescr %q\n\t}\n", p.Addr, p.ASN, p.Name)
	}
	b.WriteString("}\n\ndeny from any\n")
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "allow from %s prefix-set ps_%s\n", p.Addr, p.Name)
	}
	b.WriteString("allow to any\nmatch to any set nexthop no-modify\n")
	return b.String()
}
