package lg

import (
	"net/netip"
	"sync"
	"time"

	"github.com/rsguard/rsguard/routestore"
)

// exportCache holds the per-neighbor "exported" counts for one TTL: they
// need a pass over every accepted route, too much for each neighbors call.
type exportCache struct {
	mu     sync.Mutex
	at     time.Time
	counts map[string]int
}

// exported estimates, per neighbor, how many prefixes the route server
// sends it: the distinct prefixes other neighbors have accepted routes for
// (a route server passes every accepted prefix to every other client; what
// export-control communities withhold is not subtracted). It reads the
// store one peer at a time.
func (h *Handler) exported(ns []Neighbor) map[string]int {
	c := &h.exp
	c.mu.Lock()
	defer c.mu.Unlock()
	now := h.o.Now()
	if c.counts != nil && now.Sub(c.at) < h.o.TTL && !now.Before(c.at) && c.covers(ns) {
		return c.counts
	}
	// owner is the index of the only neighbor with the prefix, or -1 when
	// several have it.
	owner := map[netip.Prefix]int{}
	f := false
	for i, n := range ns {
		h.b.Routes(routestore.Query{Peer: n.Name, Rejected: &f}, func(e routestore.Entry) bool {
			if o, ok := owner[e.Key.Prefix]; !ok {
				owner[e.Key.Prefix] = i
			} else if o != i {
				owner[e.Key.Prefix] = -1
			}
			return true
		})
	}
	only := make([]int, len(ns))
	for _, o := range owner {
		if o >= 0 {
			only[o]++
		}
	}
	counts := make(map[string]int, len(ns))
	for i, n := range ns {
		if birdState(n) == "up" { // nothing is sent on a session that is not up
			counts[n.Name] = len(owner) - only[i]
		} else {
			counts[n.Name] = 0
		}
	}
	c.at, c.counts = now, counts
	return counts
}

// covers reports whether the cache has every neighbor (a reload may have
// added one since).
func (c *exportCache) covers(ns []Neighbor) bool {
	for _, n := range ns {
		if _, ok := c.counts[n.Name]; !ok {
			return false
		}
	}
	return true
}
