package rsbench

import (
	"fmt"
	"path/filepath"
	"strings"
)

// RenderRSGuard is rsguard's TOML for the scenario: one passive peer per
// client with its static prefix list. Everything else is rsguard's
// defaults, so its own checks (bogons, next hop, first AS, ...), the route
// store and flap damping (enforce) run as deployed, though no other route
// server under test damps: issue 11 compares rsguard as deployed.
func RenderRSGuard(s *Scenario, dir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# rsbench %s: generated, do not edit.\n", s.Name)
	fmt.Fprintf(&b, "[global]\nasn = %d\nrouter_id = %q\nlisten_addresses = [%q]\nlisten_port = 179\nstate_dir = %q\n\n",
		RSASN, RSAddr, RSAddr, filepath.Join(dir, "state"))
	fmt.Fprintf(&b, "[api]\nsocket = %q\n\n[log]\nlevel = \"warning\"\n", filepath.Join(dir, "rsguard.sock"))
	for _, p := range s.Peers {
		fmt.Fprintf(&b, "\n[[peers]]\nname = %q\naddress = %q\nasn = %d\npassive = true\nprefixes = [\n", p.Name, p.Addr, p.ASN)
		for _, a := range p.Allowed {
			fmt.Fprintf(&b, "  \"%s{%d,24}\",\n", a, a.Bits())
		}
		for _, e := range p.ExtraExact {
			fmt.Fprintf(&b, "  %q,\n", e.String())
		}
		b.WriteString("]\n")
	}
	return b.String()
}
