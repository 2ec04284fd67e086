package rsbench

import (
	"fmt"
	"strings"
)

// RenderGoBGP is a gobgpd TOML config for the scenario: every client a
// route-server-client with its own import policy accepting only its
// prefix-set, default reject. The sets hold disjoint /16 ranges (and
// exact prefixes outside them), so GoBGP's longest-entry-only prefix-set
// matching cannot differ from the other daemons here.
func RenderGoBGP(s *Scenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# rsbench %s: generated, do not edit.\n", s.Name)
	fmt.Fprintf(&b, "[global.config]\n  as = %d\n  router-id = %q\n  port = 179\n  local-address-list = [%q]\n\n", RSASN, RSAddr, RSAddr)
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "[[defined-sets.prefix-sets]]\n  prefix-set-name = \"ps_%s\"\n", p.Name)
		for _, a := range p.Allowed {
			fmt.Fprintf(&b, "  [[defined-sets.prefix-sets.prefix-list]]\n    ip-prefix = %q\n    masklength-range = \"%d..24\"\n", a.String(), a.Bits())
		}
		for _, e := range p.ExtraExact {
			fmt.Fprintf(&b, "  [[defined-sets.prefix-sets.prefix-list]]\n    ip-prefix = %q\n", e.String())
		}
	}
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "\n[[policy-definitions]]\n  name = \"import_%s\"\n  [[policy-definitions.statements]]\n    name = \"accept_%s\"\n", p.Name, p.Name)
		fmt.Fprintf(&b, "    [policy-definitions.statements.conditions.match-prefix-set]\n      prefix-set = \"ps_%s\"\n      match-set-options = \"any\"\n", p.Name)
		b.WriteString("    [policy-definitions.statements.actions]\n      route-disposition = \"accept-route\"\n")
	}
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "\n[[neighbors]]\n  [neighbors.config]\n    neighbor-address = %q\n    peer-as = %d\n    description = %q\n", p.Addr.String(), p.ASN, p.Name)
		fmt.Fprintf(&b, "  [neighbors.transport.config]\n    passive-mode = true\n    local-address = %q\n", RSAddr)
		b.WriteString("  [neighbors.route-server.config]\n    route-server-client = true\n")
		b.WriteString("  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = \"ipv4-unicast\"\n")
		fmt.Fprintf(&b, "  [neighbors.apply-policy.config]\n    import-policy-list = [\"import_%s\"]\n    default-import-policy = \"reject-route\"\n    default-export-policy = \"accept-route\"\n", p.Name)
	}
	return b.String()
}
