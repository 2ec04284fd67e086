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

// decodedPath is a received path in our own terms.
type decodedPath struct {
	From     netip.Addr
	Key      routestore.Key
	Route    filters.Route
	Comms    filters.Communities // steer export only (export.go)
	Attrs    routestore.Attrs    // for display only
	Withdraw bool
	AttrHash uint64 // changes when any path attribute changes (dampening)
}

// receivedPath is one received path in GoBGP's packet types: what the feed
// hands over (feed.go) and what the BMP and MRT exports rebuild UPDATEs
// from. NLRI and Attrs are GoBGP's own, shared objects: read-only.
type receivedPath struct {
	NLRI     bgp.AddrPrefixInterface
	PathID   uint32
	Withdraw bool
	Attrs    []bgp.PathAttributeInterface
}

// decodePath converts a path read over GoBGP's API (ListPath) into the
// filters' Route, exactly as the feed decodes a received path.
func decodePath(p *api.Path) (decodedPath, error) {
	from, err := netip.ParseAddr(p.NeighborIp)
	if err != nil {
		return decodedPath{}, fmt.Errorf("path without a valid neighbor address %q", p.NeighborIp)
	}
	rp, err := receivedOfAPI(p)
	if err != nil {
		return decodedPath{From: from.Unmap(), Withdraw: p.IsWithdraw}, err
	}
	return decodeReceived(from, rp)
}

// receivedOfAPI is an API path in GoBGP's packet types.
func receivedOfAPI(p *api.Path) (receivedPath, error) {
	rp := receivedPath{PathID: p.Identifier, Withdraw: p.IsWithdraw}
	nlri, err := apiutil.GetNativeNlri(p)
	if err != nil {
		return rp, fmt.Errorf("nlri: %w", err)
	}
	rp.NLRI = nlri
	if rp.Withdraw {
		return rp, nil
	}
	if rp.Attrs, err = apiutil.GetNativePathAttributes(p); err != nil {
		return rp, fmt.Errorf("attributes: %w", err)
	}
	return rp, nil
}

// decodeReceived converts a received path into the filters' Route. Only
// the attributes the checks look at are decoded.
func decodeReceived(from netip.Addr, p receivedPath) (decodedPath, error) {
	return decodeReceivedMemo(from, p, nil)
}

// decodeReceivedMemo is decodeReceived that decodes an attribute list only
// once while consecutive paths share it (memo may be nil): GoBGP hands all
// IPv4 paths of one UPDATE the same list, so the per-path cost is the NLRI.
func decodeReceivedMemo(from netip.Addr, p receivedPath, memo *attrMemo) (decodedPath, error) {
	var d decodedPath
	d.From, d.Withdraw = from.Unmap(), p.Withdraw
	pfx, err := unicastPrefix(p.NLRI)
	if err != nil {
		return d, err
	}
	d.Key = routestore.Key{Prefix: pfx, PathID: p.PathID}
	if d.Withdraw {
		d.Route.Prefix = d.Key.Prefix
		return d, nil
	}
	a := memo.decode(p.Attrs)
	d.Route, d.Comms, d.Attrs, d.AttrHash = a.route, a.comms, a.attrs, a.hash
	d.Route.Prefix = d.Key.Prefix
	return d, nil
}

// decodedAttrs is what decodeReceived reads from an attribute list: the
// Route without its prefix, and the rest of decodedPath. Its slices are
// shared by every path decoded from the same list: read-only.
type decodedAttrs struct {
	route filters.Route
	comms filters.Communities
	attrs routestore.Attrs
	hash  uint64
}

// attrMemo remembers the last attribute list decoded.
type attrMemo struct {
	list []bgp.PathAttributeInterface
	d    decodedAttrs
}

// decode returns the list's decoded attributes, from the memo when the
// list is the one decoded last (same backing array and length: GoBGP never
// modifies a received list).
func (m *attrMemo) decode(list []bgp.PathAttributeInterface) decodedAttrs {
	if m == nil {
		return decodeAttrs(list)
	}
	if sameList(list, m.list) {
		return m.d
	}
	m.list, m.d = list, decodeAttrs(list)
	return m.d
}

func decodeAttrs(list []bgp.PathAttributeInterface) decodedAttrs {
	var d decodedAttrs
	h := newAttrHasher()
	for _, a := range list {
		h.add(a)
		switch v := a.(type) {
		case *bgp.PathAttributeAsPath:
			for _, seg := range v.Value {
				d.route.ASPath = append(d.route.ASPath, filters.Segment{Type: segType(seg.GetType()), ASNs: append([]uint32(nil), seg.GetAS()...)})
			}
		case *bgp.PathAttributeNextHop:
			if a, ok := netip.AddrFromSlice(v.Value); ok {
				d.route.NextHop = a.Unmap()
			}
		case *bgp.PathAttributeCommunities, *bgp.PathAttributeLargeCommunities:
			decodeCommunities(a, &d.comms)
		case *bgp.PathAttributeOrigin:
			d.attrs.Origin = routestore.Origin(v.Value)
		case *bgp.PathAttributeMultiExitDisc:
			d.attrs.MED, d.attrs.HasMED = v.Value, true
		case *bgp.PathAttributeMpReachNLRI:
			if a, ok := netip.AddrFromSlice(v.Nexthop); ok && !d.route.NextHop.IsValid() {
				d.route.NextHop = a.Unmap()
			}
		}
	}
	d.route.Blackhole = d.comms.CarriesBlackhole()
	d.hash = h.sum()
	return d
}

// unicastPrefix is an NLRI as a masked prefix. For IPv4 and IPv6 unicast,
// the NLRI types of every received path, it reads the fields; any other
// NLRI goes through its String(), which is what this did for every path.
func unicastPrefix(nlri bgp.AddrPrefixInterface) (netip.Prefix, error) {
	var pfx netip.Prefix
	switch n := nlri.(type) {
	case *bgp.IPAddrPrefix:
		ip := n.Prefix
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		a, _ := netip.AddrFromSlice(ip)
		pfx = netip.PrefixFrom(a, int(n.Length))
	case *bgp.IPv6AddrPrefix:
		a, _ := netip.AddrFromSlice(n.Prefix)
		pfx = netip.PrefixFrom(a, int(n.Length))
	case nil:
		return pfx, fmt.Errorf("path without an NLRI")
	default:
		pfx, _ = netip.ParsePrefix(nlri.String())
	}
	if !pfx.IsValid() {
		return pfx, fmt.Errorf("nlri %q is not a unicast prefix", nlri.String())
	}
	return pfx.Masked(), nil
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

// sameList: a and b are one list (same backing array and length; GoBGP
// never modifies a received list).
func sameList(a, b []bgp.PathAttributeInterface) bool {
	return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0]
}

// hashMemo remembers the attribute hash of the last list hashed: the
// paths one UPDATE replaces mostly came in one UPDATE too, so they share
// a list.
type hashMemo struct {
	list []bgp.PathAttributeInterface
	sum  uint64
}

func (m *hashMemo) hash(list []bgp.PathAttributeInterface) uint64 {
	if sameList(list, m.list) {
		return m.sum
	}
	h := newAttrHasher()
	for _, a := range list {
		h.add(a)
	}
	m.list, m.sum = list, h.sum()
	return m.sum
}
