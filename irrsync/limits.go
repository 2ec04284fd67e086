package irrsync

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/irr"
)

// queryTimeout is the absolute deadline of one whois query batch:
// Options.ClientTimeout, else [irr] query_timeout, else the default (a
// config built by hand rather than parsed).
func (s *Syncer) queryTimeout(c config.IRR) time.Duration {
	switch {
	case s.opts.ClientTimeout > 0:
		return s.opts.ClientTimeout
	case c.QueryTimeout > 0:
		return c.QueryTimeout
	}
	return config.DefaultIRRQueryTimeout
}

// limits returns [irr] refresh_timeout and concurrency, defaulted.
func (s *Syncer) limits() (refreshTimeout time.Duration, concurrency int) {
	s.mu.Lock()
	c := s.cfg.IRR
	s.mu.Unlock()
	refreshTimeout, concurrency = c.RefreshTimeout, c.Concurrency
	if refreshTimeout <= 0 {
		refreshTimeout = config.DefaultIRRRefreshTimeout
	}
	if concurrency <= 0 {
		concurrency = config.DefaultIRRConcurrency
	}
	return refreshTimeout, concurrency
}

// expandWithDeadline runs one peer's expansion under [irr] refresh_timeout,
// so a registry that never answers, or answers slowly query after query,
// cannot hold the peer (or a refresh slot) for longer.
func (s *Syncer) expandWithDeadline(ctx context.Context, p config.Peer) (*irr.Result, error) {
	limit, _ := s.limits()
	ectx, cancel := context.WithTimeoutCause(ctx, limit, errRefreshTimeout)
	defer cancel()
	res, err := s.expand(ectx, p)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(ectx), errRefreshTimeout) {
		return nil, fmt.Errorf("timeout: expanding %s took longer than refresh_timeout %s: %w", p.ASSet, limit, err)
	}
	return res, err
}

var errRefreshTimeout = errors.New("irr refresh_timeout passed")

// refreshAll refreshes the named peers, up to [irr] concurrency at once,
// peers without a filter in force first, and returns their results in
// the order of names (peers removed meanwhile are left out). progress may
// be called from several goroutines; calls are serialised.
func (s *Syncer) refreshAll(ctx context.Context, names []string, force bool, progress func(string)) []Result {
	if progress == nil {
		progress = func(string) {}
	}
	var progressMu sync.Mutex
	report := func(line string) {
		progressMu.Lock()
		defer progressMu.Unlock()
		progress(line)
	}
	_, concurrency := s.limits()
	index := make(map[string]int, len(names))
	for i, name := range names {
		index[name] = i
	}
	results := make([]*Result, len(names))
	slots := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
start:
	for _, name := range s.prioritise(names) {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			break start
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if r, ok := s.refreshPeer(ctx, name, force, report); ok {
				results[index[name]] = &r // each goroutine owns its index
			}
		}()
	}
	wg.Wait()
	out := make([]Result, 0, len(names))
	for _, r := range results {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out
}
