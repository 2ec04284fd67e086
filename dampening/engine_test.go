package dampening

import (
	"fmt"
	"math"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// TestEventPenalties: which event adds which penalty (Juniper-style params so
// every penalty is distinct and non-zero).
func TestEventPenalties(t *testing.T) {
	p := DefaultParams()
	p.WithdrawalPenalty, p.ReadvertisementPenalty, p.AttributeChangePenalty = 1000, 300, 500
	type ev struct {
		op   string // "a" announce, "w" withdraw, "d" peer down
		attr uint64
	}
	tests := []struct {
		name      string
		events    []ev
		want      float64
		announced bool
		flaps     int
	}{
		// A path that never flapped has no state: want -1.
		{"first announce", []ev{{"a", 1}}, -1, true, 0},
		{"same attributes again", []ev{{"a", 1}, {"a", 1}, {"a", 1}}, -1, true, 0},
		{"attribute change", []ev{{"a", 1}, {"a", 2}}, 500, true, 1},
		{"two attribute changes", []ev{{"a", 1}, {"a", 2}, {"a", 1}}, 1000, true, 2},
		{"withdraw", []ev{{"a", 1}, {"w", 0}}, 1000, false, 1},
		{"withdraw twice counts once", []ev{{"a", 1}, {"w", 0}, {"w", 0}}, 1000, false, 1},
		{"withdraw unknown", []ev{{"w", 0}}, -1, false, 0},
		{"readvertise", []ev{{"a", 1}, {"w", 0}, {"a", 1}}, 1300, true, 1},
		{"readvertise with new attributes", []ev{{"a", 1}, {"w", 0}, {"a", 2}}, 1300, true, 1},
		{"peer down then announce", []ev{{"a", 1}, {"d", 0}, {"a", 2}}, -1, true, 0},
		{"peer down keeps history", []ev{{"a", 1}, {"w", 0}, {"a", 1}, {"d", 0}, {"a", 1}}, 1300, true, 1},
		{"withdraw after reset-announce counts", []ev{{"a", 1}, {"d", 0}, {"a", 1}, {"w", 0}}, 1000, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustNew(t, p)
			k := key("p1", "45.0.0.0/24")
			for _, ev := range tt.events {
				switch ev.op {
				case "a":
					announce(e, k, ev.attr, base)
				case "w":
					withdraw(e, k, base)
				case "d":
					peerDown(e, k.Peer, base)
				}
			}
			s, ok := e.State(k, base)
			if tt.want < 0 {
				if ok {
					t.Fatalf("state %+v, want none", s)
				}
				return
			}
			if !ok {
				t.Fatal("no state")
			}
			if math.Abs(s.Penalty-tt.want) > 1e-3 || s.Announced != tt.announced || s.Flaps != tt.flaps {
				t.Errorf("got penalty %.1f announced %v flaps %d; want %.1f %v %d", s.Penalty, s.Announced, s.Flaps, tt.want, tt.announced, tt.flaps)
			}
			if err := checkInvariants(e); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPeerDownAddsNoPenalty(t *testing.T) {
	e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	var keys []Key
	for i := range 50 {
		keys = append(keys, key("p1", fmt.Sprintf("45.0.%d.0/24", i)))
	}
	flapping := keys[0]
	for _, k := range keys {
		announce(e, k, 1, base)
	}
	for i := range 8 {
		flap(e, flapping, at(time.Duration(i)*time.Second))
	}
	before := e.Counters("p1")
	penBefore := mustState(t, e, flapping, at(10*time.Second)).Penalty
	for round := range 20 { // a session bouncing is not a flap
		now := at(10*time.Second + time.Duration(round)*time.Second)
		peerDown(e, "p1", now)
		for _, k := range keys {
			if tr := announce(e, k, uint64(round), now); tr.Kind == TransitionSuppressed {
				t.Fatalf("re-announcement after reset suppressed %v", k)
			}
		}
	}
	after := e.Counters("p1")
	if after.Withdrawals != before.Withdrawals || after.Readvertisements != before.Readvertisements || after.AttributeChanges != before.AttributeChanges {
		t.Errorf("resets counted as flaps: before %+v after %+v", before, after)
	}
	for _, k := range keys[1:] {
		if s, ok := e.State(k, at(time.Minute)); ok {
			t.Fatalf("%v: state %+v after resets, want none (never flapped)", k.Prefix, s)
		}
	}
	s := mustState(t, e, flapping, at(10*time.Second))
	if s.Penalty > penBefore+1e-3 {
		t.Errorf("flapping route: penalty %.1f after resets, was %.1f", s.Penalty, penBefore)
	}
	if !s.Suppressed {
		t.Error("a reset ended the suppression of the flapping route")
	}
	if err := checkInvariants(e); err != nil {
		t.Fatal(err)
	}
}

// suppressOne drives k into suppression at base+1s and returns the transition.
func suppressOne(e *Engine, k Key) Transition {
	announce(e, k, 1, base)
	var tr Transition
	for i := range 10 {
		if tr = withdraw(e, k, at(time.Second)); tr.Kind == TransitionSuppressed {
			return tr
		}
		announce(e, k, uint64(i), at(time.Second))
	}
	return tr
}

func TestObserveNeverEnforces(t *testing.T) {
	e := mustNew(t, DefaultParams()) // default mode: observe
	if m := e.DefaultMode(); m != ModeObserve {
		t.Fatalf("default mode %v, want observe", m)
	}
	k := key("p1", "45.0.0.0/24")
	tr := suppressOne(e, k)
	if tr.Kind != TransitionSuppressed || tr.Enforced {
		t.Fatalf("observe suppression: %+v, want reported, not enforced", tr)
	}
	s := mustState(t, e, k, at(2*time.Second))
	if !s.WouldSuppress || s.Suppressed || s.Mode != ModeObserve {
		t.Errorf("observe status %+v: want WouldSuppress, not Suppressed", s)
	}
	if c := e.Counters("p1"); c.Suppressions != 1 || c.Suppressed != 1 {
		t.Errorf("counters %+v: observe suppressions still counted", c)
	}
	trs := e.Tick(s.ReuseAt)
	if len(trs) != 1 || trs[0].Kind != TransitionReleased || trs[0].Enforced {
		t.Errorf("observe release: %+v", trs)
	}
}

func TestSetModeTransitions(t *testing.T) {
	e := mustNew(t, DefaultParams())
	k1, k2 := key("p1", "45.0.0.0/24"), key("p2", "45.0.1.0/24")
	suppressOne(e, k1)
	suppressOne(e, k2)
	check := func(name string, got []Transition, kind TransitionKind, keys ...Key) {
		t.Helper()
		if len(got) != len(keys) {
			t.Fatalf("%s: %d transitions %+v, want %d", name, len(got), got, len(keys))
		}
		for i, tr := range got {
			if tr.Kind != kind || !tr.Enforced || tr.Key != keys[i] || tr.ReuseAt.IsZero() {
				t.Errorf("%s: transition %d = %+v, want enforced %v of %v", name, i, tr, kind, keys[i])
			}
		}
	}
	check("p1 observe→enforce", e.SetMode("p1", ModeEnforce), TransitionSuppressed, k1)
	if s := mustState(t, e, k1, at(2*time.Second)); !s.Suppressed {
		t.Error("p1 enforce: not suppressed")
	}
	check("p1 enforce→enforce", e.SetMode("p1", ModeEnforce), TransitionNone)
	check("default observe→enforce", e.SetDefaultMode(ModeEnforce), TransitionSuppressed, k2)
	check("p1 unset (enforce→enforce)", e.UnsetMode("p1"), TransitionNone)
	check("default enforce→observe", e.SetDefaultMode(ModeObserve), TransitionReleased, k1, k2)
	check("p2 observe→off", e.SetMode("p2", ModeOff), TransitionNone)
	if _, ok := e.State(k2, at(2*time.Second)); ok {
		t.Error("mode off kept state")
	}
	if tr := announce(e, k2, 1, at(3*time.Second)); tr.Kind != TransitionNone {
		t.Errorf("announce in mode off: %+v", tr)
	}
	if _, ok := e.State(k2, at(3*time.Second)); ok {
		t.Error("mode off created state")
	}
	if m := e.PeerMode("p2"); m != ModeOff {
		t.Errorf("PeerMode(p2) = %v", m)
	}
	e.SetMode("p1", ModeEnforce)
	check("p1 enforce→off", e.SetMode("p1", ModeOff), TransitionReleased, k1)
	check("p1 bad mode→observe", e.SetMode("p1", Mode(42)), TransitionNone)
	if m := e.PeerMode("p1"); m != ModeObserve {
		t.Errorf("out-of-range mode became %v, want observe", m)
	}
	if err := checkInvariants(e); err != nil {
		t.Fatal(err)
	}
}

// TestLazyRelease: an event after the reuse time reports the release when no
// Tick ran in between, and a new episode when it re-suppresses.
func TestLazyRelease(t *testing.T) {
	p := DefaultParams()
	e := mustNew(t, p, WithDefaultMode(ModeEnforce))
	k := key("p1", "45.0.0.0/24")
	sup := suppressOne(e, k)
	later := sup.ReuseAt.Add(time.Minute)
	if s := mustState(t, e, k, later); s.WouldSuppress || s.Suppressed {
		t.Errorf("status after reuse time: %+v", s)
	}
	tr := withdraw(e, k, later)
	if tr.Kind != TransitionReleased || !tr.ReuseAt.Equal(sup.ReuseAt) {
		t.Fatalf("withdraw after reuse time: %+v, want release due at %s", tr, sup.ReuseAt.Sub(base))
	}
	if trs := e.Tick(later); len(trs) != 0 {
		t.Errorf("release reported again by Tick: %+v", trs)
	}
	for i := range 10 {
		if tr = announce(e, k, uint64(100+i), later); tr.Kind == TransitionSuppressed {
			break
		}
		if tr = withdraw(e, k, later); tr.Kind == TransitionSuppressed {
			break
		}
	}
	if tr.Kind != TransitionSuppressed || tr.ReuseAt.Before(later) {
		t.Fatalf("re-suppression: %+v", tr)
	}
	if s := mustState(t, e, k, later); !s.SuppressedSince.Equal(later) {
		t.Errorf("new episode since %s, want %s", s.SuppressedSince.Sub(base), later.Sub(base))
	}
	if c := e.Counters("p1"); c.Suppressions != 2 || c.Releases != 1 {
		t.Errorf("counters %+v, want 2 suppressions 1 release", c)
	}
}

func TestClear(t *testing.T) {
	e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	k1, k2, k3 := key("p1", "45.0.0.0/24"), key("p1", "45.0.1.0/24"), key("p2", "45.0.2.0/24")
	for _, k := range []Key{k1, k2, k3} {
		suppressOne(e, k)
		announce(e, k, 1, at(time.Second)) // still suppressed, announced again
	}
	calm := key("p1", "45.0.3.0/24")
	announce(e, calm, 1, base)
	if !e.Clear(k1) {
		t.Fatal("Clear(k1) = false")
	}
	if e.Clear(k1) || e.Clear(calm) || e.Clear(key("nobody", "45.0.0.0/24")) {
		t.Error("Clear without history returned true")
	}
	if s, ok := e.State(k1, at(2*time.Second)); ok {
		t.Errorf("after Clear: %+v, want no state", s)
	}
	if n := e.ClearPeer("p1"); n != 1 {
		t.Errorf("ClearPeer(p1) = %d, want 1 (k2)", n)
	}
	if n := e.ClearPeer("nobody"); n != 0 {
		t.Errorf("ClearPeer(nobody) = %d", n)
	}
	if s := mustState(t, e, k3, at(2*time.Second)); !s.Suppressed {
		t.Error("ClearPeer(p1) touched p2")
	}
	c := e.Counters("p1")
	if c.Releases != 2 || c.Suppressed != 0 || c.Withdrawals == 0 || c.Tracked != 0 {
		t.Errorf("p1 counters after clears %+v", c)
	}
	// A withdrawal after Clear still counts: presence is the caller's.
	withdraw(e, k1, at(3*time.Second))
	if s := mustState(t, e, k1, at(3*time.Second)); s.Penalty < 999 {
		t.Errorf("withdrawal after Clear: penalty %.1f", s.Penalty)
	}
	if err := checkInvariants(e); err != nil {
		t.Fatal(err)
	}
}

func TestListAndPeers(t *testing.T) {
	e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	e.SetMode("p0", ModeObserve)
	keys := []Key{
		key("p1", "2a0a::/32"), key("p1", "45.0.1.0/24"), key("p0", "45.0.0.0/24"),
		{Peer: "p1", Prefix: netip.MustParsePrefix("45.0.1.0/24"), PathID: 2},
	}
	for _, k := range keys {
		announce(e, k, 1, base)
		withdraw(e, k, base)
	}
	announce(e, key("p1", "45.9.0.0/24"), 1, base) // no history: not listed
	all := e.List(at(time.Minute), nil)
	want := []Key{keys[2], keys[1], keys[3], keys[0]}
	if len(all) != len(want) {
		t.Fatalf("List: %d routes, want %d: %+v", len(all), len(want), all)
	}
	for i, s := range all {
		if s.Key != want[i] {
			t.Errorf("List[%d] = %v, want %v", i, s.Key, want[i])
		}
	}
	if all[0].Mode != ModeObserve || all[1].Mode != ModeEnforce {
		t.Errorf("modes in List: %v %v", all[0].Mode, all[1].Mode)
	}
	p1 := e.List(at(time.Minute), func(k Key) bool { return k.Peer == "p1" && k.Prefix.Addr().Is4() })
	if len(p1) != 2 {
		t.Errorf("filtered List: %+v", p1)
	}
	if got := e.Peers(); len(got) != 2 || got[0] != "p0" || got[1] != "p1" {
		t.Errorf("Peers() = %v", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			peer := fmt.Sprintf("p%d", g%2)
			for i := range 500 {
				k := key(peer, fmt.Sprintf("45.%d.%d.0/24", g, i%20))
				now := at(time.Duration(i) * time.Second)
				switch i % 5 {
				case 0, 1:
					announce(e, k, uint64(i), now)
				case 2:
					withdraw(e, k, now)
				case 3:
					e.Tick(now)
					e.NextReuse()
				case 4:
					e.List(now, nil)
					e.State(k, now)
					e.Counters(peer)
				}
			}
		}()
	}
	wg.Wait()
	if err := checkInvariants(e); err != nil {
		t.Fatal(err)
	}
}
