package routeserver

import (
	"net/netip"

	"github.com/rsguard/rsguard/config"
)

// SourcePrefixes returns the peer's config and the prefixes of the allowed
// list in force now (IRR expansion merged with static prefixes, exactly
// what the evaluator checks against), deduplicated and sorted, IPv4 first.
// A BCP 38 source filter is built from them: a range such as
// 45.65.0.0/22{22,24} contributes its prefix, since every address inside
// it may be a legitimate source.
func (s *Server) SourcePrefixes(name string) (config.Peer, []netip.Prefix, error) {
	p, err := s.peerNamed(name)
	if err != nil {
		return config.Peer{}, nil, err
	}
	var out []netip.Prefix
	seen := map[netip.Prefix]bool{}
	// Ranges() is sorted by prefix, IPv4 first, so out is too.
	for _, r := range p.input.Load().Allowed.Ranges() {
		if !seen[r.Prefix] {
			seen[r.Prefix] = true
			out = append(out, r.Prefix)
		}
	}
	return p.cfg, out, nil
}
