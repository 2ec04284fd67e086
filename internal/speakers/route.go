package speakers

import (
	"fmt"
	"net/netip"
	"slices"
)

// Route is one route as a speaker shows it, reduced to what route-server
// tests check.
type Route struct {
	Table    string       // BIRD table, e.g. "master4"
	Prefix   netip.Prefix //
	Protocol string       // BIRD protocol that holds the route
	// From is the BGP neighbor the route was learned from; invalid for
	// routes BIRD originated itself.
	From netip.Addr
	// NextHop is BGP.next_hop (its first address, when BIRD shows a global
	// and a link-local one), else the gateway of "via X".
	NextHop netip.Addr
	// ASPath is BGP.as_path, leftmost first; AS_SET members are flattened
	// into it in order. nil for non-BGP routes, empty for an empty path.
	ASPath  []uint32
	Primary bool // BIRD's '*': the route selected for the prefix
	// Attrs holds every "Key: value" line of `show route all` ("Type",
	// "BGP.origin", "BGP.community", "BGP.large_community", ...) verbatim.
	Attrs map[string]string
}

// String renders the route for test failure messages.
func (r Route) String() string {
	s := r.Prefix.String()
	if r.From.IsValid() {
		s += " from " + r.From.String()
	}
	if r.NextHop.IsValid() {
		s += " nh " + r.NextHop.String()
	}
	if r.ASPath != nil {
		s += fmt.Sprintf(" path %v", r.ASPath)
	}
	if r.Protocol != "" {
		s += " (" + r.Protocol + ")"
	}
	return s
}

// HasPath reports whether the route's AS path equals path.
func (r Route) HasPath(path ...uint32) bool { return slices.Equal(r.ASPath, path) }

// FindRoute returns the routes for prefix among rs (several when more than
// one neighbor announced it).
func FindRoute(rs []Route, prefix string) []Route {
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return nil
	}
	var out []Route
	for _, r := range rs {
		if r.Prefix == p {
			out = append(out, r)
		}
	}
	return out
}
