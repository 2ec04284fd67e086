package server

import (
	"context"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
)

// TestRecvBudget: sessions share one budget of paths in flight. A reader
// reserves before it decodes an UPDATE; once the budget is exhausted a
// reader of another session waits even with nothing of its own in flight,
// until the server loop has brought the budget down to its low-water mark;
// admit settles a reservation to the decoded count.
func TestRecvBudget(t *testing.T) {
	ctx := context.Background()
	b := newRecvBudget(100, 50)
	a, c := newRecvGate(b), newRecvGate(b)

	a.reserve(ctx, 240, time.Hour) // an UPDATE body of 240 octets: 60 reserved
	if a.reserved != 60 || b.load() != 60 {
		t.Fatalf("reserved %d, budget %d; want 60 and 60", a.reserved, b.load())
	}
	doneA := a.admit(55) // it decoded into 55 paths
	if a.reserved != 0 || b.load() != 55 {
		t.Fatalf("after admit: reserved %d, budget %d; want 0 and 55", a.reserved, b.load())
	}
	c.reserve(ctx, 180, time.Hour) // 45 more: 100, exhausted
	doneC := c.admit(45)
	if !b.exhausted() {
		t.Fatalf("budget not exhausted at %d paths (mark 100)", b.load())
	}

	reserved := make(chan struct{})
	go func() {
		a.reserve(ctx, 40, time.Hour)
		close(reserved)
	}()
	select {
	case <-reserved:
		t.Fatal("a reader decoded with the budget exhausted")
	case <-time.After(200 * time.Millisecond):
	}
	doneC() // 55: below the mark, above the low-water mark
	select {
	case <-reserved:
		t.Fatal("a reader resumed above the low-water mark")
	case <-time.After(200 * time.Millisecond):
	}
	doneA() // 0: drained
	select {
	case <-reserved:
	case <-time.After(10 * time.Second):
		t.Fatal("the reader did not resume once the budget drained")
	}
	if a.reserved != 10 || b.load() != 10 {
		t.Fatalf("reserved %d, budget %d; want 10 and 10", a.reserved, b.load())
	}
	a.unreserve() // its message was not handed on
	if a.reserved != 0 || b.load() != 0 {
		t.Fatalf("after unreserve: reserved %d, budget %d; want 0 and 0", a.reserved, b.load())
	}

	// exhausted again: an ended session reserves nothing, a stalled server
	// loop lets the reader through after maxWait
	hold := c.admit(150)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	a.reserve(cctx, 400, time.Hour)
	if a.reserved != 0 {
		t.Fatal("an ended session reserved")
	}
	start := time.Now()
	a.reserve(ctx, 400, 100*time.Millisecond)
	if time.Since(start) < 100*time.Millisecond {
		t.Fatal("reserve returned before maxWait with the budget exhausted")
	}
	if a.reserved != 100 {
		t.Fatalf("after maxWait reserved %d, want 100", a.reserved)
	}
	a.admit(100)()
	hold()
	if b.exhausted() || b.load() != 0 {
		t.Fatalf("budget exhausted=%v load=%d after the last message, want drained", b.exhausted(), b.load())
	}
}

// TestRecvBudgetTurns: a drained budget wakes one reader, not all; a reader
// that reserves without filling the budget hands the turn on; one that
// fills it does not.
func TestRecvBudgetTurns(t *testing.T) {
	b := newRecvBudget(100, 50)
	turns := func() int {
		n := 0
		for {
			select {
			case <-b.wake:
				n++
			default:
				return n
			}
		}
	}
	b.adjust(150)
	if n := turns(); n != 0 {
		t.Fatalf("filling the budget handed out %d turns, want 0", n)
	}
	b.adjust(-60) // 90: above the low-water mark, still exhausted
	if n := turns(); n != 0 || !b.exhausted() {
		t.Fatalf("above the low-water mark: %d turns, exhausted %v; want 0, true", n, b.exhausted())
	}
	b.adjust(-40) // 50: drained
	if n := turns(); n != 1 || b.exhausted() {
		t.Fatalf("drained: %d turns, exhausted %v; want 1, false", n, b.exhausted())
	}
	b.adjust(10) // 60: room left, the turn goes on
	if n := turns(); n != 1 {
		t.Fatalf("a reservation that left room handed on %d turns, want 1", n)
	}
	b.adjust(40) // 100: full again
	if n := turns(); n != 0 || !b.exhausted() {
		t.Fatalf("a reservation that filled the budget: %d turns, exhausted %v; want 0, true", n, b.exhausted())
	}
}

// TestPathWeight: a message costs its paths, and an UPDATE without paths
// (End-of-RIB) costs 1, so a stream of them is still bounded; the estimate
// before decoding is never 0.
func TestPathWeight(t *testing.T) {
	if w := pathWeight(&fsmMsg{}); w != 1 {
		t.Fatalf("empty message weighs %d, want 1", w)
	}
	if w := pathWeight(&fsmMsg{PathList: make([]*table.Path, 7)}); w != 7 {
		t.Fatalf("7 paths weigh %d, want 7", w)
	}
	if e := estimatePaths(4); e != 1 {
		t.Fatalf("a 4-octet body is estimated at %d paths, want 1", e)
	}
	if e := estimatePaths(4077); e != 1019 {
		t.Fatalf("a full body is estimated at %d paths, want 1019", e)
	}
}
