package irrsync

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestReconfigure: after a reload Run refreshes new and changed peers at
// once, applies a changed static list even when the IRR data is the same,
// forgets removed peers, and InitialFilter hands a re-added peer its cache
// before Reconfigure runs.
func TestReconfigure(t *testing.T) {
	state := t.TempDir()
	src := newSwapSource(t, "v1.rpsl")
	s, app := newSyncer(t, testConfig(t, state, peerA(t), peerC(t)), src, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*time.Second, "Run's first refresh of a", func() bool { return app.count("a") == 1 })

	// a: one more static prefix (same IRR data); b: new
	a2 := peerA(t)
	a2.Prefixes = append(slices.Clone(a2.Prefixes), mustRange(t, "45.60.0.0/16"))
	s.Reconfigure(testConfig(t, state, a2, peerB(), peerC(t)))
	waitFor(t, 10*time.Second, "a re-applied and b refreshed after the reload", func() bool {
		return app.count("a") == 2 && app.count("b") == 1
	})
	if !admits(app.last(t, "a").allowed, "45.60.0.0/16") || !admits(app.last(t, "a").allowed, "45.21.0.0/16") {
		t.Fatalf("a's list after the reload: %v", app.last(t, "a").allowed)
	}
	if all := s.Status(); len(all) != 2 || all[1].Peer != "b" || !all[1].InForce {
		t.Fatalf("status after adding b: %+v", all)
	}

	// a removed
	s.Reconfigure(testConfig(t, state, peerB(), peerC(t)))
	if all := s.Status(); len(all) != 1 || all[0].Peer != "b" {
		t.Fatalf("status after removing a: %+v", all)
	}
	if _, err := s.Refresh(ctx, "a", false, nil); !errors.Is(err, ErrUnknownPeer) {
		t.Fatalf("refresh of a removed peer: %v", err)
	}

	// a back with its old as_set: the route server gets the cache at once
	allowed, origins := s.InitialFilter(a2)
	if allowed == nil || origins.Len() != 2 || !admits(allowed, "45.21.3.0/24") {
		t.Fatalf("InitialFilter for the re-added peer: %v, %v", allowed, origins)
	}
	s.Reconfigure(testConfig(t, state, a2, peerB(), peerC(t)))
	if st := statusOf(t, s, "a"); !st.InForce || !st.FromCache {
		t.Fatalf("re-added a: %+v", st)
	}
	waitFor(t, 10*time.Second, "the re-added a refreshed", func() bool { return app.count("a") == 3 })

	// an as_set change replaces the origin set
	a3 := a2
	a3.ASSet = "AS21099"
	s.Reconfigure(testConfig(t, state, a3, peerB(), peerC(t)))
	waitFor(t, 10*time.Second, "a refreshed with its new as_set", func() bool {
		return app.count("a") == 4
	})
	if got := app.last(t, "a").origins; got.Source != "AS21099" || !slices.Equal(got.Sorted(), []uint32{21099}) {
		t.Fatalf("origins after the as_set change: %v from %s", got.Sorted(), got.Source)
	}
	if !admits(app.last(t, "a").allowed, "45.29.0.0/24") || admits(app.last(t, "a").allowed, "45.21.0.0/16") {
		t.Fatalf("a's list after the as_set change: %v", app.last(t, "a").allowed)
	}
}
