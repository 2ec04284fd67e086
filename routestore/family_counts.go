package routestore

import "github.com/rsguard/rsguard/filters"

// FamilyCounts are one peer's counts split by address family: index 0 is
// IPv4, 1 is IPv6. They are computed in one pass so that an operator (or a
// metrics scrape) sees per-family numbers that add up to Counts.
func (s *Store) FamilyCounts(peer string) [2]Counts {
	out := [2]Counts{{ByReason: map[filters.Reason]int{}}, {ByReason: map[filters.Reason]int{}}}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.peers[peer]
	if t == nil {
		return out
	}
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
	return out
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
