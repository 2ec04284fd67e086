package daemon

import (
	"context"
	"net/netip"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/rsguard/rsguard/routestore"
)

// RouteHistory serves `rsctl routes --history`: the store keeps the last
// verdict changes of the routes that changed.
func (d *Daemon) RouteHistory(_ context.Context, prefix netip.Prefix, peer string) ([]apiserver.VerdictChange, error) {
	changes := d.rs.Store().History(prefix, peer)
	out := make([]apiserver.VerdictChange, 0, len(changes))
	for _, c := range changes {
		out = append(out, verdictChange(c))
	}
	return out, nil
}

func verdictChange(c routestore.Change) apiserver.VerdictChange {
	return apiserver.VerdictChange{Time: c.Time, Peer: c.Peer, Route: c.Route, PathID: c.Key.PathID,
		Old: c.Old, New: c.New, Cause: c.Cause}
}

// verdictEvent fills ev's payload from a verdict change or summary event.
func verdictEvent(ev *apiserver.Event, e routeserver.Event) {
	switch {
	case e.VerdictChange != nil:
		c := verdictChange(*e.VerdictChange)
		ev.VerdictChange = &c
	case e.VerdictSummary != nil:
		s := e.VerdictSummary
		ev.VerdictSummary = &apiserver.VerdictSummary{Cause: s.Cause, AcceptedToRejected: uint64(s.AcceptedToRejected),
			RejectedToAccepted: uint64(s.RejectedToAccepted), OmittedRouteEvents: uint64(s.OmittedRouteEvents), Text: s.Text(e.Peer)}
	}
}
