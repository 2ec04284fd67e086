package dampening

import (
	"fmt"
	"time"
)

// TransitionKind says how an operation changed a route's suppression.
type TransitionKind int

const (
	// TransitionNone: the suppressed state did not change.
	TransitionNone TransitionKind = iota
	// TransitionSuppressed: a suppression episode began (or, from SetMode,
	// began to be enforced).
	TransitionSuppressed
	// TransitionReleased: a suppression episode ended (or, from SetMode,
	// stopped being enforced).
	TransitionReleased
)

func (k TransitionKind) String() string {
	switch k {
	case TransitionNone:
		return "none"
	case TransitionSuppressed:
		return "suppressed"
	case TransitionReleased:
		return "released"
	}
	return fmt.Sprintf("transition(%d)", int(k))
}

// Transition reports what an operation did to one route. The caller applies
// Suppressed and Released idempotently to the set of routes it hides.
type Transition struct {
	Key     Key
	Kind    TransitionKind
	Penalty float64   // figure of merit at the operation's time (SetMode: at the last penalty event)
	ReuseAt time.Time // while suppressed: when the route will be released; for Released: when it was due
	// Enforced says the BGP engine must act: hide the route (Suppressed) or
	// show it again (Released). Events and Tick set it only for peers in
	// ModeEnforce, so observe-mode transitions are reports. SetMode returns
	// only enforcement changes, all with Enforced set, including the
	// releases caused by leaving ModeEnforce.
	Enforced bool
}

// Status is one route's damping state as seen at a given time.
type Status struct {
	Key     Key
	Penalty float64 // figure of merit, decayed to the query time
	// WouldSuppress: the route is in a suppression episode, whatever the mode.
	WouldSuppress bool
	// Suppressed: WouldSuppress and the peer is in ModeEnforce, so the BGP
	// engine hides the route.
	Suppressed      bool
	Announced       bool      // the peer currently announces the path
	SuppressedSince time.Time // start of the episode; zero when not suppressed
	ReuseAt         time.Time // end of the episode; zero when not suppressed
	Flaps           int       // withdrawals and attribute changes since the history began
	LastUpdate      time.Time // last penalty event; zero without history
	Mode            Mode      // the peer's effective mode
}

// PeerCounters are per-peer flap statistics. The first five are cumulative
// since the engine was created (they survive Clear), and Suppressions −
// Releases always equals Suppressed.
type PeerCounters struct {
	Withdrawals      uint64 // withdrawals of announced paths
	AttributeChanges uint64 // re-announcements with changed attributes
	Readvertisements uint64 // announcements after a withdrawal (not after a reset)
	Suppressions     uint64 // suppression episodes begun (in any mode)
	Releases         uint64 // suppression episodes ended (decay, Clear, mode off)

	Tracked    int // paths with state, i.e. with damping history (paths that never flapped have none)
	Penalized  int // paths with a non-zero figure of merit
	Suppressed int // paths in a suppression episode (in any mode)
}
