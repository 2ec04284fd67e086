package config

import "github.com/rsguard/rsguard/filters"

// Rendering of the list keys for NormalizedTOML (embedded in the render
// structs, so the keys appear inline in their tables).
type (
	renderFilterLists struct {
		GlobalBlacklist          []string `toml:"global_blacklist"`
		TransitFreeASNs          []uint32 `toml:"transit_free_asns"`
		NeverViaRouteServersASNs []uint32 `toml:"never_via_route_servers_asns"`
		NeverViaRouteServersFile string   `toml:"never_via_route_servers_file,omitempty"`
	}
	renderPeerLists struct {
		ASSet           any                  `toml:"as_set,omitempty"` // a string, or a list for several sets
		Blacklist       []string             `toml:"blacklist"`
		AllowedOrigins  []uint32             `toml:"allowed_origins,omitempty"`
		AllowedRoutes   []renderAllowedRoute `toml:"allowed_routes,omitempty"`
		EnforcePrefixes bool                 `toml:"enforce_prefixes"`
		EnforceOrigins  bool                 `toml:"enforce_origins"`
	}
	renderAllowedRoute struct {
		Prefix string `toml:"prefix"`
		Origin any    `toml:"origin,omitempty"` // nil: any origin
	}
)

func filterListsRender(f Filters) renderFilterLists {
	return renderFilterLists{
		GlobalBlacklist:          stringsOf(f.GlobalBlacklist),
		TransitFreeASNs:          nonNilASNs(f.TransitFreeASNs),
		NeverViaRouteServersASNs: nonNilASNs(f.NeverViaRouteServersASNs),
		NeverViaRouteServersFile: f.NeverViaRouteServersFile,
	}
}

func peerListsRender(p Peer) renderPeerLists {
	r := renderPeerLists{Blacklist: stringsOf(p.Blacklist), AllowedOrigins: p.AllowedOrigins,
		EnforcePrefixes: !p.PrefixCheckOff, EnforceOrigins: !p.OriginCheckOff}
	switch names := ASSetNames(p.ASSet); len(names) {
	case 0:
	case 1:
		r.ASSet = names[0]
	default:
		r.ASSet = names
	}
	for _, a := range p.AllowedRoutes {
		ra := renderAllowedRoute{Prefix: a.Range.String()}
		if a.Origin != 0 {
			ra.Origin = a.Origin
		}
		r.AllowedRoutes = append(r.AllowedRoutes, ra)
	}
	return r
}

func nonNilASNs(xs []uint32) []uint32 {
	if xs == nil {
		return []uint32{}
	}
	return xs
}

// ListedNeverViaRS is the never-via-route-servers list in force: the
// inline ASNs and the file's, each with where it came from.
func (f Filters) ListedNeverViaRS() []filters.ListedASN {
	out := filters.ASNs("never_via_route_servers_asns", f.NeverViaRouteServersASNs...)
	return append(out, f.NeverViaRouteServersFileASNs...)
}
