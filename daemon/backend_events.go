package daemon

import (
	"context"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/routeserver"
)

func (d *Daemon) SubscribeEvents(ctx context.Context, f apiserver.EventFilter, emit func(apiserver.Event) error) error {
	return d.hub.Subscribe(ctx, f, emit)
}

// onEvent converts the route server's events for the API's stream. It runs
// on the event-feed goroutine; Publish never blocks.
// Events are published with no subscriber too: the hub keeps the recent
// ones for `rsctl events --since`.
func (d *Daemon) onEvent(e routeserver.Event) {
	ev := apiserver.Event{Time: e.Time, Peer: e.Peer}
	switch e.Kind {
	case routeserver.EventPeerState:
		reason := e.NewState
		if e.Error != "" {
			reason = e.Error // why the session went down
		}
		ev.PeerState = &apiserver.PeerStateChange{Old: peerState(e.OldState), New: peerState(e.NewState), Reason: reason}
	case routeserver.EventRejected:
		ev.RouteRejected = &apiserver.RouteRejected{Route: e.Route, Rejections: e.Verdict.Rejections}
	case routeserver.EventMaxPrefix:
		if e.MaxPrefix == nil {
			return
		}
		ev.MaxPrefix = maxPrefixSanction(*e.MaxPrefix)
	case routeserver.EventDampening:
		action := apiserver.DampeningReused
		switch {
		case e.Damp.Kind == dampening.TransitionSuppressed && e.Damp.Enforced:
			action = apiserver.DampeningSuppressed
		case e.Damp.Kind == dampening.TransitionSuppressed:
			action = apiserver.DampeningWouldSuppress
		}
		ev.Dampening = &apiserver.DampeningTransition{Action: action, Route: apiserver.DampenedRoute{
			Peer: e.Peer, Prefix: e.Damp.Key.Prefix, PathID: e.Damp.Key.PathID, Penalty: e.Damp.Penalty,
			Suppressed: action == apiserver.DampeningSuppressed, WouldSuppress: action == apiserver.DampeningWouldSuppress,
			ReuseAt: e.Damp.ReuseAt}}
	case routeserver.EventVerdictChange, routeserver.EventVerdictSummary:
		verdictEvent(&ev, e) // backend_history.go
	case routeserver.EventMalformedUpdate:
		if e.MalformedUpdate == nil {
			return
		}
		m := e.MalformedUpdate
		ev.MalformedUpdate = &apiserver.MalformedUpdate{Handling: m.Handling, Prefixes: m.Prefixes,
			PrefixCount: uint64(m.PrefixCount), Error: m.Error}
	default:
		return
	}
	d.hub.Publish(ev)
}

// maxPrefixSanction carries the whole sanction, counts included: the
// session's routes are gone by the time a shutdown is seen as a state
// change, so the counts come from the moment the limit was reached.
func maxPrefixSanction(m routeserver.Sanction) *apiserver.MaxPrefixSanction {
	return &apiserver.MaxPrefixSanction{Family: m.Family, Limit: uint64(m.Limit), Received: uint64(m.Count),
		Action: m.Action, RestartAfter: m.RestartAfter, Detail: m.Detail, Threshold: m.Threshold,
		CountRejected: m.CountRejected, ContactNOC: m.ContactNOC, ContactAbuse: m.ContactAbuse}
}
