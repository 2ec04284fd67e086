package table

import (
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// packMPUnicast packs IPv6 unicast paths with equal attributes and next
// hop into one MP_REACH_NLRI, and withdrawals into MP_UNREACH_NLRIs, each
// message at most BGP_MAX_MESSAGE_LENGTH octets. packerMP builds one
// message per path, so a full IPv6 table went out as one UPDATE per route.
// A path whose attributes leave no room for its NLRI is sent alone, as
// packerMP did; Serialize refuses that message.
func packMPUnicast(family bgp.RouteFamily, withdrawals, paths []*Path, options ...*bgp.MarshallingOption) []*bgp.BGPMessage {
	const header = 19 + 2 + 2 // BGP header, withdrawn and attribute lengths
	nlriLen := func(n bgp.AddrPrefixInterface) int {
		b, err := n.Serialize(options...)
		if err != nil {
			return bgp.BGP_MAX_MESSAGE_LENGTH
		}
		return len(b)
	}
	var msgs []*bgp.BGPMessage

	// MP_UNREACH_NLRI: 4 octets of attribute header, AFI and SAFI
	var nlris []bgp.AddrPrefixInterface
	size := header + 4 + 3
	for _, p := range withdrawals {
		n := p.GetNlri()
		l := nlriLen(n)
		if len(nlris) > 0 && size+l > bgp.BGP_MAX_MESSAGE_LENGTH {
			msgs = append(msgs, bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{bgp.NewPathAttributeMpUnreachNLRI(nlris)}, nil))
			nlris, size = nil, header+4+3
		}
		nlris = append(nlris, n)
		size += l
	}
	if len(nlris) > 0 {
		msgs = append(msgs, bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{bgp.NewPathAttributeMpUnreachNLRI(nlris)}, nil))
	}

	// group by next hop and the other attributes' octets, in first-seen order
	type group struct {
		nexthop string
		first   *Path
		base    int // the message without NLRI
		paths   []*Path
	}
	var groups []*group
	index := map[string]*group{}
	for _, p := range paths {
		nh := p.GetNexthop().String()
		key := []byte(nh)
		hasMP := false
		for _, a := range p.GetPathAttrs() {
			if a.GetType() == bgp.BGP_ATTR_TYPE_MP_REACH_NLRI {
				hasMP = true
				continue
			}
			b, _ := a.Serialize(options...)
			key = append(key, b...)
		}
		if !hasMP {
			// nothing to pack into; as packerMP did
			msgs = append(msgs, createMPReachMessage(p))
			continue
		}
		if g, ok := index[string(key)]; ok {
			g.paths = append(g.paths, p)
			continue
		}
		empty, _ := bgp.NewPathAttributeMpReachNLRI(nh, nil).Serialize(options...)
		// +1: the attribute header grows to 4 octets past 255
		g := &group{nexthop: nh, first: p, base: header + len(key) - len(nh) + len(empty) + 1, paths: []*Path{p}}
		index[string(key)] = g
		groups = append(groups, g)
	}
	for _, g := range groups {
		emit := func(nlris []bgp.AddrPrefixInterface) {
			attrs := make([]bgp.PathAttributeInterface, 0, len(g.first.GetPathAttrs()))
			for _, a := range g.first.GetPathAttrs() {
				if a.GetType() == bgp.BGP_ATTR_TYPE_MP_REACH_NLRI {
					a = bgp.NewPathAttributeMpReachNLRI(g.nexthop, nlris)
				}
				attrs = append(attrs, a)
			}
			msgs = append(msgs, bgp.NewBGPUpdateMessage(nil, attrs, nil))
		}
		var nlris []bgp.AddrPrefixInterface
		size := g.base
		for _, p := range g.paths {
			n := p.GetNlri()
			l := nlriLen(n)
			if len(nlris) > 0 && size+l > bgp.BGP_MAX_MESSAGE_LENGTH {
				emit(nlris)
				nlris, size = nil, g.base
			}
			nlris = append(nlris, n)
			size += l
		}
		if len(nlris) > 0 {
			emit(nlris)
		}
	}
	return msgs
}
