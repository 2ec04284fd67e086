package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// The reconciler is the one writer of live policy changes after Start: IRR
// refreshes, dampening transitions and operator actions all come through
// here, serialised by writeMu. Sets change by diff, in place (notes §3
// pitfall 4), and stored routes are re-evaluated by a soft reset in that is
// coalesced per peer, because each one replays the peer's whole
// Adj-RIB-In on GoBGP's single server loop (notes §6).

// resetDelay coalesces soft resets: changes arriving within it share one.
const resetDelay = 300 * time.Millisecond

type resetScheduler struct {
	mu      sync.Mutex
	pending map[string]bool
	timer   *time.Timer
	stopped bool
	run     func(peers []string)
}

// stop drops pending resets: the server is going away.
func (r *resetScheduler) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.timer != nil {
		r.timer.Stop()
	}
	r.pending, r.timer = nil, nil
}

func (r *resetScheduler) isStopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}

func (r *resetScheduler) schedule(peer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	if r.pending == nil {
		r.pending = map[string]bool{}
	}
	r.pending[peer] = true
	if r.timer == nil {
		r.timer = time.AfterFunc(resetDelay, r.fire)
	}
}

func (r *resetScheduler) fire() {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	peers := make([]string, 0, len(r.pending))
	for p := range r.pending {
		peers = append(peers, p)
	}
	r.pending, r.timer = nil, nil
	r.mu.Unlock()
	r.run(peers)
}

// softResetIn re-runs a peer's import policy over its Adj-RIB-In.
func (s *Server) softResetIn(peers []string) {
	for _, name := range peers {
		s.mu.RLock()
		p := s.peers[name]
		s.mu.RUnlock()
		if p == nil || !p.established() {
			continue
		}
		start := time.Now()
		err := s.bgp.ResetPeer(context.Background(), &api.ResetPeerRequest{Address: p.cfg.Address.String(),
			Soft: true, Direction: api.ResetPeerRequest_IN})
		l := s.peerLog(p).WithField("took", time.Since(start).Round(time.Millisecond))
		if err != nil {
			l.WithError(err).Error("soft reset in failed")
			continue
		}
		l.Debug("soft reset in: stored routes re-evaluated")
	}
}

func diffRanges(old, new []filters.PrefixRange) (del, add []filters.PrefixRange) {
	in := make(map[filters.PrefixRange]bool, len(old))
	for _, r := range old {
		in[r] = true
	}
	keep := make(map[filters.PrefixRange]bool, len(new))
	for _, r := range new {
		keep[r] = true
		if !in[r] {
			add = append(add, r)
		}
	}
	for _, r := range old {
		if !keep[r] {
			del = append(del, r)
		}
	}
	return del, add
}

func diffStrings(old, new []string) (del, add []string) {
	in := map[string]bool{}
	for _, s := range old {
		in[s] = true
	}
	keep := map[string]bool{}
	for _, s := range new {
		keep[s] = true
		if !in[s] {
			add = append(add, s)
		}
	}
	for _, s := range old {
		if !keep[s] {
			del = append(del, s)
		}
	}
	return del, add
}

// FilterChange is what an update changed for one peer.
type FilterChange struct {
	Added, Deleted int // policy entries
	VerdictChanges int // stored routes that moved between accept and reject
	Took           time.Duration
}

// SetPeerFilter replaces a peer's allowed prefixes and origin set (nil
// origins: leave them as they are) without touching its session: diffs go
// into the live sets, the store is re-evaluated, and one soft reset in
// re-evaluates the routes GoBGP holds.
func (s *Server) SetPeerFilter(ctx context.Context, peer string, allowed []filters.PrefixRange, origins *filters.OriginSet) (FilterChange, error) {
	start := time.Now()
	defer s.recountMaxPrefix(peer) // after writeMu is released: verdicts changed
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	p := s.peers[peer]
	settings := s.settings
	var allowedOrigins []uint32
	if pc, ok := s.cfg.Peer(peer); ok { // the config in force, not p.cfg: read unlocked elsewhere
		allowedOrigins = pc.AllowedOrigins
	}
	s.mu.RUnlock()
	if p == nil {
		return FilterChange{}, fmt.Errorf("%w %q", ErrUnknownPeer, peer)
	}
	names := filters.SetNames(peer)
	cur := p.input.Load()
	next := *cur
	next.Allowed = filters.NewPrefixList(s.withROAs(cur, allowed, origins))
	if origins != nil {
		if cur.Origins == nil {
			return FilterChange{}, fmt.Errorf("peer %s has no as_set configured: its policy has no origin check", peer)
		}
		origins = origins.With(allowedOrigins, allowedOriginsLabel)
		next.Origins = origins
	}
	var fc FilterChange
	old4, old6 := filters.SplitFamilies(cur.Allowed.Ranges())
	new4, new6 := filters.SplitFamilies(next.Allowed.Ranges())
	for _, f := range []struct {
		set      string
		old, new []filters.PrefixRange
	}{{names.Allow4, old4, new4}, {names.Allow6, old6, new6}} {
		del, add := diffRanges(filters.NormalizeLongestMatch(f.old), filters.NormalizeLongestMatch(f.new))
		// Add before delete: every moment in between admits only entries
		// of the old or the new list, never anything else.
		if err := updatePrefixSet(ctx, s.bgp, f.set, nil, add); err != nil {
			return fc, err
		}
		if err := updatePrefixSet(ctx, s.bgp, f.set, del, nil); err != nil {
			return fc, err
		}
		fc.Added += len(add)
		fc.Deleted += len(del)
	}
	if err := s.updateBlackholeSets(ctx, peer, cur.Allowed, next.Allowed, &fc); err != nil {
		return fc, err
	}
	if origins != nil {
		del, add := diffStrings(filters.OriginPatterns(cur.Origins), filters.OriginPatterns(origins))
		if err := updateASPathSet(ctx, s.bgp, names.Origins, del, add); err != nil {
			return fc, err
		}
		fc.Added += len(add)
		fc.Deleted += len(del)
	}
	p.input.Store(&next)
	fc.VerdictChanges = s.store.ReevaluateBecause(routestore.CauseFrom(ctx, routestore.CauseFilterChange), peer, func(_ string, r filters.Route) filters.Verdict {
		return filters.Evaluate(r, &settings, &next)
	})
	if fc.Added+fc.Deleted > 0 {
		s.resets.schedule(peer)
	}
	fc.Took = time.Since(start)
	s.peerLog(p).WithFields(logrus.Fields{"added": fc.Added, "deleted": fc.Deleted,
		"verdict_changes": fc.VerdictChanges, "took": fc.Took.Round(time.Millisecond)}).Info("peer filter updated")
	return fc, nil
}

// updateASPathSet changes a live AS-path set by diff, in place.
func updateASPathSet(ctx context.Context, s interface {
	AddDefinedSet(context.Context, *api.AddDefinedSetRequest) error
	DeleteDefinedSet(context.Context, *api.DeleteDefinedSetRequest) error
}, name string, del, add []string) error {
	if len(add) > 0 {
		ds := &api.DefinedSet{DefinedType: api.DefinedType_AS_PATH, Name: name, List: add}
		if err := s.AddDefinedSet(ctx, &api.AddDefinedSetRequest{DefinedSet: ds}); err != nil {
			return fmt.Errorf("as-path set %s: add %d: %w", name, len(add), err)
		}
	}
	if len(del) > 0 {
		ds := &api.DefinedSet{DefinedType: api.DefinedType_AS_PATH, Name: name, List: del}
		if err := s.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: ds}); err != nil {
			return fmt.Errorf("as-path set %s: delete %d: %w", name, len(del), err)
		}
	}
	return nil
}

// setDamped adds and removes exact-prefix entries of a peer's dampening
// sets. A suppression of a route that is currently installed, and every
// release, need the stored path re-evaluated: resetIn says so.
func (s *Server) setDamped(ctx context.Context, peer string, add, del []netip.Prefix, resetIn bool) error {
	names := filters.SetNames(peer)
	if err := s.setExact(ctx, names.Damp4, names.Damp6, add, del); err != nil {
		return err
	}
	if resetIn {
		s.resets.schedule(peer)
	}
	return nil
}

func (p *peer) established() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state == "ESTABLISHED"
}

// setExact adds and removes exact-prefix entries of a pair of per-family
// sets (dampening, max-prefix block).
func (s *Server) setExact(ctx context.Context, set4, set6 string, add, del []netip.Prefix) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	for _, f := range []struct {
		set string
		v4  bool
	}{{set4, true}, {set6, false}} {
		if err := updatePrefixSet(ctx, s.bgp, f.set, exactRanges(del, f.v4), exactRanges(add, f.v4)); err != nil {
			return err
		}
	}
	return nil
}
