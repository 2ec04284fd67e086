package apiserver

// eventRing keeps the last events so that a subscriber arriving later can
// see what happened before it watched (`rsctl events --since 1h`): a
// max-prefix shutdown at night is otherwise lost. Per-route events
// (route_rejected, verdict_change) and lag notices are not kept: they come
// in bursts of thousands and would push out the rare events the ring is
// for; each route's verdict is in the route store and its changes in the
// route history, and a verdict_summary (kept) counts each burst.
type eventRing struct {
	buf  []Event
	next int // where the next event goes
	full bool
}

func newEventRing(size int) *eventRing { return &eventRing{buf: make([]Event, max(size, 1))} }

func keptInRing(e Event) bool {
	t := e.Type()
	return t != EventRouteRejected && t != EventVerdictChange && t != EventLagged && t != EventUnknown
}

func (r *eventRing) add(e Event) {
	if !keptInRing(e) {
		return
	}
	r.buf[r.next] = e
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// since copies the kept events at or after f.Since that match f, oldest
// first.
func (r *eventRing) since(f EventFilter) []Event {
	var out []Event
	visit := func(es []Event) {
		for _, e := range es {
			if !e.Time.Before(f.Since) && f.Match(e) {
				out = append(out, e)
			}
		}
	}
	if r.full {
		visit(r.buf[r.next:])
	}
	visit(r.buf[:r.next])
	return out
}
