package routeserver

import (
	"time"

	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

// EventKind classifies what the route server reports to Options.OnEvent.
type EventKind int

const (
	EventPeerState      EventKind = iota + 1 // a session changed state
	EventRejected                            // a received route failed a check
	EventDampening                           // a dampening transition (enforced or observed)
	EventMaxPrefix                           // a max-prefix limit or warning threshold was reached
	EventVerdictChange                       // a stored route moved between accepted and rejected (verdict_events.go)
	EventVerdictSummary                      // how many routes of a peer one cause flipped

	// GoBGP withdrew or trimmed an UPDATE's routes for an RFC 7606 error (malformed_update.go)
	EventMalformedUpdate
)

// Event is one thing worth telling an operator. Only the fields of its
// Kind are set.
type Event struct {
	Kind EventKind
	Time time.Time
	Peer string

	OldState, NewState string // EventPeerState
	Error              string // EventPeerState to IDLE or ACTIVE: the session error just before, if any
	Route              filters.Route
	Verdict            filters.Verdict      // EventRejected
	Damp               dampening.Transition // EventDampening
	MaxPrefix          *Sanction            // EventMaxPrefix
	VerdictChange      *routestore.Change   // EventVerdictChange
	VerdictSummary     *VerdictSummary      // EventVerdictSummary
	MalformedUpdate    *MalformedUpdate     // EventMalformedUpdate
}

func (s *Server) emit(e Event) {
	if s.opts.OnEvent != nil {
		s.opts.OnEvent(e)
	}
}

// wantRejections says whether per-route rejection events are wanted now;
// they are skipped entirely when nobody listens.
func (s *Server) wantRejections() bool {
	return s.opts.OnEvent != nil && (s.opts.WantRejections == nil || s.opts.WantRejections())
}
