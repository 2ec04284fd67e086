package server

import (
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// AdjRibInReader reads one peer's pre-policy Adj-RIB-In on the caller's
// goroutine, not the server loop's: the table's lock is held only while
// the paths are copied out. A program fed by the ReceivedPathsHook gets
// one with each SessionStarted and can answer "what does this peer
// announce" from it rather than keep its own copy of every path.
type AdjRibInReader struct{ adj *table.AdjRib }

// AdjRibInPath is one path the peer announces and the server holds.
type AdjRibInPath struct {
	NLRI   bgp.AddrPrefixInterface
	PathID uint32
	// Attrs are the server's own, shared objects: read them only.
	Attrs []bgp.PathAttributeInterface
	// Received: when this announcement, or an identical one before it,
	// was received (whole seconds).
	Received time.Time
}

func readerPath(p table.AdjPath) AdjRibInPath {
	return AdjRibInPath{NLRI: p.NLRI, PathID: p.PathID, Attrs: p.Attrs, Received: p.Received}
}

// Paths appends every path of the families held to buf and returns it.
// Paths the server rejected on receipt (an AS_PATH with its own AS) are
// left out: the ReceivedPathsHook never reported them either.
func (r *AdjRibInReader) Paths(families []bgp.RouteFamily, buf []AdjRibInPath) []AdjRibInPath {
	r.adj.ReadPaths(families, func(p table.AdjPath) { buf = append(buf, readerPath(p)) })
	return buf
}

// Lookup returns the path held for nlri's prefix and pathID.
func (r *AdjRibInReader) Lookup(nlri bgp.AddrPrefixInterface, pathID uint32) (AdjRibInPath, bool) {
	p, ok := r.adj.LookupPath(nlri, pathID)
	if !ok {
		return AdjRibInPath{}, false
	}
	return readerPath(p), true
}

// Count is how many paths of the families Paths would return.
func (r *AdjRibInReader) Count(families []bgp.RouteFamily) int {
	return r.adj.CountPaths(families)
}
