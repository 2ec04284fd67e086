package dampening

import (
	"fmt"
	"sync"
	"time"
)

// Engine holds the damping state of every peer. It is safe for concurrent
// use; one mutex serializes all calls, which are short (O(1) per event;
// Tick, List, NextReuse and PeerDown are linear in the flapped routes only).
type Engine struct {
	mu          sync.Mutex
	params      Params
	calc        calc
	defaultMode Mode
	peers       map[string]*peerState
	// jr, when set, receives every change of a route's suppression state
	// (see journal.go); nil keeps the engine purely in memory.
	jr journalSink
	// lastSweep is when Tick last swept every flapped route (tick.go);
	// swept says whether it ever did.
	lastSweep int64
	swept     bool
}

// peerState is one peer's routes with damping history (a penalty or a
// suppression): a path that never flapped has no entry, since the caller's
// Prior says whether it is announced and with which attributes (route.go).
// So Tick and List walk only flapped routes. suppressed indexes the
// suppression episodes for NextReuse and SetMode.
type peerState struct {
	name       string
	routes     map[routeKey]route
	suppressed map[routeKey]struct{}
	counters   PeerCounters
	mode       Mode
	hasMode    bool // mode overrides the engine default
}

// Option configures an Engine at construction.
type Option func(*Engine) error

// WithDefaultMode sets the mode of peers without an override (default
// ModeObserve).
func WithDefaultMode(m Mode) Option {
	return func(e *Engine) error {
		if !m.valid() {
			return fmt.Errorf("dampening: invalid default mode %d", int(m))
		}
		e.defaultMode = m
		return nil
	}
}

// New validates p and returns an empty engine.
func New(p Params, opts ...Option) (*Engine, error) {
	if err := checkParams(p); err != nil {
		return nil, err
	}
	e := &Engine{
		params:      p,
		calc:        newCalc(p),
		defaultMode: ModeObserve,
		peers:       make(map[string]*peerState),
	}
	for _, opt := range opts {
		if err := opt(e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Params returns the engine's parameters.
func (e *Engine) Params() Params {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.params
}

func (e *Engine) peer(name string) *peerState {
	ps := e.peers[name]
	if ps == nil {
		ps = &peerState{
			name:       name,
			routes:     make(map[routeKey]route),
			suppressed: make(map[routeKey]struct{}),
		}
		e.peers[name] = ps
	}
	return ps
}

func (e *Engine) modeOf(ps *peerState) Mode {
	if ps != nil && ps.hasMode {
		return ps.mode
	}
	return e.defaultMode
}

// Prior is the caller's record of a path just before an event: whether the
// peer announced it, and the hash of the attributes it was announced with.
// The route server's route store holds every received path anyway, so the
// engine does not duplicate it: a path that never flapped costs the engine
// nothing, and the event that makes it flap (a withdrawal or an attribute
// change, both recognised from the Prior) creates its state.
type Prior struct {
	Announced bool
	AttrHash  uint64 // meaningful when Announced
}

// Announce records that k is announced with attributes hashing to attrHash.
// The first announcement, and the first after a session reset, add no
// penalty; an announcement after a withdrawal adds ReadvertisementPenalty;
// changed attributes while announced (prior.AttrHash ≠ attrHash) add
// AttributeChangePenalty; identical attributes while announced change
// nothing. An announcement after a withdrawal is recognised by the state
// the withdrawal created, so once that state is forgotten (decayed below
// Reuse/2) the next announcement counts as a first one, as before.
func (e *Engine) Announce(k Key, prior Prior, attrHash uint64, now time.Time) Transition {
	rk, ok := makeRouteKey(k.Prefix, k.PathID)
	if !ok {
		return Transition{Key: k}
	}
	k.Prefix = rk.prefix()
	t := nanos(now)
	changed := prior.Announced && prior.AttrHash != attrHash

	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[k.Peer]
	mode := e.modeOf(ps)
	if mode == ModeOff {
		return Transition{Key: k}
	}
	var r route
	exists := false
	if ps != nil {
		r, exists = ps.routes[rk]
	}
	if !exists && !changed {
		// A first or duplicate announcement of a path without history:
		// nothing to remember.
		return Transition{Key: k, Enforced: mode == ModeEnforce}
	}
	ps = e.peer(k.Peer)
	due, released := e.settle(ps, rk, &r, t)
	var penalty float64
	switch {
	case changed:
		penalty = e.params.AttributeChangePenalty
		ps.counters.AttributeChanges++
		r.addFlap()
	case prior.Announced:
		// A duplicate UPDATE: no flap.
	case r.meta&(flagReset|flagAnnounced) != 0:
		// First announcement after a session reset: not a flap.
	default:
		penalty = e.params.ReadvertisementPenalty
		ps.counters.Readvertisements++
	}
	r.meta = r.meta&^flagReset | flagAnnounced
	suppressed := e.penalize(ps, rk, &r, penalty, t)
	e.store(ps, rk, r)
	return e.transition(k, &r, t, mode, released, due, suppressed)
}

// Withdraw records that k was withdrawn by the peer, adding
// WithdrawalPenalty if it was announced (prior.Announced); this creates the
// path's state. Withdrawing an unknown or already withdrawn path changes
// nothing.
func (e *Engine) Withdraw(k Key, prior Prior, now time.Time) Transition {
	rk, ok := makeRouteKey(k.Prefix, k.PathID)
	if !ok {
		return Transition{Key: k}
	}
	k.Prefix = rk.prefix()
	t := nanos(now)

	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[k.Peer]
	mode := e.modeOf(ps)
	if mode == ModeOff {
		return Transition{Key: k}
	}
	var r route
	exists := false
	if ps != nil {
		r, exists = ps.routes[rk]
	}
	if !exists && !prior.Announced {
		return Transition{Key: k, Enforced: mode == ModeEnforce}
	}
	ps = e.peer(k.Peer)
	due, released := e.settle(ps, rk, &r, t)
	var suppressed bool
	if prior.Announced {
		r.meta &^= flagAnnounced | flagReset
		ps.counters.Withdrawals++
		r.addFlap()
		suppressed = e.penalize(ps, rk, &r, e.params.WithdrawalPenalty, t)
	}
	tr := e.transition(k, &r, t, mode, released, due, suppressed)
	e.store(ps, rk, r)
	return tr
}

// PeerDown records a session reset: every path of the peer is withdrawn
// without penalty, and the next announcement of each adds none either (the
// caller's Prior says "not announced" then, as its routes went with the
// session). Suppression episodes continue; decayed history is forgotten.
// Linear in the peer's flapped routes only.
func (e *Engine) PeerDown(peer string, now time.Time) {
	t := nanos(now)
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peers[peer]
	if ps == nil {
		return
	}
	for rk, r := range ps.routes {
		if r.announced() {
			r.meta = r.meta&^flagAnnounced | flagReset
		}
		if !r.suppressed() && e.calc.penaltyAt(&r, effective(&r, t)) < e.calc.forgetBelow {
			r.forgetHistory()
		}
		e.store(ps, rk, r)
	}
}

// settle ends a suppression episode whose reuse time has passed, before an
// event is applied to the route. It returns when the episode was due to end,
// or 0 when none ended.
func (e *Engine) settle(ps *peerState, rk routeKey, r *route, now int64) (due int64, released bool) {
	if !r.suppressed() {
		return 0, false
	}
	due = e.calc.reuseAt(r)
	if effective(r, now) < due {
		return 0, false
	}
	e.release(ps, rk, r)
	e.journal(opRelease, ps, rk, r)
	return due, true
}

func (e *Engine) release(ps *peerState, rk routeKey, r *route) {
	r.meta &^= flagSuppressed
	r.since = 0
	delete(ps.suppressed, rk)
	ps.counters.Releases++
}

// penalize adds amount to the decayed penalty, caps it, and starts a
// suppression episode when it reaches Suppress. It reports whether one began.
func (e *Engine) penalize(ps *peerState, rk routeKey, r *route, amount float64, now int64) bool {
	if amount <= 0 {
		return false
	}
	t := effective(r, now)
	p := e.calc.penaltyAt(r, t) + amount
	r.penalty = e.calc.capped(p)
	r.updated = t
	if r.suppressed() || min(p, e.calc.ceiling) < e.calc.suppress {
		return false
	}
	r.meta |= flagSuppressed
	r.since = t
	ps.suppressed[rk] = struct{}{}
	ps.counters.Suppressions++
	e.journal(opSuppress, ps, rk, r)
	return true
}

// store writes r back, or frees it when no history is left (RFC 2439:
// state whose penalty has decayed is released): presence and attributes are
// the caller's Prior, so such a route carries no information.
func (e *Engine) store(ps *peerState, rk routeKey, r route) {
	if r.hasHistory() {
		ps.routes[rk] = r
		return
	}
	delete(ps.routes, rk)
}

// transition describes the net effect of one event: a release followed by a
// new episode is reported as Suppressed, since the caller's view never had
// the route released.
func (e *Engine) transition(k Key, r *route, now int64, mode Mode, released bool, due int64, suppressed bool) Transition {
	tr := Transition{Key: k, Penalty: e.calc.penaltyAt(r, effective(r, now)), Enforced: mode == ModeEnforce}
	switch {
	case suppressed:
		tr.Kind = TransitionSuppressed
	case released:
		tr.Kind = TransitionReleased
		tr.ReuseAt = fromNanos(due)
	}
	if r.suppressed() {
		tr.ReuseAt = fromNanos(e.calc.reuseAt(r))
	}
	return tr
}
