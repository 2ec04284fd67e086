package dampening

import (
	"cmp"
	"slices"
)

// DefaultMode is the mode of peers without an override.
func (e *Engine) DefaultMode() Mode {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.defaultMode
}

// PeerMode is the mode in effect for peer.
func (e *Engine) PeerMode(peer string) Mode {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.modeOf(e.peers[peer])
}

// SetMode overrides the mode of one peer. It returns the enforcement changes
// the switch causes, all with Enforced set: entering ModeEnforce suppresses
// the routes already in a suppression episode, leaving it releases them.
// Switching to ModeOff also drops the peer's state (counters survive). An
// out-of-range Mode is treated as ModeObserve.
func (e *Engine) SetMode(peer string, m Mode) []Transition {
	m = m.orObserve()
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peer(peer)
	old := e.modeOf(ps)
	ps.mode, ps.hasMode = m, true
	return e.switchMode(peer, ps, old, m)
}

// UnsetMode removes the override of one peer, so it follows the default
// again. It returns the enforcement changes, as SetMode does.
func (e *Engine) UnsetMode(peer string) []Transition {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[peer]
	if ps == nil || !ps.hasMode {
		return nil
	}
	old := ps.mode
	ps.hasMode = false
	return e.switchMode(peer, ps, old, e.defaultMode)
}

// SetDefaultMode changes the mode of every peer without an override and
// returns the enforcement changes, as SetMode does.
func (e *Engine) SetDefaultMode(m Mode) []Transition {
	m = m.orObserve()
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.defaultMode
	e.defaultMode = m
	var out []Transition
	for name, ps := range e.peers {
		if !ps.hasMode {
			out = append(out, e.switchMode(name, ps, old, m)...)
		}
	}
	sortTransitions(out)
	return out
}

func (e *Engine) switchMode(peer string, ps *peerState, old, m Mode) []Transition {
	if old == m {
		return nil
	}
	var out []Transition
	if old == ModeEnforce || m == ModeEnforce {
		kind := TransitionSuppressed
		if old == ModeEnforce {
			kind = TransitionReleased
		}
		for rk := range ps.suppressed {
			r := ps.routes[rk]
			out = append(out, Transition{
				Key:      rk.key(peer),
				Kind:     kind,
				Penalty:  float64(r.penalty),
				ReuseAt:  fromNanos(e.calc.reuseAt(&r)),
				Enforced: true,
			})
		}
	}
	if m == ModeOff {
		e.dropRoutes(ps)
	}
	sortTransitions(out)
	return out
}

// dropRoutes forgets every route of the peer; ending a suppression episode
// this way still counts as a release. New maps, not clear(), so the memory
// of a full table goes back to the runtime.
func (e *Engine) dropRoutes(ps *peerState) {
	ps.counters.Releases += uint64(len(ps.suppressed))
	ps.routes = make(map[routeKey]route)
	ps.suppressed = make(map[routeKey]struct{})
	if e.jr != nil {
		e.jr.record(journalRecord{Op: opDropPeer, Route: savedRoute{Peer: ps.name}})
	}
}

func sortTransitions(ts []Transition) {
	slices.SortFunc(ts, func(a, b Transition) int { return compareKeys(a.Key, b.Key) })
}

func compareKeys(a, b Key) int {
	return cmp.Or(
		cmp.Compare(a.Peer, b.Peer),
		a.Prefix.Compare(b.Prefix),
		cmp.Compare(a.PathID, b.PathID),
	)
}
