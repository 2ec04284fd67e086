package server

import (
	"context"
	"sync"
	"time"
)

// recvBudgetHigh and recvBudgetLow bound the received paths (announced and
// withdrawn prefixes) that every session of one server together has decoded
// but the server loop has not yet processed. The per-session gate
// (recv_gate.go) bounds messages per session, which is not enough at a route
// server: 60 sessions withdrawing 2,000 routes each held all 120,000 decoded
// withdrawals at once (48 MB of a 131 MB in-use heap), because every
// session fitted its whole table into fewer than 64 UPDATEs. Once the server
// loop is the bottleneck, decoded paths beyond a few tens of milliseconds of
// its work only wait and cost memory. Resuming at half the mark keeps it fed.
const (
	recvBudgetHigh = 16384
	recvBudgetLow  = recvBudgetHigh / 2
)

// recvBudget counts the received paths in flight across the sessions of one
// BgpServer. A reader reserves an estimate before it decodes an UPDATE
// (acquire), so the raw message, not its decoded paths, is what waits, and
// settles the reservation to the decoded count when it hands the message
// to the server loop (recvGate.admit).
type recvBudget struct {
	high, low int64

	mu       sync.Mutex
	inFlight int64
	// full is set at high and cleared when the count falls back to low.
	full bool
	// wake hands one waiting reader the turn to decode: when the budget
	// drains to low, and again each time a reader reserved without
	// filling it. Waking one reader at a time, not all, matters: sixty
	// readers woken together would each decode an UPDATE of up to a
	// thousand withdrawals before any of them counted.
	wake chan struct{}
}

func newRecvBudget(high, low int64) *recvBudget {
	return &recvBudget{high: high, low: low, wake: make(chan struct{}, 1)}
}

// adjust adds n (negative: takes away) and hands out a turn when the
// budget has room.
func (b *recvBudget) adjust(n int64) {
	b.mu.Lock()
	b.inFlight += n
	if !b.full && b.inFlight >= b.high {
		b.full = true
	} else if b.full && b.inFlight <= b.low {
		b.full = false
	}
	full := b.full
	b.mu.Unlock()
	if !full {
		b.passTurn()
	}
}

// passTurn wakes one waiting reader, if any waits.
func (b *recvBudget) passTurn() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// acquire waits until the budget is not exhausted, then reserves n; it
// reserves after maxWait even so (a stalled server loop must not stop the
// reader for good: the peer's KEEPALIVEs come through it). It returns
// false, reserving nothing, when ctx ends first.
func (b *recvBudget) acquire(ctx context.Context, n int64, maxWait time.Duration) bool {
	var t *time.Timer
	var deadline time.Time
	for {
		b.mu.Lock()
		if !b.full || (t != nil && !time.Now().Before(deadline)) {
			b.mu.Unlock()
			b.adjust(n)
			return true
		}
		b.mu.Unlock()
		if t == nil {
			deadline = time.Now().Add(maxWait)
			t = time.NewTimer(min(recvGateRecheck, maxWait))
			defer t.Stop()
		}
		select {
		case <-b.wake:
		case <-t.C:
			// a turn handed to a reader whose peer then sent nothing is
			// not handed on: recheck now and then
			t.Reset(max(min(recvGateRecheck, time.Until(deadline)), 0))
		case <-ctx.Done():
			return false
		}
	}
}

// exhausted reports whether readers must wait.
func (b *recvBudget) exhausted() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.full
}

func (b *recvBudget) load() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.inFlight
}

// pathWeight is what one received message costs the budget: its paths,
// and at least 1 (an End-of-RIB or an UPDATE whose paths were all refused).
func pathWeight(m *fsmMsg) int64 {
	return max(int64(len(m.PathList)), 1)
}

// estimatePaths is the reservation for an UPDATE body of n octets before it
// is decoded: an IPv4 /24 takes 4 octets, the commonest prefix's size, so
// a full message of them is about right and anything else over-reserved
// until admit settles it.
func estimatePaths(n int) int64 {
	return max(int64(n)/4, 1)
}
