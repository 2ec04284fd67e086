package dampening

import (
	"math"
	"time"
)

// forgetEvery is how often Tick sweeps every flapped route to free the
// state of those that decayed. Freeing is only about memory: a penalty
// takes about 21 minutes to fall from one withdrawal (1000) to the default
// forget threshold (375), so a 30 s sweep — RFC 2439's suggested reuse-list
// granularity — keeps state a negligible while longer, whereas sweeping on
// every Tick (four per second) made each Tick linear in the flapped routes:
// after a full-table withdrawal that is every route, under the engine lock
// the event feed waits on.
const forgetEvery = 30 * time.Second

// Tick ends the suppression episodes whose reuse time has passed and returns
// them as Released transitions, sorted by key. Every forgetEvery (and on
// the first call) it also frees the state of routes whose penalty decayed
// below Reuse/2 and that are not suppressed. Call it at NextReuse and
// periodically so state is freed. Between sweeps its cost is linear in the
// suppressed routes only; a sweep is linear in the flapped routes: the
// engine keeps nothing for the rest of the table.
func (e *Engine) Tick(now time.Time) []Transition {
	t := nanos(now)
	e.mu.Lock()
	defer e.mu.Unlock()
	sweep := !e.swept || t-e.lastSweep >= int64(forgetEvery) || t < e.lastSweep
	if sweep {
		e.swept, e.lastSweep = true, t
	}
	var out []Transition
	for name, ps := range e.peers {
		mode := e.modeOf(ps)
		if sweep {
			for rk, r := range ps.routes { // store may delete: allowed while ranging
				out = e.tickRoute(ps, name, mode, rk, r, t, out)
			}
			continue
		}
		for rk := range ps.suppressed { // release deletes: allowed while ranging
			out = e.tickRoute(ps, name, mode, rk, ps.routes[rk], t, out)
		}
	}
	sortTransitions(out)
	return out
}

// tickRoute releases r when its reuse time has passed and frees its state
// when it decayed below the forget threshold, appending a release to out.
func (e *Engine) tickRoute(ps *peerState, name string, mode Mode, rk routeKey, r route, t int64, out []Transition) []Transition {
	due, released := e.settle(ps, rk, &r, t)
	if released {
		out = append(out, Transition{
			Key:      rk.key(name),
			Kind:     TransitionReleased,
			Penalty:  e.calc.penaltyAt(&r, effective(&r, t)),
			ReuseAt:  fromNanos(due),
			Enforced: mode == ModeEnforce,
		})
	}
	forget := !r.suppressed() && e.calc.penaltyAt(&r, effective(&r, t)) < e.calc.forgetBelow
	if forget {
		r.forgetHistory()
	}
	if released || forget {
		e.store(ps, rk, r)
	}
	return out
}

// NextReuse is the earliest reuse time of any suppression episode, so the
// caller can arm a timer for Tick; false when nothing is suppressed. The
// time may already have passed when a Tick is overdue.
func (e *Engine) NextReuse() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	next, found := int64(math.MaxInt64), false
	for _, ps := range e.peers {
		for rk := range ps.suppressed {
			r := ps.routes[rk]
			next, found = min(next, e.calc.reuseAt(&r)), true
		}
	}
	if !found {
		return time.Time{}, false
	}
	return fromNanos(next), true
}
