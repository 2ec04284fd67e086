package irrsync

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/irr"
)

// peerGood is the syncer's record of a peer's last good data.
func peerGood(s *Syncer, peer string) *lastGood {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peers[peer].good
}

// Issue 11: after an applied refresh the syncer keeps a summary, not the
// lists (the route server's filter holds them); a reload that rebuilds the
// peer's filter reads them back from the cache, equal to what was applied.
func TestLastGoodHoldsNoLists(t *testing.T) {
	state := t.TempDir()
	src := newSwapSource(t, "v1.rpsl")
	s, app := newSyncer(t, testConfig(t, state, peerA(t)), src, nil)
	if r := refreshOne(t, s, "a", false); !r.Applied {
		t.Fatalf("refresh: %+v", r)
	}
	g := peerGood(s, "a")
	if g == nil || g.data != nil || g.target != "AS-ALPHA" || g.origins != 2 || g.prefixCount() == 0 {
		t.Fatalf("last good after an applied, cached refresh: %+v", g)
	}
	applied := app.last(t, "a")
	allowed, origins := s.InitialFilter(peerA(t))
	if !slices.Equal(allowed, applied.allowed) || !slices.Equal(origins.Sorted(), applied.origins.Sorted()) {
		t.Fatalf("InitialFilter read back %v %v, want the applied %v %v", allowed, origins.Sorted(), applied.allowed, applied.origins.Sorted())
	}
	// The same data again is recognised by its digest: nothing applied.
	if r := refreshOne(t, s, "a", false); !r.Applied || app.count("a") != 1 {
		t.Fatalf("identical refresh: %+v, %d calls", r, app.count("a"))
	}
	// Different data is applied.
	src.load(t, "v2.rpsl")
	if r := refreshOne(t, s, "a", false); !r.Applied || app.count("a") != 2 {
		t.Fatalf("changed refresh: %+v, %d calls", r, app.count("a"))
	}
}

// A cache that cannot be written leaves the lists with the syncer, so a
// reload still rebuilds the peer's filter from them.
func TestLastGoodKeepsListsWhenCacheFails(t *testing.T) {
	state := t.TempDir()
	// A file where the cache directory should be: every save fails.
	if err := os.WriteFile(filepath.Join(state, "irr"), []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, app := newSyncer(t, testConfig(t, state, peerA(t)), newSwapSource(t, "v1.rpsl"), nil)
	if r := refreshOne(t, s, "a", false); !r.Applied {
		t.Fatalf("refresh: %+v", r)
	}
	if g := peerGood(s, "a"); g == nil || g.data == nil {
		t.Fatalf("last good without a cache: %+v, want the lists kept", g)
	}
	allowed, _ := s.InitialFilter(peerA(t))
	if want := app.last(t, "a").allowed; !slices.Equal(allowed, want) {
		t.Fatalf("InitialFilter = %v, want %v", allowed, want)
	}
}

// A cache removed behind the syncer's back: the peer's rebuilt filter
// starts at default deny, Status says why, and the peer is refreshed next.
func TestLastGoodCacheLost(t *testing.T) {
	state := t.TempDir()
	s, _ := newSyncer(t, testConfig(t, state, peerA(t)), newSwapSource(t, "v1.rpsl"), nil)
	if r := refreshOne(t, s, "a", false); !r.Applied {
		t.Fatalf("refresh: %+v", r)
	}
	if err := os.Remove(filepath.Join(state, "irr", "a.json")); err != nil {
		t.Fatal(err)
	}
	if allowed, origins := s.InitialFilter(peerA(t)); allowed != nil || origins != nil {
		t.Fatalf("InitialFilter without its cache = %v %v, want default deny", allowed, origins)
	}
	st := statusOf(t, s, "a")
	if st.InForce || !strings.Contains(st.LastError, "irr cache lost") {
		t.Fatalf("status: %+v", st)
	}
	s.mu.Lock()
	soon := s.peers["a"].soon
	s.mu.Unlock()
	if !soon {
		t.Fatal("the peer is not marked for an immediate refresh")
	}
	// The refresh brings it back, and the cache with it.
	if r := refreshOne(t, s, "a", false); !r.Applied {
		t.Fatalf("refresh after the loss: %+v", r)
	}
	if _, err := (irr.Cache{Dir: filepath.Join(state, "irr")}).Load("a"); err != nil {
		t.Fatal(err)
	}
	if allowed, _ := s.InitialFilter(peerA(t)); len(allowed) == 0 {
		t.Fatal("no filter after the refresh")
	}
}
