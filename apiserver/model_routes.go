package apiserver

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

// RouteView selects which table ListRoutes reads.
type RouteView int

const (
	ViewReceived   RouteView = iota // Adj-RIB-In, before policy
	ViewAccepted                    // passed every import check
	ViewRejected                    // failed at least one check
	ViewAdvertised                  // Adj-RIB-Out towards the peer
)

var routeViewNames = [...]string{"received", "accepted", "rejected", "advertised"}

func (v RouteView) String() string {
	if v >= 0 && int(v) < len(routeViewNames) {
		return routeViewNames[v]
	}
	return fmt.Sprintf("view_%d", int(v))
}

// ParseRouteView reads "received", "accepted", "rejected" or "advertised".
func ParseRouteView(s string) (RouteView, error) {
	for i, n := range routeViewNames {
		if strings.EqualFold(s, n) {
			return RouteView(i), nil
		}
	}
	return 0, fmt.Errorf("view %q: want one of %s: %w", s, strings.Join(routeViewNames[:], ", "), ErrInvalidArgument)
}

// RouteQuery selects routes. Zero fields do not filter.
type RouteQuery struct {
	Peer     string // "" = every peer
	View     RouteView
	Prefix   netip.Prefix // exact prefix
	Contains netip.Addr   // prefixes containing this address
	Reasons  []filters.Reason
}

// Match reports whether e passes q's filters. It does not look at View:
// the view chooses the table, Match filters within it.
func (q RouteQuery) Match(e RouteEntry) bool {
	if q.Peer != "" && e.Peer != q.Peer {
		return false
	}
	if q.Prefix.IsValid() && e.Route.Prefix.Masked() != q.Prefix.Masked() {
		return false
	}
	if q.Contains.IsValid() && !e.Route.Prefix.Contains(q.Contains) {
		return false
	}
	if len(q.Reasons) > 0 && !slices.ContainsFunc(e.Rejections, func(r filters.Rejection) bool {
		return slices.Contains(q.Reasons, r.Reason)
	}) {
		return false
	}
	return true
}

// RouteEntry is one route of one peer, with every failing check if it was
// rejected.
type RouteEntry struct {
	Peer       string
	Route      filters.Route
	Rejections []filters.Rejection
	ReceivedAt time.Time // zero if unknown
	RPKI       rpki.State
	// Notes: failing checks the peer's config turned off (not enforced).
	Notes []filters.Rejection
	// Communities as received (or, in the advertised view, as sent).
	Communities filters.Communities
	// LearnedFrom: the advertised view's source peer ("" elsewhere).
	LearnedFrom string
}

// ExplainQuery is a route to evaluate as if Peer had sent it.
type ExplainQuery struct {
	Peer      string
	Prefix    netip.Prefix
	ASPath    filters.ASPath
	ASPathSet bool       // false: fill ASPath in (see RouteBackend.ExplainRoute)
	NextHop   netip.Addr // invalid: fill in
	// Communities to test; CommunitiesSet false: fill in like ASPath.
	Communities    filters.Communities
	CommunitiesSet bool
}

// Explanation is the verdict on the route actually evaluated.
type Explanation struct {
	Peer    string
	Route   filters.Route
	Verdict filters.Verdict
	// Communities evaluated and where the route would go (export.go in
	// filters); a route rejected on import goes nowhere.
	Communities filters.Communities
	Exports     []filters.ExportTarget
}
