package irrsync

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/rsguard/rsguard/config"
)

// Run refreshes every peer with an as_set now, then keeps them current:
// a peer whose refreshes have all failed so far is retried quickly
// (Options.RetryBackoff), every other peer is refreshed every [irr]
// refresh ± Jitter. Peers added or changed by Reconfigure are refreshed at
// once. It returns when ctx ends. Refresh may be called while Run runs;
// the per-peer lock keeps their refreshes of one peer apart.
func (s *Syncer) Run(ctx context.Context) {
	due := map[string]time.Time{}
	fails := map[string]int{}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		order := s.schedule(due, fails, time.Now())
		next, ok := earliest(due, order)
		if ok {
			timer.Reset(time.Until(next))
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
			timer.Stop()
			continue
		case <-timer.C:
		}
		now := time.Now()
		for _, name := range order {
			if due[name].After(now) {
				continue
			}
			if ctx.Err() != nil {
				return
			}
			r, ok := s.refreshPeer(ctx, name, false, func(string) {})
			if ctx.Err() != nil {
				return
			}
			if !ok {
				delete(due, name)
				continue
			}
			s.mu.Lock()
			everOK := false
			if st := s.peers[name]; st != nil {
				everOK = st.everOK
			}
			s.mu.Unlock()
			var wait time.Duration
			wait, fails[name] = s.nextWait(r.Err != "", everOK, fails[name])
			due[name] = time.Now().Add(wait)
		}
	}
}

// schedule brings Run's plan in line with the current peers: new peers and
// peers Reconfigure flagged are due now, removed peers are dropped. It
// returns the peers in config order.
func (s *Syncer) schedule(due map[string]time.Time, fails map[string]int, now time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := make(map[string]bool, len(s.order))
	for _, name := range s.order {
		keep[name] = true
		st := s.peers[name]
		if _, planned := due[name]; !planned || st.soon {
			due[name], fails[name] = now, 0
			st.soon = false
		}
	}
	for name := range due {
		if !keep[name] {
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

func earliest(due map[string]time.Time, order []string) (time.Time, bool) {
	var min time.Time
	found := false
	for _, name := range order {
		if t := due[name]; !found || t.Before(min) {
			min, found = t, true
		}
	}
	return min, found
}
