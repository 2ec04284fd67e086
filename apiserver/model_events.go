package apiserver

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// EventType names the payload an Event carries. Numbers equal the proto
// EventType.
type EventType int

const (
	EventUnknown EventType = iota
	EventPeerState
	EventRouteRejected
	EventDampening
	EventIRRRefresh
	EventMaxPrefix
	EventLagged
	EventVerdictChange  // model_history.go
	EventVerdictSummary // model_history.go
	EventMalformedUpdate
)

var eventTypeNames = [...]string{"unknown", "peer_state", "route_rejected", "dampening", "irr_refresh", "max_prefix", "lagged", "verdict_change", "verdict_summary", "malformed_update"}

func (t EventType) String() string {
	if t >= 0 && int(t) < len(eventTypeNames) {
		return eventTypeNames[t]
	}
	return fmt.Sprintf("event_%d", int(t))
}

// ParseEventType reads a name such as "peer_state".
func ParseEventType(s string) (EventType, error) {
	for i, n := range eventTypeNames[1:] {
		if strings.EqualFold(s, n) {
			return EventType(i + 1), nil
		}
	}
	return 0, fmt.Errorf("event type %q: want one of %s: %w", s, strings.Join(eventTypeNames[1:], ", "), ErrInvalidArgument)
}

// Event is something that happened in the daemon. Exactly one payload
// pointer is set; Type tells which.
type Event struct {
	Time time.Time
	Peer string // "" when the event concerns no single peer

	PeerState     *PeerStateChange
	RouteRejected *RouteRejected
	Dampening     *DampeningTransition
	IRRRefresh    *IRRRefreshOutcome
	MaxPrefix     *MaxPrefixSanction
	Lagged        *EventsLagged
	// VerdictChange and VerdictSummary: model_history.go.
	VerdictChange  *VerdictChange
	VerdictSummary *VerdictSummary
	// MalformedUpdate: routes GoBGP dropped for an RFC 7606 error.
	MalformedUpdate *MalformedUpdate
}

// Type reports which payload is set (the first, if several are).
func (e Event) Type() EventType {
	switch {
	case e.PeerState != nil:
		return EventPeerState
	case e.RouteRejected != nil:
		return EventRouteRejected
	case e.Dampening != nil:
		return EventDampening
	case e.IRRRefresh != nil:
		return EventIRRRefresh
	case e.MaxPrefix != nil:
		return EventMaxPrefix
	case e.Lagged != nil:
		return EventLagged
	case e.VerdictChange != nil:
		return EventVerdictChange
	case e.VerdictSummary != nil:
		return EventVerdictSummary
	case e.MalformedUpdate != nil:
		return EventMalformedUpdate
	}
	return EventUnknown
}

// PeerStateChange is a BGP FSM transition.
type PeerStateChange struct {
	Old, New PeerState
	Reason   string
}

// RouteRejected is a route that failed import checks.
type RouteRejected struct {
	Route      filters.Route
	Rejections []filters.Rejection
}

// DampeningAction is what happened to a route's damping state.
type DampeningAction int

const (
	DampeningUnknown       DampeningAction = iota
	DampeningSuppressed                    // crossed the suppress threshold
	DampeningReused                        // decayed below reuse
	DampeningWouldSuppress                 // observe mode: would be suppressed
	DampeningCleared                       // cleared by an operator
)

var dampeningActionNames = [...]string{"unknown", "suppressed", "reused", "would_suppress", "cleared"}

func (a DampeningAction) String() string {
	if a >= 0 && int(a) < len(dampeningActionNames) {
		return dampeningActionNames[a]
	}
	return fmt.Sprintf("action_%d", int(a))
}

// DampeningTransition is a damping state change of one route.
type DampeningTransition struct {
	Action DampeningAction
	Route  DampenedRoute
}

// MaxPrefixSanction is a max-prefix limit being hit and acted on.
type MaxPrefixSanction struct {
	Family       string // "ipv4" or "ipv6"
	Limit        uint64
	Received     uint64
	Action       string // the configured action: "shutdown", "restart", "block" or "warn"
	RestartAfter time.Duration
	Detail       string
	Threshold    bool // only the warning threshold was crossed
	// CountRejected: Received counts rejected routes too.
	CountRejected            bool
	ContactNOC, ContactAbuse string
}

// MalformedUpdate is an UPDATE whose error was handled without a session
// reset (RFC 7606): Handling is "treat_as_withdraw" or "attribute_discard";
// Prefixes is bounded, PrefixCount counts them all.
type MalformedUpdate struct {
	Handling    string
	Prefixes    []string
	PrefixCount uint64
	Error       string
}

// EventsLagged tells a slow subscriber how many events it lost.
type EventsLagged struct {
	Dropped uint64
}

// EventFilter selects events. Zero fields do not filter.
type EventFilter struct {
	Peer  string
	Types []EventType
	// Since, when set, replays the hub's kept events from that time on
	// before live ones (eventring.go); NoFollow ends after the replay.
	Since    time.Time
	NoFollow bool
}

// Match reports whether e passes f. Lagged notices always pass: a
// subscriber must learn that it missed events, whatever it filters on.
func (f EventFilter) Match(e Event) bool {
	t := e.Type()
	if t == EventLagged {
		return true
	}
	if f.Peer != "" && e.Peer != f.Peer {
		return false
	}
	return len(f.Types) == 0 || slices.Contains(f.Types, t)
}
