package dampening

import (
	"math"
	"testing"
	"time"
)

// TestDecayCurve compares the engine's penalty with the closed formula
// p0·2^(−Δt/half_life) at many points, for several parameter sets.
func TestDecayCurve(t *testing.T) {
	ripe := Params{HalfLife: 30 * time.Minute, Reuse: 2000, Suppress: 3000, MaxSuppress: 60 * time.Minute,
		WithdrawalPenalty: 1000, AttributeChangePenalty: 500}
	tests := []struct {
		name      string
		p         Params
		withdraws int // at time 0, each after an announce
	}{
		{"rfc7196 one withdrawal", DefaultParams(), 1},
		{"rfc7196 five withdrawals", DefaultParams(), 5},
		{"ripe-229 three withdrawals", ripe, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustNew(t, tt.p)
			k := key("p1", "45.0.0.0/24")
			announce(e, k, 1, base)
			for range tt.withdraws {
				flap(e, k, base)
			}
			p0 := math.Min(float64(tt.withdraws)*tt.p.WithdrawalPenalty, tt.p.Ceiling())
			for dt := time.Duration(0); dt <= 3*time.Hour; dt += 37 * time.Second {
				want := closedForm(p0, dt, tt.p.HalfLife)
				got := mustState(t, e, k, at(dt)).Penalty
				if math.Abs(got-want) > 1 {
					t.Fatalf("at +%s: penalty %.3f, closed form %.3f", dt, got, want)
				}
			}
		})
	}
}

// TestDecayAcrossEvents checks that penalties add to the decayed value.
func TestDecayAcrossEvents(t *testing.T) {
	p := DefaultParams()
	e := mustNew(t, p)
	k := key("p1", "45.0.0.0/24")
	announce(e, k, 1, base)
	withdraw(e, k, base)                  // 1000 at 0
	announce(e, k, 1, at(10*time.Minute)) // readvertisement: 0
	announce(e, k, 2, at(20*time.Minute)) // attribute change: +500
	withdraw(e, k, at(35*time.Minute))    // +1000
	want := closedForm(1000, 20*time.Minute, p.HalfLife) + 500
	want = closedForm(want, 15*time.Minute, p.HalfLife) + 1000
	for _, dt := range []time.Duration{0, time.Minute, 15 * time.Minute, 2 * time.Hour} {
		got := mustState(t, e, k, at(35*time.Minute+dt)).Penalty
		if w := closedForm(want, dt, p.HalfLife); math.Abs(got-w) > 1 {
			t.Errorf("at +35m+%s: penalty %.3f, want %.3f", dt, got, w)
		}
	}
	if s := mustState(t, e, k, at(35*time.Minute)); s.Flaps != 3 {
		t.Errorf("flaps = %d, want 3 (withdrawal, attribute change, withdrawal)", s.Flaps)
	}
}

func TestCeilingCap(t *testing.T) {
	p := DefaultParams()
	e := mustNew(t, p)
	k := key("p1", "45.0.0.0/24")
	announce(e, k, 1, base)
	for i := range 100 {
		flap(e, k, at(time.Duration(i)*time.Second))
	}
	s := mustState(t, e, k, at(99*time.Second))
	if s.Penalty > p.Ceiling()+1e-6 {
		t.Fatalf("penalty %.3f above ceiling %.3f", s.Penalty, p.Ceiling())
	}
	if s.Penalty < p.Ceiling()-1 {
		t.Fatalf("penalty %.3f: 100 withdrawals within 100 s should reach the ceiling %.0f", s.Penalty, p.Ceiling())
	}
	if got, want := s.ReuseAt.Sub(at(99*time.Second)), p.MaxSuppress; got > want || got < want-time.Second {
		t.Errorf("reuse in %s after the last flap, want %s", got, want)
	}
}

// TestMaxSuppressBound flaps a route for hours, then stops: it must be
// released no later than MaxSuppress after the last flap.
func TestMaxSuppressBound(t *testing.T) {
	for _, p := range []Params{
		DefaultParams(),
		{HalfLife: 10 * time.Minute, Reuse: 1500, Suppress: 3000, MaxSuppress: 30 * time.Minute, WithdrawalPenalty: 1000, AttributeChangePenalty: 500},
		{HalfLife: 15 * time.Minute, Reuse: 750, Suppress: 3000, MaxSuppress: 60 * time.Minute, WithdrawalPenalty: 1000, ReadvertisementPenalty: 1000, AttributeChangePenalty: 500},
	} {
		e := mustNew(t, p, WithDefaultMode(ModeEnforce))
		k := key("p1", "45.0.0.0/24")
		announce(e, k, 1, base)
		var last time.Duration
		suppressed := false
		for dt := time.Duration(0); dt < 5*time.Hour; dt += 47 * time.Second {
			if tr := withdraw(e, k, at(dt)); tr.Kind == TransitionSuppressed {
				suppressed = true
			}
			if tr := announce(e, k, uint64(dt), at(dt+time.Second)); tr.Kind == TransitionSuppressed {
				suppressed = true
			}
			last = dt + time.Second
		}
		if !suppressed {
			t.Fatalf("%+v: route flapping every 47 s never suppressed", p)
		}
		var releasedAt time.Duration
		for dt := last; dt <= last+p.MaxSuppress+time.Minute; dt += 10 * time.Second {
			if trs := e.Tick(at(dt)); len(trs) > 0 {
				if trs[0].Kind != TransitionReleased || !trs[0].Enforced {
					t.Fatalf("tick transition %+v, want enforced release", trs[0])
				}
				releasedAt = dt
				break
			}
		}
		if releasedAt == 0 {
			t.Fatalf("%+v: not released within max_suppress+1m of the last flap", p)
		}
		if releasedAt-last > p.MaxSuppress+10*time.Second { // one tick of granularity
			t.Errorf("%+v: released %s after the last flap, max_suppress is %s", p, releasedAt-last, p.MaxSuppress)
		}
		if err := checkInvariants(e); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReuseTiming checks ReuseAt against t0 + half_life·log2(p/reuse) and
// that Tick releases exactly around it.
func TestReuseTiming(t *testing.T) {
	p := DefaultParams()
	p.Suppress = 2500
	e := mustNew(t, p, WithDefaultMode(ModeEnforce))
	k := key("p1", "45.0.0.0/24")
	announce(e, k, 1, base)
	flap(e, k, base)
	flap(e, k, at(time.Minute))
	tr := withdraw(e, k, at(2*time.Minute))
	if tr.Kind != TransitionSuppressed || !tr.Enforced {
		t.Fatalf("third withdrawal: %+v, want enforced suppression", tr)
	}
	pen := closedForm(closedForm(1000, time.Minute, p.HalfLife)+1000, time.Minute, p.HalfLife) + 1000
	want := at(2*time.Minute + time.Duration(p.HalfLife.Seconds()*math.Log2(pen/p.Reuse)*float64(time.Second)))
	if d := tr.ReuseAt.Sub(want); d.Abs() > time.Second {
		t.Fatalf("ReuseAt %s, want %s (off by %s)", tr.ReuseAt.Sub(base), want.Sub(base), d)
	}
	if next, ok := e.NextReuse(); !ok || !next.Equal(tr.ReuseAt) {
		t.Errorf("NextReuse = %s, %v; want %s", next.Sub(base), ok, tr.ReuseAt.Sub(base))
	}
	if trs := e.Tick(want.Add(-time.Second)); len(trs) != 0 {
		t.Fatalf("released a second early: %+v", trs)
	}
	if s := mustState(t, e, k, want.Add(-time.Second)); !s.Suppressed || !s.WouldSuppress {
		t.Fatalf("a second before reuse: %+v", s)
	}
	trs := e.Tick(want.Add(time.Second))
	if len(trs) != 1 || trs[0].Kind != TransitionReleased || trs[0].Key != k {
		t.Fatalf("a second after reuse: %+v", trs)
	}
	if trs[0].Penalty > p.Reuse {
		t.Errorf("released with penalty %.1f above reuse %.0f", trs[0].Penalty, p.Reuse)
	}
	if _, ok := e.NextReuse(); ok {
		t.Error("NextReuse after release: still something suppressed")
	}
	if trs := e.Tick(want.Add(time.Minute)); len(trs) != 0 {
		t.Errorf("release reported twice: %+v", trs)
	}
}

// TestStateFreedAfterDecay: a route's state is freed once its penalty falls
// below reuse/2, announced or not (RFC 2439); presence is the caller's.
func TestStateFreedAfterDecay(t *testing.T) {
	p := DefaultParams()
	e := mustNew(t, p)
	withdrawn, announced := key("p1", "45.0.0.0/24"), key("p1", "45.0.1.0/24")
	for _, k := range []Key{withdrawn, announced} {
		announce(e, k, 1, base)
		withdraw(e, k, base)
	}
	announce(e, announced, 1, base)
	// 1000 decays below 375 after 15m·log2(1000/375) ≈ 21m13s.
	e.Tick(at(21 * time.Minute))
	if _, ok := e.State(withdrawn, at(21*time.Minute)); !ok {
		t.Fatal("state freed too early")
	}
	e.Tick(at(22 * time.Minute))
	if _, ok := e.State(withdrawn, at(22*time.Minute)); ok {
		t.Error("withdrawn route still tracked after decay")
	}
	if s, ok := e.State(announced, at(22*time.Minute)); ok {
		t.Errorf("announced route after decay: %+v, want its state freed", s)
	}
	if c := e.Counters("p1"); c.Tracked != 0 || c.Penalized != 0 {
		t.Errorf("counters %+v, want 0 tracked, 0 penalized", c)
	}
	if l := e.List(at(22*time.Minute), nil); len(l) != 0 {
		t.Errorf("List after decay: %+v", l)
	}
	// Freed, yet the route is announced (the caller's Prior says so): its
	// withdrawal still counts.
	withdraw(e, announced, at(23*time.Minute))
	if s := mustState(t, e, announced, at(23*time.Minute)); s.Penalty < 999 {
		t.Errorf("withdrawal after forgetting: penalty %.1f, want 1000", s.Penalty)
	}
}

// TestClockBackwards: no panic, and a penalty never grows without an event.
func TestClockBackwards(t *testing.T) {
	e := mustNew(t, DefaultParams())
	k := key("p1", "45.0.0.0/24")
	announce(e, k, 1, at(time.Hour))
	withdraw(e, k, at(time.Hour))
	s1 := mustState(t, e, k, at(time.Hour))
	s0 := mustState(t, e, k, base) // an hour before the withdrawal
	if s0.Penalty > s1.Penalty {
		t.Errorf("penalty seen from the past %.1f > %.1f", s0.Penalty, s1.Penalty)
	}
	announce(e, k, 1, base) // readvertisement, penalty 0, in the past
	e.Tick(base)
	if s := mustState(t, e, k, at(time.Hour)); math.Abs(s.Penalty-s1.Penalty) > 1e-3 {
		t.Errorf("events in the past changed the penalty: %.3f, was %.3f", s.Penalty, s1.Penalty)
	}
	// Extreme times are clamped, not overflowed.
	withdraw(e, k, time.Time{})
	announce(e, k, 2, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	e.Tick(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err := checkInvariants(e); err != nil {
		t.Fatal(err)
	}
}
