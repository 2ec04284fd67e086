package irrsync

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/irr"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// Result is how one peer's refresh ended.
type Result struct {
	Peer  string
	ASSet string
	// Origins, IPv4 and IPv6 count the IRR data in force after the refresh:
	// the new data when applied, the old data when held back or failed.
	Origins, IPv4, IPv6 int
	// Applied: the refreshed data is in force (Change is zero when it was
	// identical to what was already in force).
	Applied bool
	// HeldBack is set when the safety brake refused the data.
	HeldBack *HeldBack
	// Err says why the refresh failed ("" if it did not); the old filter
	// stays in force, or default deny for a peer that had none.
	Err    string
	Change routeserver.FilterChange
	Took   time.Duration
}

// Refresh expands and applies the IRR data of one peer, or of every peer
// with an as_set when peer is "" (up to [irr] concurrency at once, peers
// still at default deny first; results in config order). force applies
// results the safety brake would hold back. progress, when set, receives one line per step.
// Per-peer failures are reported in the Results; the error is for a bad
// request (unknown peer, no as_set, not attached) or a cancelled ctx.
func (s *Syncer) Refresh(ctx context.Context, peer string, force bool, progress func(string)) ([]Result, error) {
	s.mu.Lock()
	attached, names, cfg := s.applier != nil, s.order, s.cfg
	_, known := s.peers[peer]
	s.mu.Unlock()
	if !attached {
		return nil, ErrNotAttached
	}
	if peer != "" {
		if !known {
			if _, inConfig := cfg.Peer(peer); inConfig {
				return nil, fmt.Errorf("%w: %s", ErrNoASSet, peer)
			}
			return nil, fmt.Errorf("%w %q", ErrUnknownPeer, peer)
		}
		names = []string{peer}
	}
	return s.refreshAll(ctx, names, force, progress), ctx.Err()
}

// refreshPeer runs one refresh under the peer's lock and reports it; ok is
// false when the peer was removed by a reload in the meantime.
func (s *Syncer) refreshPeer(ctx context.Context, name string, force bool, progress func(string)) (Result, bool) {
	start := time.Now()
	st, ok, err := s.lockPeer(ctx, name)
	if !ok {
		return Result{}, false
	}
	if err != nil {
		return Result{Peer: name, ASSet: st.cfg.ASSet, Err: err.Error()}, true
	}
	s.mu.Lock()
	p := st.cfg
	s.mu.Unlock()
	r := Result{Peer: name, ASSet: p.ASSet}
	s.doRefresh(ctx, st, p, force, progress, &r)
	<-st.lock
	r.Took = time.Since(start)
	if s.opts.OnResult != nil {
		s.opts.OnResult(r)
	}
	return r, true
}

// lockPeer takes the refresh lock of the peer's current state. A reload
// may replace the state while we wait (it keeps the lock when the peer
// stays) or remove the peer (ok = false); err is set when ctx ended first.
func (s *Syncer) lockPeer(ctx context.Context, name string) (st *peerState, ok bool, err error) {
	for attempt := 0; attempt < 100; attempt++ { // each retry needs a reload to have happened
		s.mu.Lock()
		st = s.peers[name]
		s.mu.Unlock()
		if st == nil {
			return nil, false, nil
		}
		select {
		case st.lock <- struct{}{}:
		case <-ctx.Done():
			return st, true, ctx.Err()
		}
		s.mu.Lock()
		cur := s.peers[name]
		s.mu.Unlock()
		switch {
		case cur == nil:
			<-st.lock
			return nil, false, nil
		case cur.lock == st.lock:
			return cur, true, nil
		}
		<-st.lock // removed and added again with a new lock: take that one
	}
	return st, true, fmt.Errorf("irrsync: peer %s keeps being reconfigured", name)
}

// doRefresh: expand, brake, apply, cache, record. Called with st.lock
// held; p is the peer's config at the start.
func (s *Syncer) doRefresh(ctx context.Context, st *peerState, p config.Peer, force bool, progress func(string), r *Result) {
	log := s.peerLog(p)
	now := s.opts.Now()
	s.mu.Lock()
	st.lastAttempt = now
	applier, old, inForce, dirty, maxShrink := s.applier, st.good, st.inForce, st.dirty, s.cfg.IRR.MaxShrink
	s.mu.Unlock()
	r.countFrom(old, inForce)

	progress(fmt.Sprintf("%s: expanding %s", p.Name, p.ASSet))
	next, err := s.expandWithDeadline(ctx, p)
	if err != nil {
		progress(fmt.Sprintf("%s: failed (%s): %v", p.Name, s.failed(st, r, log, err, now), err))
		return
	}
	if len(next.Warnings) > 0 {
		log.WithField("warnings", summariseWarnings(next.Warnings, 5)).Warn("irr expansion warnings")
	}
	fields := logrus.Fields{"origins": len(next.Origins), "ipv4": len(next.IPv4), "ipv6": len(next.IPv6)}

	if hb := brake(old, next, maxShrink, now); hb != nil && inForce {
		if force {
			log.WithFields(fields).WithField("brake", hb.Reason).Warn("irr safety brake overridden by force")
		} else {
			s.mu.Lock()
			if st.held != nil {
				hb.Since = st.held.Since // still the same refusal, from its first occurrence
			}
			st.held, st.lastErr, st.everOK = hb, "", true
			s.mu.Unlock()
			held := *hb
			r.HeldBack = &held
			log.WithFields(fields).WithFields(logrus.Fields{"old_count": hb.OldCount, "new_count": hb.NewCount,
				"shrink": fmt.Sprintf("%.1f%%", 100*hb.Fraction), "max_shrink": maxShrink}).
				Warn("irr refresh held back by the safety brake: old list stays in force (force to apply)")
			progress(fmt.Sprintf("%s: held back: %s", p.Name, hb.Reason))
			return
		}
	}

	if dirty || !inForce || !old.same(next) {
		fc, err := applier.SetPeerFilter(routestore.WithCause(ctx, routestore.IRRCause(p.ASSet)), p.Name, merge(next, p.Prefixes), originSet(p.ASSet, next))
		if err != nil {
			progress(fmt.Sprintf("%s: failed (%s): %v", p.Name, s.failed(st, r, log, fmt.Errorf("apply to route server: %w", err), now), err))
			return
		}
		r.Change = fc
	}
	cached := true
	if err := s.cache.Save(p.Name, next); err != nil {
		// The filter is in force; only a restart without registry would
		// miss it, and the syncer keeps the lists until a save succeeds.
		log.WithError(err).Warn("irr result applied but not cached: its lists stay in memory")
		cached = false
	}
	good := summarise(next, !cached)
	s.mu.Lock()
	st.good, st.inForce, st.fromCache, st.everOK = good, true, false, true
	st.lastErr, st.held = "", nil
	if !irrSettingsChanged(p, st.cfg) {
		st.dirty = false // else a reload came in meanwhile: the next refresh applies again
	}
	s.mu.Unlock()
	r.Applied = true
	r.countFrom(good, true) // st.good is only read under s.mu
	log.WithFields(fields).WithFields(logrus.Fields{"added": r.Change.Added, "deleted": r.Change.Deleted,
		"verdict_changes": r.Change.VerdictChanges}).Info("irr filter refreshed")
	progress(fmt.Sprintf("%s: applied %d origins, %d IPv4 and %d IPv6 entries (+%d -%d)",
		p.Name, len(next.Origins), len(next.IPv4), len(next.IPv6), r.Change.Added, r.Change.Deleted))
}

// failed records a refresh that changed nothing, and returns what the
// peer is left with: its last good filter, or default deny when it never
// had one in force.
func (s *Syncer) failed(st *peerState, r *Result, log *logrus.Entry, err error, now time.Time) string {
	s.mu.Lock()
	st.lastErr = err.Error()
	good, inForce := st.good, st.inForce
	s.mu.Unlock()
	r.Err = err.Error()
	e := log.WithError(err)
	if good == nil || !inForce {
		e.Warn("irr refresh failed: the peer has no IRR filter yet and stays at default deny")
		return "stays at default deny"
	}
	e.WithField("age", now.Sub(good.fetchedAt).Round(time.Second)).Warn("irr refresh failed: last good filter stays in force")
	return "last good filter stays in force"
}

func (r *Result) countFrom(g *lastGood, inForce bool) {
	r.Origins, r.IPv4, r.IPv6 = 0, 0, 0
	if g != nil && inForce {
		r.Origins, r.IPv4, r.IPv6 = g.origins, g.ipv4, g.ipv6
	}
}

// expandOne resolves one of the peer's AS-SETs with aggregation and its
// max lengths, like `bgpq4 -A -R <irr_max_length>`.
func (s *Syncer) expandOne(ctx context.Context, p config.Peer, asSet string) (*irr.Result, error) {
	pinned, name := SplitTarget(asSet)
	src, release, err := s.source(pinned)
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := irr.Expand(ctx, src, name, irr.ExpandOptions{Aggregate: true,
		MaxLength4: int(p.IRRMaxLengthIPv4), MaxLength6: int(p.IRRMaxLengthIPv6), DropRefusedPrefixes: true, Now: s.opts.Now})
	if err != nil {
		return nil, err
	}
	res.Sanitize() // bogons, default routes and over-broad ranges never reach the filter
	return res, nil
}

// brake is the safety brake: nil when next may replace old, else why not.
// It refuses a prefix list that shrinks by more than maxShrink or comes
// back empty (irr.CheckRefresh), and an origin set that comes back empty
// while the old one had members.
func brake(old *lastGood, next *irr.Result, maxShrink float64, now time.Time) *HeldBack {
	oldN, target := 0, next.Target
	if old != nil {
		oldN = old.prefixCount()
		if target == "" {
			target = old.target
		}
	}
	hb := &HeldBack{OldCount: oldN, NewCount: next.PrefixCount(), Since: now,
		NewOrigins: len(next.Origins), NewIPv4: len(next.IPv4), NewIPv6: len(next.IPv6)}
	if err := irr.CheckShrink(target, oldN, next.PrefixCount(), maxShrink); err != nil {
		hb.Reason = err.Error()
		if se, ok := err.(*irr.ShrinkError); ok {
			hb.Fraction = se.Fraction
		}
		return hb
	}
	if old != nil && old.origins > 0 && len(next.Origins) == 0 {
		hb.Fraction = 1
		hb.Reason = fmt.Sprintf("irr refresh for %s held back: origin set came back empty (was %d ASNs)", next.Target, old.origins)
		return hb
	}
	return nil
}

func summariseWarnings(ws []string, max int) string {
	if len(ws) <= max {
		return strings.Join(ws, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(ws[:max], "; "), len(ws)-max)
}
