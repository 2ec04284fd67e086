package routestore

import (
	"testing"
	"unsafe"

	"github.com/rsguard/rsguard/filters"
)

// TestAnnouncedFollowsTheStore: the dampening engine's Prior comes from
// here, so it must follow Put, re-evaluation, Withdraw and DropPeer.
func TestAnnouncedFollowsTheStore(t *testing.T) {
	s := New(0)
	e := entry("a", "45.1.0.0/24")
	k := e.Key
	if _, ok := s.Announced("a", k); ok {
		t.Fatal("empty store: announced")
	}
	e.AttrHash = 7
	s.Put(e)
	if h, ok := s.Announced("a", k); !ok || h != 7 {
		t.Fatalf("after Put: %d %v, want 7 true", h, ok)
	}
	if _, ok := s.Announced("b", k); ok {
		t.Fatal("another peer's path announced")
	}
	s.ReevaluateKeys("a", []Key{k}, func(filters.Route) filters.Verdict {
		return filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonBogonPrefix}}}
	})
	if h, ok := s.Announced("a", k); !ok || h != 7 {
		t.Fatalf("after re-evaluation: %d %v, want 7 true", h, ok)
	}
	e.AttrHash = 9
	s.Put(e)
	if h, _ := s.Announced("a", k); h != 9 {
		t.Fatalf("after a new UPDATE: hash %d, want 9", h)
	}
	if h, ok := s.Withdraw("a", k); !ok || h != 9 {
		t.Fatalf("Withdraw's prior: %d %v, want 9 true", h, ok)
	}
	if _, ok := s.Announced("a", k); ok {
		t.Fatal("withdrawn path announced")
	}
	if _, ok := s.Withdraw("a", k); ok {
		t.Fatal("a second withdrawal found the path")
	}
	if _, ok := s.Withdraw("nobody", k); ok {
		t.Fatal("an unknown peer's withdrawal found a path")
	}
	s.Put(e)
	s.DropPeer("a")
	if _, ok := s.Announced("a", k); ok {
		t.Fatal("path of a dropped peer announced")
	}
}

// TestEntryAllocationClass: AttrHash must not push an entry into the next
// allocation size class (320 bytes), or keeping it here costs memory.
func TestEntryAllocationClass(t *testing.T) {
	if s := unsafe.Sizeof(Entry{}); s > 320 {
		t.Errorf("Entry is %d bytes, above the 320-byte size class", s)
	}
}
