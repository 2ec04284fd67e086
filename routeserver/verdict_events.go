package routeserver

import (
	"fmt"

	"github.com/rsguard/rsguard/routestore"
)

// MaxVerdictEventsPerBatch bounds the per-route events one cause emits for
// one peer: a reload that flips a million routes tells the event stream
// about the first ones and the summary counts them all (the store's history
// keeps every route's change either way).
const MaxVerdictEventsPerBatch = 1024

// VerdictSummary is what one cause did to one peer's verdicts.
type VerdictSummary struct {
	Cause              string
	AcceptedToRejected int
	RejectedToAccepted int
	OmittedRouteEvents int // per-route events not sent past MaxVerdictEventsPerBatch
}

// Text reads like "reload: 256 routes accepted→rejected on peer a".
func (v VerdictSummary) Text(peer string) string {
	s := v.Cause + ":"
	if v.AcceptedToRejected > 0 {
		s += fmt.Sprintf(" %d routes accepted→rejected", v.AcceptedToRejected)
	}
	if v.RejectedToAccepted > 0 {
		if v.AcceptedToRejected > 0 {
			s += ","
		}
		s += fmt.Sprintf(" %d routes rejected→accepted", v.RejectedToAccepted)
	}
	return s + " on peer " + peer
}

// onVerdictChanges turns a batch of store verdict changes into events: one
// per route (bounded) and, for anything but a single announcement, one
// summary per peer.
func (s *Server) onVerdictChanges(b routestore.ChangeBatch) {
	if s.opts.OnEvent == nil {
		return
	}
	type peerSum struct {
		sum  VerdictSummary
		sent int
	}
	var order []string
	per := map[string]*peerSum{}
	for i := range b.Changes {
		c := &b.Changes[i]
		ps := per[c.Peer]
		if ps == nil {
			ps = &peerSum{sum: VerdictSummary{Cause: b.Cause}}
			per[c.Peer] = ps
			order = append(order, c.Peer)
		}
		if c.Accepted() {
			ps.sum.RejectedToAccepted++
		} else {
			ps.sum.AcceptedToRejected++
		}
		if ps.sent >= MaxVerdictEventsPerBatch {
			ps.sum.OmittedRouteEvents++
			continue
		}
		ps.sent++
		s.emit(Event{Kind: EventVerdictChange, Time: c.Time, Peer: c.Peer, Route: c.Route, Verdict: c.New, VerdictChange: c})
	}
	if b.Cause == routestore.CauseAnnouncement {
		return // the route event says it all
	}
	for _, peer := range order {
		sum := per[peer].sum
		s.emit(Event{Kind: EventVerdictSummary, Time: b.Changes[0].Time, Peer: peer, VerdictSummary: &sum})
		s.log.WithField("peer", peer).WithField("cause", b.Cause).Info(sum.Text(peer))
	}
}
