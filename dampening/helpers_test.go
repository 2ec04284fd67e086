package dampening

import (
	"fmt"
	"math"
	"net/netip"
	"testing"
	"time"
)

// base is an arbitrary fixed instant: tests never read the wall clock.
var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return base.Add(d) }

func key(peer, prefix string) Key {
	return Key{Peer: peer, Prefix: netip.MustParsePrefix(prefix)}
}

func mustNew(t testing.TB, p Params, opts ...Option) *Engine {
	t.Helper()
	e, err := New(p, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func mustState(t testing.TB, e *Engine, k Key, now time.Time) Status {
	t.Helper()
	s, ok := e.State(k, now)
	if !ok {
		t.Fatalf("State(%v) at %s: no state", k, now.Sub(base))
	}
	return s
}

// closedForm is the RFC 2439 decay, independent of the engine's code.
func closedForm(p0 float64, dt, halfLife time.Duration) float64 {
	return p0 * math.Pow(0.5, dt.Seconds()/halfLife.Seconds())
}

// checkInvariants verifies the engine's internal bookkeeping: the indexes
// match the routes, every stored route is announced or has history, stored
// penalties respect the ceiling, and Suppressions − Releases equals the
// number of suppression episodes.
func checkInvariants(e *Engine) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for name, ps := range e.peers {
		for rk, r := range ps.routes {
			_, pen := ps.penalized[rk]
			_, sup := ps.suppressed[rk]
			switch {
			case pen != r.hasHistory():
				return fmt.Errorf("peer %q %v: in penalized set = %v, has history = %v", name, rk.prefix(), pen, r.hasHistory())
			case sup != r.suppressed():
				return fmt.Errorf("peer %q %v: in suppressed set = %v, flag = %v", name, rk.prefix(), sup, r.suppressed())
			case !r.announced() && !r.hasHistory():
				return fmt.Errorf("peer %q %v: withdrawn route without history kept", name, rk.prefix())
			case float64(r.penalty) > e.calc.ceiling:
				return fmt.Errorf("peer %q %v: stored penalty %g above ceiling %g", name, rk.prefix(), r.penalty, e.calc.ceiling)
			case r.suppressed() && r.since > r.updated:
				return fmt.Errorf("peer %q %v: suppressed since %d after last update %d", name, rk.prefix(), r.since, r.updated)
			}
		}
		for rk := range ps.penalized {
			if _, ok := ps.routes[rk]; !ok {
				return fmt.Errorf("peer %q %v: penalized but no route", name, rk.prefix())
			}
		}
		for rk := range ps.suppressed {
			if _, ok := ps.routes[rk]; !ok {
				return fmt.Errorf("peer %q %v: suppressed but no route", name, rk.prefix())
			}
		}
		if got := ps.counters.Suppressions - ps.counters.Releases; got != uint64(len(ps.suppressed)) {
			return fmt.Errorf("peer %q: suppressions−releases = %d, suppressed routes = %d", name, got, len(ps.suppressed))
		}
		if e.modeOf(ps) == ModeOff && len(ps.routes) > 0 {
			return fmt.Errorf("peer %q: mode off but %d routes kept", name, len(ps.routes))
		}
	}
	return nil
}

// flap withdraws and re-announces k once at now.
func flap(e *Engine, k Key, now time.Time) {
	e.Withdraw(k, now)
	e.Announce(k, 1, now)
}
