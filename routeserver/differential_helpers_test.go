package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// compareForwarded waits until b has received the accepted routes, then
// fails on every fixture where GoBGP (forwarded to b or not) or the route
// store of peer "a" disagrees with the evaluator's verdict in want. It
// returns what b received.
func compareForwarded(t *testing.T, rs *Server, b *Speaker, fx []filters.Route, want map[netip.Prefix]filters.Verdict, accepted int) map[netip.Prefix]filters.Route {
	t.Helper()
	ctx := context.Background()
	var got map[netip.Prefix]filters.Route
	waitFor(t, 60*time.Second, fmt.Sprintf("b to receive %d routes", accepted), func() bool {
		var err error
		got, err = b.ReceivedSet(ctx)
		return err == nil && len(got) >= accepted
	})
	time.Sleep(500 * time.Millisecond) // let any excess arrive, so it is caught below
	got, _ = b.ReceivedSet(ctx)
	disagree := 0
	for _, r := range fx {
		_, forwarded := got[r.Prefix]
		if forwarded != want[r.Prefix].Accepted() {
			disagree++
			if disagree <= 10 {
				t.Errorf("%s path %q nh %s: GoBGP forwarded=%v, evaluator %+v", r.Prefix, r.ASPath, r.NextHop, forwarded, want[r.Prefix].Rejections)
			}
		}
		e, ok := rs.Store().Get("a", routestoreKey(r.Prefix))
		if !ok || e.Verdict.Accepted() != want[r.Prefix].Accepted() || len(e.Verdict.Rejections) != len(want[r.Prefix].Rejections) {
			t.Errorf("store entry for %s: %v %+v", r.Prefix, ok, e.Verdict)
		}
	}
	t.Logf("%d of %d fixtures disagree", disagree, len(fx))
	if disagree > 0 {
		t.Fatalf("%d of %d fixtures disagree", disagree, len(fx))
	}
	return got
}
