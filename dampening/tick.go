package dampening

import (
	"math"
	"time"
)

// Tick ends the suppression episodes whose reuse time has passed and returns
// them as Released transitions, sorted by key. It also frees the state of
// routes whose penalty decayed below Reuse/2 and that are not suppressed.
// Call it at NextReuse and periodically (RFC 2439 suggests a 30 s reuse-list
// granularity) so state is freed. Its cost is linear in the flapped routes:
// the engine keeps nothing for the rest of the table.
func (e *Engine) Tick(now time.Time) []Transition {
	t := nanos(now)
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Transition
	for name, ps := range e.peers {
		mode := e.modeOf(ps)
		for rk, r := range ps.routes { // store may delete: allowed while ranging
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
		}
	}
	sortTransitions(out)
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
