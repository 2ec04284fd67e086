package routeserver

import (
	"hash"
	"hash/fnv"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// attrHasher fingerprints a path's attributes, so that an announcement that
// repeats the same attributes is not counted as an attribute change.
type attrHasher struct{ h hash.Hash64 }

func newAttrHasher() attrHasher { return attrHasher{h: fnv.New64a()} }

func (a attrHasher) add(attr bgp.PathAttributeInterface) {
	if mp, ok := attr.(*bgp.PathAttributeMpReachNLRI); ok {
		// the NLRI itself is not an attribute of the route; the next hop is
		a.h.Write(mp.Nexthop)
		return
	}
	if b, err := attr.Serialize(); err == nil {
		a.h.Write(b)
	}
}

func (a attrHasher) sum() uint64 { return a.h.Sum64() }
