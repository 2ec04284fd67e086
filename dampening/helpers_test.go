package dampening

import (
	"fmt"
	"math"
	"net/netip"
	"sync"
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

// checkInvariants verifies the engine's internal bookkeeping: the index
// matches the routes, every stored route has history (routes that never
// flapped, or whose history decayed, take no memory), stored penalties
// respect the ceiling, and Suppressions − Releases equals the number of
// suppression episodes.
func checkInvariants(e *Engine) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for name, ps := range e.peers {
		for rk, r := range ps.routes {
			_, sup := ps.suppressed[rk]
			switch {
			case !r.hasHistory():
				return fmt.Errorf("peer %q %v: route without history kept", name, rk.prefix())
			case sup != r.suppressed():
				return fmt.Errorf("peer %q %v: in suppressed set = %v, flag = %v", name, rk.prefix(), sup, r.suppressed())
			case float64(r.penalty) > e.calc.ceiling:
				return fmt.Errorf("peer %q %v: stored penalty %g above ceiling %g", name, rk.prefix(), r.penalty, e.calc.ceiling)
			case r.suppressed() && r.since > r.updated:
				return fmt.Errorf("peer %q %v: suppressed since %d after last update %d", name, rk.prefix(), r.since, r.updated)
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
	withdraw(e, k, now)
	announce(e, k, 1, now)
}

// routesOf stands in for the route server's route store, which gives the
// engine each event's Prior: per engine, the paths announced now and their
// attribute hashes, updated as the store is (announce, withdraw, session
// reset). It is test bookkeeping, not engine state: the memory benchmarks
// measure the engine alone.
var routesOf sync.Map // *Engine → *announcedPaths

type announcedPaths struct {
	mu sync.Mutex
	m  map[Key]uint64
}

func pathsOf(e *Engine) *announcedPaths {
	v, _ := routesOf.LoadOrStore(e, &announcedPaths{m: map[Key]uint64{}})
	return v.(*announcedPaths)
}

// storeKey masks the prefix as the route store's key is.
func storeKey(k Key) Key { k.Prefix = k.Prefix.Masked(); return k }

func announce(e *Engine, k Key, attrHash uint64, now time.Time) Transition {
	ap := pathsOf(e)
	ap.mu.Lock()
	defer ap.mu.Unlock()
	prev, ok := ap.m[storeKey(k)]
	ap.m[storeKey(k)] = attrHash
	return e.Announce(k, Prior{Announced: ok, AttrHash: prev}, attrHash, now)
}

func withdraw(e *Engine, k Key, now time.Time) Transition {
	ap := pathsOf(e)
	ap.mu.Lock()
	defer ap.mu.Unlock()
	_, ok := ap.m[storeKey(k)]
	delete(ap.m, storeKey(k))
	return e.Withdraw(k, Prior{Announced: ok}, now)
}

func peerDown(e *Engine, peer string, now time.Time) {
	ap := pathsOf(e)
	ap.mu.Lock()
	for k := range ap.m {
		if k.Peer == peer {
			delete(ap.m, k)
		}
	}
	ap.mu.Unlock()
	e.PeerDown(peer, now)
}
