package server

import (
	"context"
	"testing"
	"time"
)

// TestRecvGate: the receive loop may run ahead of the server loop by
// recvQueueHigh messages; then it waits until the server loop has brought
// the count down to recvQueueLow, until maxWait, or until the session ends.
func TestRecvGate(t *testing.T) {
	ctx := context.Background()
	g := newRecvGate(nil)
	var done []func()
	for i := 0; i < recvQueueHigh-1; i++ {
		done = append(done, g.admit(1))
		if !g.wait(ctx, time.Hour) {
			t.Fatalf("wait with %d in flight returned false", i+1)
		}
	}
	done = append(done, g.admit(1)) // now at the high-water mark

	waited := make(chan bool)
	go func() { waited <- g.wait(ctx, time.Hour) }()
	select {
	case <-waited:
		t.Fatalf("wait returned with %d messages in flight (high-water mark %d)", recvQueueHigh, recvQueueHigh)
	case <-time.After(200 * time.Millisecond):
	}
	// the server loop processes one message: below the mark, but the
	// reader resumes only once a wake-up or a recheck sees it
	done[0]()
	select {
	case ok := <-waited:
		if !ok {
			t.Fatal("wait returned false with the session up")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("wait did not return after the count fell below the high-water mark")
	}
	if n := g.inFlight.Load(); n != recvQueueHigh-1 {
		t.Fatalf("in flight %d, want %d", n, recvQueueHigh-1)
	}

	// at the mark again: a session that ends releases the reader
	done = append(done, g.admit(1))
	cctx, cancel := context.WithCancel(ctx)
	go func() { waited <- g.wait(cctx, time.Hour) }()
	cancel()
	select {
	case ok := <-waited:
		if ok {
			t.Fatal("wait returned true for an ended session")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("wait ignored the end of the session")
	}

	// a stalled server loop still lets one message through per maxWait
	start := time.Now()
	if !g.wait(ctx, 100*time.Millisecond) {
		t.Fatal("wait with maxWait returned false")
	}
	if time.Since(start) < 100*time.Millisecond {
		t.Fatal("wait returned before maxWait with the queue full")
	}
	for _, f := range done[1:] {
		f()
	}
	if n := g.inFlight.Load(); n != 0 {
		t.Fatalf("in flight %d after every message was processed, want 0", n)
	}
}
