package server

import "github.com/osrg/gobgp/v3/pkg/packet/bgp"

// maxLoggedPrefixes bounds the prefixes named in one log line: an UPDATE
// can carry about a thousand, and the count says how many there were.
const maxLoggedPrefixes = 64

// updatePrefixes returns up to max of the prefixes an UPDATE announces
// (NLRI field and MP_REACH_NLRI) as strings, and how many it announces in
// all. A treat-as-withdraw or attribute-discard error is logged (RFC 7606
// §3); naming the routes it affected lets an operator, or a program
// embedding GoBGP, see which routes were dropped or changed and why.
func updatePrefixes(u *bgp.BGPUpdate, max int) ([]string, int) {
	out := []string{}
	count := 0
	add := func(s string) {
		count++
		if len(out) < max {
			out = append(out, s)
		}
	}
	for _, n := range u.NLRI {
		add(n.String())
	}
	for _, a := range u.PathAttributes {
		if mp, ok := a.(*bgp.PathAttributeMpReachNLRI); ok {
			for _, n := range mp.Value {
				add(n.String())
			}
		}
	}
	return out, count
}
