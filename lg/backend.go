package lg

import (
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/routestore"
)

// Backend is the daemon's read side, all the looking glass needs. Every
// method must be cheap and must not block on BGP sessions: handlers call
// them on each request.
type Backend interface {
	// Status is the daemon's identity and life times.
	Status() Status
	// Neighbors lists every configured peer (BGP sessions only).
	Neighbors() []Neighbor
	// Routes calls fn for every stored route matching q, as
	// routestore.Store.List does: the matches are copied out first, so fn
	// may block (a slow client) without holding any lock the route
	// pipeline needs.
	Routes(q routestore.Query, fn func(routestore.Entry) bool)
}

// Status is what /status shows.
type Status struct {
	RouterID     netip.Addr
	ASN          uint32
	Version      string // e.g. "rsguard v1.2.3"
	Started      time.Time
	LastReconfig time.Time // zero: never reloaded (Started is shown)
}

// Neighbor is one peer as the looking glass shows it. Nothing secret:
// Alice republishes the whole protocol object publicly.
type Neighbor struct {
	Name        string // the config's peer name (shown in the description)
	Description string
	Address     netip.Addr
	ASN         uint32
	// State is GoBGP's FSM state name ("ESTABLISHED", "ACTIVE", ...).
	State     string
	Since     time.Time
	Disabled  bool
	LastError string
	Counts    routestore.Counts
}
