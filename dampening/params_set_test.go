package dampening

import (
	"net/netip"
	"testing"
	"time"
)

// TestSetParams: a running engine switched to new parameters keeps its
// penalties and releases under the new reuse threshold at the next Tick,
// and refuses invalid parameters without changing anything.
func TestSetParams(t *testing.T) {
	e, err := New(DefaultParams(), WithDefaultMode(ModeEnforce))
	if err != nil {
		t.Fatal(err)
	}
	k := Key{Peer: "a", Prefix: netip.MustParsePrefix("45.1.0.0/24")}
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < 8; i++ { // 8 flaps of 1000: suppressed (6000)
		announce(e, k, 1, now)
		withdraw(e, k, now)
		now = now.Add(time.Second)
	}
	announce(e, k, 1, now)
	st, _ := e.State(k, now)
	if !st.Suppressed {
		t.Fatalf("not suppressed after 8 flaps: %+v", st)
	}
	bad := DefaultParams()
	bad.Reuse = bad.Suppress + 1
	if err := e.SetParams(bad); err == nil || e.Params() != DefaultParams() {
		t.Fatalf("invalid params accepted: %v %+v", err, e.Params())
	}
	p := DefaultParams()
	p.Reuse, p.Suppress = st.Penalty+100, st.Penalty+1000 // the penalty is now below reuse
	if err := e.SetParams(p); err != nil {
		t.Fatal(err)
	}
	if e.Params() != p {
		t.Fatalf("Params() = %+v, want %+v", e.Params(), p)
	}
	ts := e.Tick(now.Add(time.Second))
	if len(ts) != 1 || ts[0].Kind != TransitionReleased || ts[0].Key != k {
		t.Fatalf("Tick after SetParams: %+v, want the release of %v", ts, k)
	}
}
