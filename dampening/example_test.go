package dampening_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/dampening"
)

// A route server feeds ADJ-IN events in, each with the path's Prior from its
// own route table, arms a timer at NextReuse, and applies the enforced
// transitions to the BGP engine's import policy.
func Example() {
	e, err := dampening.New(dampening.DefaultParams(), dampening.WithDefaultMode(dampening.ModeEnforce))
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	k := dampening.Key{Peer: "ix-a", Prefix: netip.MustParsePrefix("45.0.0.0/24")}
	const attrs = 1                             // the caller's hash of the path attributes
	e.Announce(k, dampening.Prior{}, attrs, t0) // first announcement: no state
	for i := range 8 {                          // a withdrawal and re-announcement every 10 s
		now := t0.Add(time.Duration(i) * 10 * time.Second)
		if tr := e.Withdraw(k, dampening.Prior{Announced: true, AttrHash: attrs}, now); tr.Kind == dampening.TransitionSuppressed {
			fmt.Printf("suppressed after %s, penalty %.0f, reuse in %s\n", now.Sub(t0), tr.Penalty, tr.ReuseAt.Sub(now).Round(time.Second))
		}
		e.Announce(k, dampening.Prior{}, attrs, now.Add(time.Second))
	}
	next, _ := e.NextReuse()
	for _, tr := range e.Tick(next) {
		fmt.Printf("%s %s enforced=%v\n", tr.Key.Prefix, tr.Kind, tr.Enforced)
	}
	// Output:
	// suppressed after 1m0s, penalty 6841, reuse in 47m50s
	// 45.0.0.0/24 released enforced=true
}
