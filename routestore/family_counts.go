package routestore

import "github.com/rsguard/rsguard/filters"

// FamilyCounts are one peer's counts split by address family: index 0 is
// IPv4, 1 is IPv6. They are computed in one pass so that an operator (or a
// metrics scrape) sees per-family numbers that add up to Counts.
func (s *Store) FamilyCounts(peer string) [2]Counts {
	out := [2]Counts{{ByReason: map[filters.Reason]int{}}, {ByReason: map[filters.Reason]int{}}}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t := s.peers[peer]; t != nil {
		countHeld(t, &out)
	}
	if s.src != nil {
		// The source holds every route, the store the rejected ones
		// among them. It runs ahead of the store (source.go), so for a
		// moment it may hold fewer than the store.
		n := s.src.Count(peer)
		for f := range out {
			c := &out[f]
			c.Received = max(n[f], c.Received)
			c.Accepted = c.Received - c.Rejected
		}
	}
	return out
}

// countHeld counts the routes the store holds.
func countHeld(t *peerTable, out *[2]Counts) {
	for k, rec := range t.routes.all() {
		c := &out[0]
		if !k.Prefix.Addr().Is4() {
			c = &out[1]
		}
		c.Received++
		if rec.set.verdict.v.Accepted() {
			c.Accepted++
		} else {
			c.Rejected++
		}
		for _, r := range rec.set.verdict.v.Rejections {
			c.ByReason[r.Reason]++
		}
	}
}

// Plus adds two counts (e.g. both families of FamilyCounts).
func (c Counts) Plus(o Counts) Counts {
	out := Counts{Received: c.Received + o.Received, Accepted: c.Accepted + o.Accepted,
		Rejected: c.Rejected + o.Rejected, ByReason: make(map[filters.Reason]int, len(c.ByReason)+len(o.ByReason))}
	for r, n := range c.ByReason {
		out.ByReason[r] += n
	}
	for r, n := range o.ByReason {
		out.ByReason[r] += n
	}
	return out
}
