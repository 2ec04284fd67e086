package routestore

// Announced reports whether the store holds peer's path k and, if so, the
// attribute hash it was announced with. The dampening engine asks before
// every event instead of keeping its own copy of every announced path; it
// copies no entry. A path the store dropped at its limit (Dropped) reads
// as not announced, so its withdrawal is not counted as a flap.
func (s *Store) Announced(peer string, k Key) (attrHash uint64, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t := s.peers[peer]; t != nil {
		if r, found := t.routes.get(k); found {
			return r.set.attrs.attrHash, true
		}
	}
	return 0, false
}
