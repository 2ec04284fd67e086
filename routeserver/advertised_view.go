package routeserver

import (
	"net/netip"
	"sort"

	"github.com/rsguard/rsguard/routestore"
)

// peerNamesByAddr names the configured peers by address; a path from an
// address not in it (originated, or its peer removed meanwhile) shows "".
func (s *Server) peerNamesByAddr() map[netip.Addr]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[netip.Addr]string, len(s.byAddr))
	for a, p := range s.byAddr {
		out[a] = p.cfg.Name
	}
	return out
}

// sortAdvertised orders an Adj-RIB-Out listing like the store's views:
// by prefix (IPv4 first, then address, then length), then path ID, so a
// diff of two listings shows what changed and nothing else.
func sortAdvertised(out []routestore.Entry) {
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Key, out[j].Key
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c < 0
		}
		if a.Prefix.Bits() != b.Prefix.Bits() {
			return a.Prefix.Bits() < b.Prefix.Bits()
		}
		if a.PathID != b.PathID {
			return a.PathID < b.PathID
		}
		return out[i].LearnedFrom < out[j].LearnedFrom
	})
}
