package routeserver

import (
	"fmt"
	"net/netip"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

// decodedPath is an ADJIN event path in our own terms.
type decodedPath struct {
	From     netip.Addr
	Key      routestore.Key
	Route    filters.Route
	Comms    filters.Communities // steer export only (export.go)
	Attrs    routestore.Attrs    // for display only
	Withdraw bool
	AttrHash uint64 // changes when any path attribute changes (dampening)
}

// decodePath converts a GoBGP API path into the filters' Route. Only the
// attributes the checks look at are decoded.
func decodePath(p *api.Path) (decodedPath, error) {
	var d decodedPath
	from, err := netip.ParseAddr(p.NeighborIp)
	if err != nil {
		return d, fmt.Errorf("path without a valid neighbor address %q", p.NeighborIp)
	}
	d.From, d.Withdraw = from.Unmap(), p.IsWithdraw
	nlri, err := apiutil.GetNativeNlri(p)
	if err != nil {
		return d, fmt.Errorf("nlri: %w", err)
	}
	pfx, err := netip.ParsePrefix(nlri.String())
	if err != nil {
		return d, fmt.Errorf("nlri %q is not a unicast prefix", nlri.String())
	}
	d.Key = routestore.Key{Prefix: pfx.Masked(), PathID: p.Identifier}
	d.Route.Prefix = d.Key.Prefix
	if d.Withdraw {
		return d, nil
	}
	attrs, err := apiutil.GetNativePathAttributes(p)
	if err != nil {
		return d, fmt.Errorf("attributes: %w", err)
	}
	h := newAttrHasher()
	for _, a := range attrs {
		h.add(a)
		switch v := a.(type) {
		case *bgp.PathAttributeAsPath:
			for _, seg := range v.Value {
				d.Route.ASPath = append(d.Route.ASPath, filters.Segment{Type: segType(seg.GetType()), ASNs: append([]uint32(nil), seg.GetAS()...)})
			}
		case *bgp.PathAttributeNextHop:
			if a, ok := netip.AddrFromSlice(v.Value); ok {
				d.Route.NextHop = a.Unmap()
			}
		case *bgp.PathAttributeCommunities, *bgp.PathAttributeLargeCommunities:
			decodeCommunities(a, &d.Comms)
		case *bgp.PathAttributeOrigin:
			d.Attrs.Origin = routestore.Origin(v.Value)
		case *bgp.PathAttributeMultiExitDisc:
			d.Attrs.MED, d.Attrs.HasMED = v.Value, true
		case *bgp.PathAttributeMpReachNLRI:
			if a, ok := netip.AddrFromSlice(v.Nexthop); ok && !d.Route.NextHop.IsValid() {
				d.Route.NextHop = a.Unmap()
			}
		}
	}
	d.Route.Blackhole = d.Comms.CarriesBlackhole()
	d.AttrHash = h.sum()
	return d, nil
}

func segType(t uint8) filters.SegmentType {
	switch t {
	case bgp.BGP_ASPATH_ATTR_TYPE_SET:
		return filters.SegSet
	case bgp.BGP_ASPATH_ATTR_TYPE_CONFED_SEQ:
		return filters.SegConfedSequence
	case bgp.BGP_ASPATH_ATTR_TYPE_CONFED_SET:
		return filters.SegConfedSet
	}
	return filters.SegSequence
}
