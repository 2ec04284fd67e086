package dampening

import (
	"fmt"
	"sync"
	"time"
)

// Engine holds the damping state of every peer. It is safe for concurrent
// use; one mutex serializes all calls, which are short (O(1) per event;
// Tick, List and NextReuse are linear in the penalized routes only).
type Engine struct {
	mu          sync.Mutex
	params      Params
	calc        calc
	defaultMode Mode
	peers       map[string]*peerState
	// jr, when set, receives every change of a route's suppression state
	// (see journal.go); nil keeps the engine purely in memory.
	jr journalSink
}

// peerState is one peer's routes. penalized indexes the routes with history
// (penalty or suppression) so that Tick and List never walk the full table;
// suppressed indexes the suppression episodes for NextReuse and SetMode.
type peerState struct {
	name       string
	routes     map[routeKey]route
	penalized  map[routeKey]struct{}
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
			penalized:  make(map[routeKey]struct{}),
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

// Announce records that k is announced with attributes hashing to attrHash.
// The first announcement, and the first after a session reset, add no
// penalty; an announcement after a withdrawal adds ReadvertisementPenalty;
// changed attributes while announced add AttributeChangePenalty; identical
// attributes while announced change nothing.
func (e *Engine) Announce(k Key, attrHash uint64, now time.Time) Transition {
	rk, ok := makeRouteKey(k.Prefix, k.PathID)
	if !ok {
		return Transition{Key: k}
	}
	k.Prefix = rk.prefix()
	t := nanos(now)

	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.peer(k.Peer)
	mode := e.modeOf(ps)
	if mode == ModeOff {
		return Transition{Key: k}
	}
	r, exists := ps.routes[rk]
	if !exists {
		ps.routes[rk] = route{attrHash: attrHash, meta: flagAnnounced}
		return Transition{Key: k, Enforced: mode == ModeEnforce}
	}
	due, released := e.settle(ps, rk, &r, t)
	var penalty float64
	switch {
	case r.announced() && r.attrHash == attrHash:
		// A duplicate UPDATE: no flap.
	case r.announced():
		penalty = e.params.AttributeChangePenalty
		ps.counters.AttributeChanges++
		r.addFlap()
	case r.meta&flagReset != 0:
		// First announcement after a session reset: not a flap.
	default:
		penalty = e.params.ReadvertisementPenalty
		ps.counters.Readvertisements++
	}
	r.meta = r.meta&^flagReset | flagAnnounced
	r.attrHash = attrHash
	suppressed := e.penalize(ps, rk, &r, penalty, t)
	e.store(ps, rk, r)
	return e.transition(k, &r, t, mode, released, due, suppressed)
}

// Withdraw records that k was withdrawn by the peer, adding
// WithdrawalPenalty if it was announced. Withdrawing an unknown or already
// withdrawn path changes nothing.
func (e *Engine) Withdraw(k Key, now time.Time) Transition {
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
	if ps == nil || mode == ModeOff {
		return Transition{Key: k}
	}
	r, exists := ps.routes[rk]
	if !exists {
		return Transition{Key: k, Enforced: mode == ModeEnforce}
	}
	due, released := e.settle(ps, rk, &r, t)
	var suppressed bool
	if r.announced() {
		r.meta &^= flagAnnounced
		ps.counters.Withdrawals++
		r.addFlap()
		suppressed = e.penalize(ps, rk, &r, e.params.WithdrawalPenalty, t)
	}
	tr := e.transition(k, &r, t, mode, released, due, suppressed)
	e.store(ps, rk, r)
	return tr
}

// PeerDown records a session reset: every path of the peer is withdrawn
// without penalty, and the next announcement of each adds none either.
// Suppression episodes continue; paths without history are forgotten.
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
	ps.penalized[rk] = struct{}{}
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

// store writes r back, keeping the indexes right, and drops a withdrawn path
// that has no history left: it carries no information.
func (e *Engine) store(ps *peerState, rk routeKey, r route) {
	switch {
	case r.hasHistory():
		ps.routes[rk] = r
		ps.penalized[rk] = struct{}{}
		return
	case r.announced():
		ps.routes[rk] = r
	default:
		delete(ps.routes, rk)
	}
	delete(ps.penalized, rk)
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
