package rsbench

import (
	"fmt"
	"strings"
)

// RenderBIRDRS is a BIRD 2 route-server config for the scenario: one `rs
// client` session per client, an import filter that accepts exactly the
// client's prefix list, and `import keep filtered` (as IXPs run it, so
// rejected routes stay inspectable — and cost memory, as they would).
func RenderBIRDRS(s *Scenario, logPath string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# rsbench %s: generated, do not edit.\n", s.Name)
	fmt.Fprintf(&b, "log %q { warning, error, fatal, bug };\nrouter id %s;\n", logPath, RSAddr)
	b.WriteString("protocol device { scan time 10; }\n")
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "filter import_%s {\n\tif net ~ [", p.Name)
		sep := " "
		for _, a := range p.Allowed {
			fmt.Fprintf(&b, "%s%s{%d,24}", sep, a, a.Bits())
			sep = ", "
		}
		for _, e := range p.ExtraExact {
			fmt.Fprintf(&b, "%s%s", sep, e)
			sep = ", "
		}
		b.WriteString(" ] then accept;\n\treject;\n}\n")
		fmt.Fprintf(&b, "protocol bgp %s {\n", p.Name)
		fmt.Fprintf(&b, "\tlocal %s as %d;\n\tneighbor %s as %d;\n", RSAddr, RSASN, p.Addr, p.ASN)
		// multihop and strict bind: see internal/speakers/doc.go (loopback).
		b.WriteString("\tmultihop;\n\tstrict bind on;\n\tpassive on;\n\trs client;\n")
		fmt.Fprintf(&b, "\tipv4 { import keep filtered; import filter import_%s; export all; next hop keep; };\n}\n", p.Name)
	}
	return b.String()
}
