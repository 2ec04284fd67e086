package table

import (
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// Reading the Adj-RIB-In from outside the server loop. An embedding
// program that keeps its own record of received routes (rsguard keeps the
// ones its filters rejected, with the reasons) can answer "what did this
// peer send" from here instead of keeping a second copy of every path, and
// without a server-loop operation (ListPath converts every path to the API
// types on the loop; with EnableFiltered it even writes into the table).

// AdjPath is what a reader learns of one received path. Attrs are the
// server's own shared objects: read them, never modify them.
type AdjPath struct {
	NLRI   bgp.AddrPrefixInterface
	PathID uint32
	Attrs  []bgp.PathAttributeInterface
	// Received is when the path, or an earlier identical announcement of
	// it, was received (seconds).
	Received time.Time
}

func adjPathOf(p *Path) AdjPath {
	nlri := p.GetNlri()
	return AdjPath{NLRI: nlri, PathID: nlri.PathIdentifier(), Attrs: p.SharedPathAttrs(), Received: p.GetTimestamp()}
}

// ReadPaths calls fn with every path of the families held that the
// server did not reject on receipt (an AS loop; SetRejected), in no
// particular order. fn runs under the table's read lock, so the server
// loop waits for it: it must only copy what it is given.
func (adj *AdjRib) ReadPaths(families []bgp.RouteFamily, fn func(AdjPath)) {
	adj.mu.RLock()
	defer adj.mu.RUnlock()
	adj.walk(families, func(d adjDest) bool {
		for _, p := range d.knownPathList {
			if !p.IsRejected() {
				fn(adjPathOf(p))
			}
		}
		return false
	})
}

// LookupPath returns the path held for nlri's prefix with the given
// ADD-PATH identifier (nlri's own identifier is ignored).
func (adj *AdjRib) LookupPath(nlri bgp.AddrPrefixInterface, pathID uint32) (AdjPath, bool) {
	adj.mu.RLock()
	defer adj.mu.RUnlock()
	t := adj.table[bgp.AfiSafiToRouteFamily(nlri.AFI(), nlri.SAFI())]
	if t == nil {
		return AdjPath{}, false
	}
	key := adjRefOf(nlri)
	for _, p := range t.get(&key).knownPathList {
		if p.GetNlri().PathIdentifier() == pathID && !p.IsRejected() {
			return adjPathOf(p), true
		}
	}
	return AdjPath{}, false
}

// CountPaths is how many paths of the families ReadPaths would return.
func (adj *AdjRib) CountPaths(families []bgp.RouteFamily) int {
	adj.mu.RLock()
	defer adj.mu.RUnlock()
	n := 0
	adj.walk(families, func(d adjDest) bool {
		for _, p := range d.knownPathList {
			if !p.IsRejected() {
				n++
			}
		}
		return false
	})
	return n
}
