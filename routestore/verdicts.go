package routestore

import "github.com/rsguard/rsguard/filters"

// KeyVerdict is one stored route's key and verdict: all a max-prefix
// recount reads.
type KeyVerdict struct {
	Key     Key
	Verdict *filters.Verdict // shared with the store: read only
}

// Verdicts lists the keys and verdicts of a peer's routes, unsorted. A
// recount runs after every dampening transition; building and sorting an
// Entry per route (List) for it cost ~300 bytes a route of garbage.
func (s *Store) Verdicts(peer string) []KeyVerdict {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.peers[peer]
	var out []KeyVerdict
	if t != nil {
		out = make([]KeyVerdict, 0, t.routes.len())
		for k, r := range t.routes.all() {
			out = append(out, KeyVerdict{Key: k, Verdict: &r.set.verdict.v})
		}
	}
	if s.src != nil {
		// the routes the store does not hold are accepted
		s.src.Keys(peer, func(k Key) {
			if t != nil {
				if _, held := t.routes.get(k); held {
					return
				}
			}
			out = append(out, KeyVerdict{Key: k, Verdict: &acceptedVerdict})
		})
	}
	return out
}
