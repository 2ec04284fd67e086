package server

import (
	"context"
	"sync/atomic"
	"time"
)

// recvQueueHigh and recvQueueLow bound the UPDATEs one established session
// may have decoded but not yet processed by the server loop. The receive
// loop used to read and decode as fast as the peer sent, into an unbounded
// channel: a peer sending a full table faster than the server loop can
// process it piled up decoded messages (128 MB of a 873 MB heap in a 3 ×
// 300,000-route test). Waiting at recvQueueHigh lets TCP flow control
// slow the peer instead, as BIRD and OpenBGPD do; resuming at recvQueueLow
// keeps the server loop fed. 64 full UPDATEs are a few MB per peer.
const (
	recvQueueHigh = 64
	recvQueueLow  = 32
	// recvGateRecheck bounds a wait in case a wake-up was consumed stale.
	recvGateRecheck = 50 * time.Millisecond
	// recvGateMaxWait bounds one wait: a server loop stalled for longer
	// (a large reload) still gets one message read per wait, so the
	// peer's KEEPALIVEs keep arriving and our hold timer does not expire
	// merely because we stopped reading.
	recvGateMaxWait = 5 * time.Second
)

// recvGate counts one session's UPDATEs between the receive loop and the
// server loop, and their paths against the server-wide budget
// (recv_budget.go), which may be nil. Receive goroutine only, but for the
// release funcs admit returns.
type recvGate struct {
	inFlight atomic.Int32
	drained  chan struct{} // signalled when inFlight falls to recvQueueLow
	budget   *recvBudget
	reserved int64 // reserved for the message being decoded
}

func newRecvGate(budget *recvBudget) *recvGate {
	return &recvGate{drained: make(chan struct{}, 1), budget: budget}
}

// reserve waits for room in the budget before an UPDATE body of n octets
// is decoded and reserves an estimate of its paths.
func (g *recvGate) reserve(ctx context.Context, n int, maxWait time.Duration) {
	if g.budget == nil || g.reserved != 0 {
		return
	}
	if est := estimatePaths(n); g.budget.acquire(ctx, est, maxWait) {
		g.reserved = est
	}
}

// unreserve gives back a reservation whose message was not handed on.
func (g *recvGate) unreserve() {
	if g.reserved != 0 {
		g.budget.adjust(-g.reserved)
		g.reserved = 0
	}
}

// admit counts a message of weight paths handed to the server loop,
// settling its reservation; the returned func is called once the server
// loop has processed it.
func (g *recvGate) admit(weight int64) func() {
	g.inFlight.Add(1)
	if g.budget == nil {
		return g.release
	}
	g.budget.adjust(weight - g.reserved)
	g.reserved = 0
	return func() {
		g.budget.adjust(-weight)
		g.release()
	}
}

func (g *recvGate) release() {
	if g.inFlight.Add(-1) <= recvQueueLow {
		select {
		case g.drained <- struct{}{}:
		default:
		}
	}
}

// wait returns once fewer than recvQueueHigh messages are in flight or
// maxWait has passed, or false when ctx ends first (the session is going
// down).
func (g *recvGate) wait(ctx context.Context, maxWait time.Duration) bool {
	if g.inFlight.Load() < recvQueueHigh {
		return true
	}
	deadline := time.Now().Add(maxWait)
	t := time.NewTimer(min(recvGateRecheck, maxWait))
	defer t.Stop()
	for g.inFlight.Load() >= recvQueueHigh {
		select {
		case <-g.drained:
		case <-t.C:
			left := time.Until(deadline)
			if left <= 0 {
				return true
			}
			t.Reset(min(recvGateRecheck, left))
		case <-ctx.Done():
			return false
		}
	}
	return true
}
