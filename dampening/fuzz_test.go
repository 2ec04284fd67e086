package dampening

import (
	"bytes"
	"math"
	"net/netip"
	"testing"
	"time"
)

var fuzzParams = []Params{
	DefaultParams(),
	{HalfLife: 15 * time.Minute, Reuse: 750, Suppress: 2000, MaxSuppress: 60 * time.Minute, WithdrawalPenalty: 1000, AttributeChangePenalty: 500},                               // Cisco
	{HalfLife: 15 * time.Minute, Reuse: 750, Suppress: 3000, MaxSuppress: 60 * time.Minute, WithdrawalPenalty: 1000, ReadvertisementPenalty: 1000, AttributeChangePenalty: 500}, // Juniper
	{HalfLife: 10 * time.Minute, Reuse: 1500, Suppress: 3000, MaxSuppress: 30 * time.Minute, WithdrawalPenalty: 1000, AttributeChangePenalty: 500},                              // RIPE-229 /21
	{HalfLife: 15 * time.Minute, Reuse: 750, Suppress: 6000, MaxSuppress: 45 * time.Minute, WithdrawalPenalty: 1000, AttributeChangePenalty: 500},                               // suppress = ceiling
	{HalfLife: time.Minute, Reuse: 10, Suppress: 20, MaxSuppress: 20 * time.Minute, WithdrawalPenalty: 7, ReadvertisementPenalty: 3, AttributeChangePenalty: 5},                 // large ceiling ratio
}

var fuzzKeys = []Key{
	{Peer: "p1", Prefix: netip.MustParsePrefix("45.0.0.0/24")},
	{Peer: "p1", Prefix: netip.MustParsePrefix("2a0a:1::/32")},
	{Peer: "p1", Prefix: netip.MustParsePrefix("45.0.0.0/24"), PathID: 1},
	{Peer: "p2", Prefix: netip.MustParsePrefix("45.0.0.0/24")},
	{Peer: "p2", Prefix: netip.MustParsePrefix("45.1.0.0/16")},
	{Peer: "p3", Prefix: netip.MustParsePrefix("2a0a::/16")},
}

// harness drives an engine from fuzz bytes and checks invariants after each
// operation, using only the public API plus checkInvariants.
type harness struct {
	t           *testing.T
	e           *Engine
	p           Params
	now         time.Time
	wentBack    bool            // the clock stepped back since the last check
	lastPen     map[Key]int64   // latest time a penalty increase was observed
	prev        map[Key]float64 // penalty at the last check
	touched     map[Key]bool    // keys with an event since the last check
	defaultMode Mode            //
	overrides   map[string]Mode //
}

func (h *harness) mode(peer string) Mode {
	if m, ok := h.overrides[peer]; ok {
		return m
	}
	return h.defaultMode
}

func (h *harness) advance(b byte) {
	n := time.Duration(b & 63)
	switch b >> 6 {
	case 0:
		h.now = h.now.Add(n * time.Second)
	case 1:
		h.now = h.now.Add(n * time.Minute)
	case 2:
		h.now = h.now.Add(n * 10 * time.Minute)
	case 3:
		h.now = h.now.Add(-n * time.Second)
		h.wentBack = h.wentBack || n > 0
	}
}

func (h *harness) penalty(k Key) float64 {
	s, _ := h.e.State(k, h.now)
	return s.Penalty
}

// event runs one penalty-capable operation and records a penalty increase.
func (h *harness) event(k Key, do func() Transition) {
	before := h.penalty(k)
	tr := do()
	after := h.penalty(k)
	h.touched[k] = true
	if after > before {
		h.lastPen[k] = max(h.lastPen[k], nanos(h.now))
	}
	if tr.Enforced != (h.mode(k.Peer) == ModeEnforce) && tr.Kind != TransitionNone {
		h.t.Fatalf("%v in mode %v: transition %+v", k, h.mode(k.Peer), tr)
	}
	if tr.Kind == TransitionSuppressed {
		if s, ok := h.e.State(k, h.now); !ok || !s.WouldSuppress {
			h.t.Fatalf("%v: suppression reported but status %+v", k, s)
		}
	}
}

func (h *harness) step(op, arg, dt byte) {
	h.advance(dt)
	k := fuzzKeys[int(arg)%len(fuzzKeys)]
	switch op % 12 {
	case 0, 1, 2:
		h.event(k, func() Transition { return announce(h.e, k, uint64(op%3), h.now) })
	case 3, 4, 5:
		h.event(k, func() Transition { return withdraw(h.e, k, h.now) })
	case 6:
		peerDown(h.e, k.Peer, h.now)
	case 7:
		for _, tr := range h.e.Tick(h.now) {
			if tr.Kind != TransitionReleased || tr.Enforced != (h.mode(tr.Key.Peer) == ModeEnforce) {
				h.t.Fatalf("tick in mode %v: %+v", h.mode(tr.Key.Peer), tr)
			}
			if s, ok := h.e.State(tr.Key, h.now); ok && s.WouldSuppress {
				h.t.Fatalf("released but still suppressed: %+v", s)
			}
		}
	case 8:
		var trs []Transition
		if m := Mode(arg>>4) % 4; m == 3 {
			trs = h.e.UnsetMode(k.Peer)
			delete(h.overrides, k.Peer)
		} else {
			trs = h.e.SetMode(k.Peer, m)
			h.overrides[k.Peer] = m
		}
		for _, tr := range trs {
			if !tr.Enforced || tr.Kind == TransitionNone {
				h.t.Fatalf("SetMode transition %+v", tr)
			}
		}
	case 9:
		h.e.Clear(k)
	case 10:
		h.e.ClearPeer(k.Peer)
	case 11:
		h.reload()
	}
	h.check()
}

// reload saves and loads the engine, as a restart would.
func (h *harness) reload() {
	var buf bytes.Buffer
	if err := h.e.Save(&buf, h.now); err != nil {
		h.t.Fatal(err)
	}
	e, err := Load(&buf, h.p, h.now, WithDefaultMode(h.defaultMode))
	if err != nil {
		h.t.Fatalf("Load of a saved state: %v", err)
	}
	for peer, m := range h.overrides {
		e.SetMode(peer, m)
	}
	h.e = e
}

func (h *harness) check() {
	h.t.Helper()
	ceiling := h.p.Ceiling()
	for _, k := range fuzzKeys {
		s, ok := h.e.State(k, h.now)
		mode := h.mode(k.Peer)
		if !ok {
			h.prev[k] = 0
			continue
		}
		switch {
		case mode == ModeOff:
			h.t.Fatalf("%v: state kept in mode off: %+v", k, s)
		case s.Mode != mode:
			h.t.Fatalf("%v: status mode %v, want %v", k, s.Mode, mode)
		case math.IsNaN(s.Penalty) || s.Penalty < 0 || s.Penalty > ceiling*(1+1e-6):
			h.t.Fatalf("%v: penalty %g outside [0, ceiling %g]", k, s.Penalty, ceiling)
		case s.Suppressed && (mode != ModeEnforce || !s.WouldSuppress):
			h.t.Fatalf("%v: enforced suppression in mode %v: %+v", k, mode, s)
		}
		if s.WouldSuppress {
			last, seen := h.lastPen[k]
			if !seen || nanos(h.now) >= last+int64(h.p.MaxSuppress) {
				h.t.Fatalf("%v: suppressed at %s, last penalty at %s, max_suppress %s",
					k, h.now.Sub(base), fromNanos(last).Sub(base), h.p.MaxSuppress)
			}
			if s.ReuseAt.After(s.LastUpdate.Add(h.p.MaxSuppress)) || s.Penalty < h.p.Reuse*(1-1e-6) {
				h.t.Fatalf("%v: suppressed with reuse at %s after last update %s, penalty %g", k, s.ReuseAt.Sub(base), s.LastUpdate.Sub(base), s.Penalty)
			}
		}
		if !h.wentBack && !h.touched[k] && s.Penalty > h.prev[k]*(1+1e-9)+1e-6 {
			h.t.Fatalf("%v: penalty rose from %g to %g without an event", k, h.prev[k], s.Penalty)
		}
		h.prev[k] = s.Penalty
	}
	if err := checkInvariants(h.e); err != nil {
		h.t.Fatal(err)
	}
	h.wentBack = false
	clear(h.touched)
}

// FuzzEvents decodes bytes into event sequences (byte 0: parameter set,
// byte 1: default mode, then op/key/time-delta triples) and checks the
// invariants: penalty ≤ ceiling, no suppression longer than max_suppress
// after the last penalty, observe never enforces, no penalty rises without
// an event, and the engine's indexes and counters stay consistent.
func FuzzEvents(f *testing.F) {
	for _, seed := range fuzzEventSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) { runEvents(t, data) })
}

// fuzzEventSeeds: a route flapping every 5 s then left alone, once per
// parameter set and default mode, plus short mixed sequences.
func fuzzEventSeeds() [][]byte {
	var flapping []byte
	for i := range 40 {
		flapping = append(flapping, 3, 0, 5, byte(i%3), 0, 5) // withdraw, announce 5 s apart
	}
	for range 20 {
		flapping = append(flapping, 7, 0, 1<<6|10) // tick every 10 min
	}
	var seeds [][]byte
	for i := range fuzzParams {
		for m := range 3 {
			seeds = append(seeds, append([]byte{byte(i), byte(m)}, flapping...))
		}
	}
	return append(seeds,
		[]byte{2, 2, 0, 0, 0, 3, 0, 1, 0, 0, 1, 6, 0, 1, 0, 0, 1, 11, 0, 1, 3, 0, 0xc5, 7, 0, 0x81},
		[]byte{1, 1, 8, 0x20, 0, 3, 1, 0, 0, 1, 0, 9, 1, 0, 10, 2, 0, 8, 0x30, 0},
	)
}

func runEvents(t *testing.T, data []byte) *harness {
	if len(data) < 2 || len(data) > 3000 {
		return nil
	}
	p := fuzzParams[int(data[0])%len(fuzzParams)]
	def := Mode(data[1] % 3)
	h := &harness{
		t: t, e: mustNew(t, p, WithDefaultMode(def)), p: p, now: base,
		lastPen: map[Key]int64{}, prev: map[Key]float64{}, touched: map[Key]bool{},
		defaultMode: def, overrides: map[string]Mode{},
	}
	for ops := data[2:]; len(ops) >= 3; ops = ops[3:] {
		h.step(ops[0], ops[1], ops[2])
	}
	return h
}

// TestFuzzSeedsExercise proves the harness is not vacuous: the flapping
// seeds suppress and release the route in observe and enforce modes.
func TestFuzzSeedsExercise(t *testing.T) {
	for i, seed := range fuzzEventSeeds()[:3*len(fuzzParams)] {
		h := runEvents(t, seed)
		c := h.e.Counters("p1")
		if Mode(seed[1]) == ModeOff {
			if c.Tracked != 0 {
				t.Errorf("seed %d (mode off): %+v", i, c)
			}
			continue
		}
		if c.Suppressions == 0 || c.Releases != c.Suppressions || c.Withdrawals != 39 { // the first withdrawal precedes any announcement
			t.Errorf("seed %d (params %d, mode %v): counters %+v, want suppressions all released and 39 withdrawals", i, seed[0], Mode(seed[1]), c)
		}
	}
}

// FuzzLoad feeds arbitrary documents to Load: it must not panic, and what
// it accepts must satisfy the invariants and survive a save/load round trip.
func FuzzLoad(f *testing.F) {
	e, err := New(DefaultParams(), WithDefaultMode(ModeEnforce))
	if err != nil {
		f.Fatal(err)
	}
	suppressOne(e, key("p1", "45.0.0.0/24"))
	announce(e, key("p2", "2a0a::/32"), 1, base)
	announce(e, key("p2", "2a0a::/32"), 2, base)
	var buf bytes.Buffer
	if err := e.Save(&buf, base); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"rsguard-dampening-state","version":1,"saved_at":"2026-03-01T12:00:00Z","routes":[]}`))
	f.Add([]byte(`{"format":"rsguard-dampening-state","version":1,"saved_at":"2026-03-01T12:00:00Z","routes":[{"peer":"","prefix":"::/0","penalty":1e30,"updated":"1600-01-01T00:00:00Z","suppressed_since":"1500-01-01T00:00:00Z","flaps":4294967295}]}`))
	f.Add([]byte(`{"format":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Load(bytes.NewReader(data), DefaultParams(), base)
		if err != nil {
			return
		}
		if err := checkInvariants(e); err != nil {
			t.Fatal(err)
		}
		for _, s := range e.List(base, nil) {
			if s.Penalty > DefaultParams().Ceiling()*(1+1e-6) || s.ReuseAt.After(s.LastUpdate.Add(time.Hour)) {
				t.Fatalf("loaded route out of bounds: %+v", s)
			}
		}
		var out bytes.Buffer
		if err := e.Save(&out, base); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(&out, DefaultParams(), base); err != nil {
			t.Fatalf("reloading a saved state: %v\n%s", err, out.String())
		}
	})
}
