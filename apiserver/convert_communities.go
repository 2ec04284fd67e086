package apiserver

import (
	"fmt"

	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// CommunitiesToProto renders communities as "asn:value" and
// "global:local1:local2" strings.
func CommunitiesToProto(c filters.Communities) (std, large []string) {
	for _, x := range c.Std {
		std = append(std, x.String())
	}
	for _, x := range c.Large {
		large = append(large, x.String())
	}
	return std, large
}

// CommunitiesFromProto parses what CommunitiesToProto writes (well-known
// names such as no_export are accepted too); errors name the field.
func CommunitiesFromProto(std, large []string) (filters.Communities, error) {
	var c filters.Communities
	for _, s := range std {
		x, err := filters.ParseCommunity(s)
		if err != nil {
			return c, fmt.Errorf("communities: %v: %w", err, ErrInvalidArgument)
		}
		c.Std = append(c.Std, x)
	}
	for _, s := range large {
		x, err := filters.ParseLargeCommunity(s)
		if err != nil {
			return c, fmt.Errorf("large_communities: %v: %w", err, ErrInvalidArgument)
		}
		c.Large = append(c.Large, x)
	}
	return c, nil
}

// routeWithCommunities is RouteToProto plus the route's communities.
func routeWithCommunities(r filters.Route, c filters.Communities) *rsguardv1.Route {
	out := RouteToProto(r)
	out.Communities, out.LargeCommunities = CommunitiesToProto(c)
	return out
}

// ExportsToProto converts export decisions toward each peer.
func ExportsToProto(ts []filters.ExportTarget) []*rsguardv1.ExportDecision {
	out := make([]*rsguardv1.ExportDecision, 0, len(ts))
	for _, t := range ts {
		d := t.Decision
		std, large := CommunitiesToProto(filters.Communities{Std: d.Communities, Large: d.LargeCommunities})
		out = append(out, &rsguardv1.ExportDecision{Peer: t.Peer.Name, PeerAsn: t.Peer.ASN, Sent: d.Send, Rule: d.Rule,
			Prepend: uint32(d.Prepend), Communities: std, LargeCommunities: large})
	}
	return out
}
