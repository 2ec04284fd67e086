package routeserver

import (
	"context"
	"fmt"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/filters"
)

// communityAttrs renders c as COMMUNITIES and LARGE_COMMUNITIES
// attributes; none when c is empty.
func communityAttrs(c filters.Communities) []bgp.PathAttributeInterface {
	var out []bgp.PathAttributeInterface
	if len(c.Std) > 0 {
		v := make([]uint32, len(c.Std))
		for i, x := range c.Std {
			v[i] = uint32(x)
		}
		out = append(out, bgp.NewPathAttributeCommunities(v))
	}
	if len(c.Large) > 0 {
		v := make([]*bgp.LargeCommunity, len(c.Large))
		for i, x := range c.Large {
			v[i] = bgp.NewLargeCommunity(x.Global, x.Local1, x.Local2)
		}
		out = append(out, bgp.NewPathAttributeLargeCommunities(v))
	}
	return out
}

// AnnounceWithCommunities sends one IPv4 route carrying communities c.
func (rp *RawPeer) AnnounceWithCommunities(r filters.Route, c filters.Communities) error {
	if !r.Prefix.Addr().Is4() {
		return fmt.Errorf("announce %s: only IPv4 routes carry communities here", r.Prefix)
	}
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), asPathAttr(r.ASPath),
		bgp.NewPathAttributeNextHop(r.NextHop.String())}
	attrs = append(attrs, communityAttrs(c)...)
	msg := bgp.NewBGPUpdateMessage(nil, attrs, []*bgp.IPAddrPrefix{nlriOf(r.Prefix).(*bgp.IPAddrPrefix)})
	if err := rp.send(msg); err != nil {
		return fmt.Errorf("announce %s: %w", r.Prefix, err)
	}
	return nil
}

// ReceivedIPv4 lists the IPv4 routes the speaker learnt from the route
// server, with their communities.
func (sp *Speaker) ReceivedIPv4(ctx context.Context) ([]decodedPath, error) {
	var out []decodedPath
	err := sp.bgp.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: sp.cfg.RSAddr, Family: familyV4},
		func(d *api.Destination) {
			for _, p := range d.Paths {
				if dp, err := decodePath(p); err == nil {
					out = append(out, dp)
				}
			}
		})
	return out, err
}
