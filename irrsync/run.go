package irrsync

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/rsguard/rsguard/config"
)

// Run refreshes every peer with an as_set now, then keeps them current:
// a peer whose refreshes have all failed so far is retried quickly
// (Options.RetryBackoff), every other peer is refreshed every [irr]
// refresh ± Jitter. Peers added or changed by Reconfigure are refreshed at
// once. Up to [irr] concurrency peers refresh at the same time, peers
// without a filter in force (default deny) first, so registries that do
// not answer for some peers cannot keep the others waiting; each refresh
// ends by refresh_timeout. It returns when ctx ends, after the refreshes
// under way have stopped. Refresh may be called while Run runs; the
// per-peer lock keeps their refreshes of one peer apart.
func (s *Syncer) Run(ctx context.Context) {
	due := map[string]time.Time{}
	fails := map[string]int{}
	running := map[string]bool{}
	done := make(chan runOutcome)
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		order := s.schedule(due, fails, running, now)
		_, concurrency := s.limits()
		for _, name := range s.prioritise(order) {
			if len(running) >= concurrency {
				break
			}
			if running[name] || due[name].After(now) {
				continue
			}
			running[name] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, ok := s.refreshPeer(ctx, name, false, func(string) {})
				select {
				case done <- runOutcome{name: name, result: r, ok: ok}:
				case <-ctx.Done():
				}
			}()
		}
		timer.Stop()
		if next, ok := earliest(due, order, running); ok && len(running) < concurrency {
			timer.Reset(time.Until(next)) // else a finishing refresh wakes us
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		case o := <-done:
			delete(running, o.name)
			s.finished(o, due, fails)
		}
	}
}

// runOutcome is one refresh started by Run; ok is false when the peer
// was removed meanwhile.
type runOutcome struct {
	name   string
	result Result
	ok     bool
}

// finished plans the next refresh of a peer whose refresh ended.
func (s *Syncer) finished(o runOutcome, due map[string]time.Time, fails map[string]int) {
	if !o.ok {
		delete(due, o.name)
		return
	}
	s.mu.Lock()
	everOK := false
	if st := s.peers[o.name]; st != nil {
		everOK = st.everOK
	}
	s.mu.Unlock()
	var wait time.Duration
	wait, fails[o.name] = s.nextWait(o.result.Err != "", everOK, fails[o.name])
	due[o.name] = time.Now().Add(wait)
}

// prioritise orders peers for refreshing: those without a filter in force
// (still default deny) first, then the others, each group in config order.
func (s *Syncer) prioritise(names []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(names))
	var later []string
	for _, name := range names {
		if st := s.peers[name]; st != nil && st.inForce {
			later = append(later, name)
		} else {
			out = append(out, name)
		}
	}
	return append(out, later...)
}

// schedule brings Run's plan in line with the current peers: new peers and
// peers Reconfigure flagged are due now (a flagged peer being refreshed
// keeps its flag until that refresh ends), removed peers are dropped. It
// returns the peers in config order.
func (s *Syncer) schedule(due map[string]time.Time, fails map[string]int, running map[string]bool, now time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := make(map[string]bool, len(s.order))
	for _, name := range s.order {
		keep[name] = true
		st := s.peers[name]
		if _, planned := due[name]; !planned || (st.soon && !running[name]) {
			due[name], fails[name] = now, 0
			st.soon = false
		}
	}
	for name := range due {
		if !keep[name] && !running[name] {
			delete(due, name)
			delete(fails, name)
		}
	}
	return s.order
}

// nextWait decides when a peer is refreshed again: a peer that never had
// a successful refresh (failed is true, everOK false) is retried on the
// backoff, counting its failures; every other peer waits for the jittered
// refresh period, so a registry outage after the first sync does not turn
// into a retry storm.
func (s *Syncer) nextWait(failed, everOK bool, fails int) (time.Duration, int) {
	if failed && !everOK {
		fails++
		return s.backoff(fails), fails
	}
	return s.interval(), 0
}

// backoff is the wait before the n-th retry (n >= 1).
func (s *Syncer) backoff(n int) time.Duration {
	b := s.opts.RetryBackoff
	if n > len(b) {
		return b[len(b)-1]
	}
	return b[n-1]
}

// interval is the refresh period with jitter: refresh × (1 ± Jitter).
func (s *Syncer) interval() time.Duration {
	s.mu.Lock()
	period := s.cfg.IRR.Refresh
	s.mu.Unlock()
	if period <= 0 {
		period = config.DefaultIRRRefresh // a hand-built config; Parse always sets it
	}
	f := 1 + s.opts.Jitter*(2*rand.Float64()-1)
	return time.Duration(float64(period) * f)
}

// earliest is the next time a peer that is not being refreshed is due.
func earliest(due map[string]time.Time, order []string, running map[string]bool) (time.Time, bool) {
	var min time.Time
	found := false
	for _, name := range order {
		if running[name] {
			continue
		}
		if t := due[name]; !found || t.Before(min) {
			min, found = t, true
		}
	}
	return min, found
}
