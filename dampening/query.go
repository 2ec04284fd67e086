package dampening

import (
	"slices"
	"time"
)

// State returns the damping state of k at now; false when the engine keeps
// none (a path that never flapped, history forgotten, or peer in ModeOff).
func (e *Engine) State(k Key, now time.Time) (Status, bool) {
	rk, ok := makeRouteKey(k.Prefix, k.PathID)
	if !ok {
		return Status{}, false
	}
	t := nanos(now)
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[k.Peer]
	if ps == nil {
		return Status{}, false
	}
	r, exists := ps.routes[rk]
	if !exists {
		return Status{}, false
	}
	return e.status(k.Peer, rk, &r, t, e.modeOf(ps)), true
}

// List returns, sorted by key, the routes with damping history (a non-zero
// penalty or a suppression episode) for which filter returns true; a nil
// filter selects all. Routes that are merely announced have no state.
// filter runs under the engine's lock and must not call the Engine.
func (e *Engine) List(now time.Time, filter func(Key) bool) []Status {
	t := nanos(now)
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Status
	for name, ps := range e.peers {
		mode := e.modeOf(ps)
		for rk, r := range ps.routes {
			k := rk.key(name)
			if filter != nil && !filter(k) {
				continue
			}
			out = append(out, e.status(name, rk, &r, t, mode))
		}
	}
	slices.SortFunc(out, func(a, b Status) int { return compareKeys(a.Key, b.Key) })
	return out
}

func (e *Engine) status(peer string, rk routeKey, r *route, now int64, mode Mode) Status {
	t := effective(r, now)
	s := Status{
		Key:       rk.key(peer),
		Penalty:   e.calc.penaltyAt(r, t),
		Announced: r.announced(),
		Flaps:     r.flaps(),
		Mode:      mode,
	}
	if r.penalty > 0 {
		s.LastUpdate = fromNanos(r.updated)
	}
	// An episode whose reuse time has passed is over even before Tick
	// reports it.
	if !r.suppressed() {
		return s
	}
	if reuse := e.calc.reuseAt(r); t < reuse {
		s.WouldSuppress = true
		s.Suppressed = mode == ModeEnforce
		s.SuppressedSince = fromNanos(r.since)
		s.ReuseAt = fromNanos(reuse)
	}
	return s
}

// Counters returns the peer's flap counters; zero for an unknown peer.
func (e *Engine) Counters(peer string) PeerCounters {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[peer]
	if ps == nil {
		return PeerCounters{}
	}
	c := ps.counters
	c.Tracked, c.Penalized, c.Suppressed = len(ps.routes), len(ps.routes), len(ps.suppressed)
	return c
}

// Peers lists the peers the engine knows, sorted.
func (e *Engine) Peers() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.peers))
	for name := range e.peers {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Clear forgets the damping history of k (an operator's "clear dampening"),
// ending its suppression episode if any. It reports whether there was
// history. No transition is returned: the caller, who asked, stops hiding
// the route itself.
func (e *Engine) Clear(k Key) bool {
	rk, ok := makeRouteKey(k.Prefix, k.PathID)
	if !ok {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[k.Peer]
	if ps == nil {
		return false
	}
	if _, ok := ps.routes[rk]; !ok {
		return false
	}
	e.clearRoute(ps, rk)
	return true
}

// ClearPeer forgets the damping history of every route of peer and returns
// how many routes had some. A later withdrawal of an announced route still
// counts: presence is the caller's Prior.
func (e *Engine) ClearPeer(peer string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[peer]
	if ps == nil {
		return 0
	}
	n := len(ps.routes)
	for rk := range ps.routes { // clearRoute deletes: allowed while ranging
		e.clearRoute(ps, rk)
	}
	return n
}

func (e *Engine) clearRoute(ps *peerState, rk routeKey) {
	r := ps.routes[rk]
	if r.suppressed() {
		e.release(ps, rk, &r)
	}
	r.forgetHistory()
	e.store(ps, rk, r)
	e.journal(opClear, ps, rk, &r)
}
