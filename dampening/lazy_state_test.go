package dampening

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestNoStateForRoutesThatNeverFlapped: first announcements (and duplicate
// UPDATEs) leave the engine's map empty; after some withdrawals it holds
// exactly the withdrawn routes, and once their penalties decay it is empty
// again (RFC 2439: free the state). The flap counters stay per peer.
func TestNoStateForRoutesThatNeverFlapped(t *testing.T) {
	const n = 2000
	for _, mode := range []Mode{ModeObserve, ModeEnforce} {
		t.Run(mode.String(), func(t *testing.T) {
			e := mustNew(t, DefaultParams(), WithDefaultMode(mode))
			keys := make([]Key, n)
			for i := range keys {
				peer := fmt.Sprintf("p%d", i%2)
				keys[i] = key(peer, fmt.Sprintf("45.%d.%d.0/24", i/256, i%256))
			}
			for _, k := range keys {
				announce(e, k, 1, base)
			}
			for _, k := range keys[:n/2] { // the same UPDATE again
				announce(e, k, 1, at(time.Second))
			}
			if got := storedRoutes(e); len(got) != 0 {
				t.Fatalf("%d first announcements left %d routes of state, want none", n, len(got))
			}
			for _, p := range []string{"p0", "p1"} {
				if c := e.Counters(p); c != (PeerCounters{}) {
					t.Errorf("%s counters %+v after first announcements, want zero", p, c)
				}
			}

			var flapped []Key
			for i := 0; i < n; i += 7 {
				withdraw(e, keys[i], at(2*time.Second))
				flapped = append(flapped, storeKey(keys[i]))
			}
			// an attribute change creates state too
			announce(e, keys[1], 2, at(2*time.Second))
			flapped = append(flapped, storeKey(keys[1]))
			// a withdrawal of a path that is not announced creates none
			withdraw(e, key("p0", "46.0.0.0/24"), at(2*time.Second))
			withdraw(e, keys[0], at(3*time.Second))

			slices.SortFunc(flapped, compareKeys)
			if got := storedRoutes(e); !slices.Equal(got, flapped) {
				t.Fatalf("state held for %d routes, want exactly the %d flapped ones", len(got), len(flapped))
			}
			var withdrawals uint64
			for _, p := range []string{"p0", "p1"} {
				c := e.Counters(p)
				withdrawals += c.Withdrawals
				if c.Tracked != c.Penalized {
					t.Errorf("%s: tracked %d ≠ penalized %d", p, c.Tracked, c.Penalized)
				}
			}
			if withdrawals != uint64(len(flapped)-1) || e.Counters("p1").AttributeChanges != 1 {
				t.Errorf("per-peer counters: %d withdrawals (want %d), p1 %+v", withdrawals, len(flapped)-1, e.Counters("p1"))
			}
			if err := checkInvariants(e); err != nil {
				t.Fatal(err)
			}

			// 1000 decays below reuse/2 = 375 in about 21 minutes.
			e.Tick(at(time.Hour))
			if got := storedRoutes(e); len(got) != 0 {
				t.Errorf("%d routes keep state after their penalties decayed", len(got))
			}
		})
	}
}

// storedRoutes lists, sorted, the keys the engine holds state for.
func storedRoutes(e *Engine) []Key {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Key
	for name, ps := range e.peers {
		for rk := range ps.routes {
			out = append(out, rk.key(name))
		}
	}
	slices.SortFunc(out, compareKeys)
	return out
}

// TestTickReleasesBetweenSweeps: a Tick between forget sweeps still
// releases a suppressed route as soon as its reuse time has passed.
func TestTickReleasesBetweenSweeps(t *testing.T) {
	e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	k := key("p0", "45.2.0.0/24")
	for i := 0; i < 7; i++ { // 7 withdrawals: penalty 7000 ≥ 6000
		announce(e, k, 1, base)
		withdraw(e, k, base)
	}
	st := mustState(t, e, k, base)
	if !st.Suppressed {
		t.Fatalf("%v not suppressed after 7 withdrawals: %+v", k, st)
	}
	e.Tick(st.ReuseAt.Add(-10 * time.Second)) // a sweep; nothing due
	tr := e.Tick(st.ReuseAt.Add(time.Second)) // 11 s later: no sweep
	if len(tr) != 1 || tr[0].Kind != TransitionReleased || tr[0].Key != storeKey(k) {
		t.Fatalf("Tick past reuse between sweeps: %+v, want %v released", tr, k)
	}
}

// TestTickSweepsDecayedStateEveryForgetEvery: the state of a route whose
// penalty decayed is freed by the next sweep, not by every Tick.
func TestTickSweepsDecayedStateEveryForgetEvery(t *testing.T) {
	e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	k := key("p0", "45.1.0.0/24")
	sweep := at(time.Hour)
	e.Tick(sweep) // the first Tick sweeps
	// a withdrawal stamped an hour before the sweep: its penalty (1000)
	// has decayed below Reuse/2 by now
	announce(e, k, 1, base)
	withdraw(e, k, base)
	e.Tick(sweep.Add(forgetEvery - time.Second))
	if got := len(storedRoutes(e)); got != 1 {
		t.Fatalf("state for %d routes between sweeps, want the decayed one kept until the next sweep", got)
	}
	e.Tick(sweep.Add(forgetEvery))
	if got := storedRoutes(e); len(got) != 0 {
		t.Fatalf("state for %v after the next sweep, want none", got)
	}
}
