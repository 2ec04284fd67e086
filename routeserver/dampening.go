package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// Dampening enforcement (RFC 2439): the engine sees every UPDATE and
// withdrawal from the received-path feed; an enforced suppression puts the exact
// prefix into the peer's damp set, which a reject statement in its import
// policy consults. A suppression that happens on a withdrawal needs nothing
// more (the next announcement is rejected on import); one that happens
// while the route is installed, and every release, need a soft reset in,
// which the reconciler coalesces per peer.

// initDampening creates the engine, restoring the state saved under
// state_dir (dampening_store.go) so that a restart does not forgive a
// flapping route.
func (s *Server) initDampening(now time.Time) error {
	mode, err := dampening.ParseMode(s.cfg.Dampening.Mode)
	if err != nil {
		return err
	}
	e, err := s.openDampening(s.cfg.Dampening.Params(), now, dampening.WithDefaultMode(mode))
	if err != nil {
		return fmt.Errorf("dampening: %w", err)
	}
	for _, pc := range s.cfg.Peers {
		if pc.Dampening != "" {
			m, err := dampening.ParseMode(pc.Dampening)
			if err != nil {
				return fmt.Errorf("peer %s: %w", pc.Name, err)
			}
			e.SetMode(pc.Name, m)
		}
	}
	s.damp = e
	return nil
}

// dampedCheck is the evaluator's view of the engine for one peer.
func (s *Server) dampedCheck(peer string) func(netip.Prefix) (string, bool) {
	return func(p netip.Prefix) (string, bool) {
		st, ok := s.damp.State(dampening.Key{Peer: peer, Prefix: p}, time.Now())
		if !ok || !st.Suppressed {
			return "", false
		}
		return fmt.Sprintf("penalty %.0f, suppressed since %s, reuse at %s", st.Penalty,
			st.SuppressedSince.UTC().Format(time.RFC3339), st.ReuseAt.UTC().Format(time.RFC3339)), true
	}
}

// restoreDamped fills a peer's damp sets with the suppressions restored
// from disk, before the peer is added, so they hold from the first UPDATE.
func (s *Server) restoreDamped(ctx context.Context, peer string, now time.Time) error {
	var add []netip.Prefix
	for _, st := range s.damp.List(now, func(k dampening.Key) bool { return k.Peer == peer }) {
		if st.Suppressed {
			add = append(add, st.Key.Prefix)
		}
	}
	if len(add) == 0 {
		return nil
	}
	return s.setDamped(ctx, peer, add, nil, false)
}

// dampEvent feeds one received announcement to the engine with its prior:
// whether it replaced an announced path, and that path's attribute hash,
// as GoBGP reported (onPaths). The engine keeps state only for routes that
// flapped.
func (s *Server) dampEvent(b *dampBatch, peer string, d *decodedPath, prior dampening.Prior, now time.Time) {
	b.add(s.damp.Announce(dampKey(peer, d), prior, d.AttrHash, now), true)
}

// dampWithdrawal reports a withdrawal to the engine with its prior.
func (s *Server) dampWithdrawal(b *dampBatch, peer string, d *decodedPath, prior dampening.Prior, now time.Time) {
	b.add(s.damp.Withdraw(dampKey(peer, d), prior, now), false)
}

func dampKey(peer string, d *decodedPath) dampening.Key {
	return dampening.Key{Peer: peer, Prefix: d.Key.Prefix, PathID: d.Key.PathID}
}

// dampBatch collects the transitions of one batch of events: per peer
// what to enforce, plus every transition (observe mode too) to report.
type dampBatch struct {
	peers    map[string]*peerDamp
	observed []dampening.Transition
}

func newDampBatch() *dampBatch { return &dampBatch{peers: map[string]*peerDamp{}} }

type peerDamp struct {
	add, del []netip.Prefix
	keys     []routestore.Key
	resetIn  bool
}

func (b *dampBatch) add(t dampening.Transition, announced bool) {
	if t.Kind == dampening.TransitionNone {
		return
	}
	b.observed = append(b.observed, t)
	if !t.Enforced {
		return
	}
	pd := b.peers[t.Key.Peer]
	if pd == nil {
		pd = &peerDamp{}
		b.peers[t.Key.Peer] = pd
	}
	pd.keys = append(pd.keys, routestore.Key{Prefix: t.Key.Prefix, PathID: t.Key.PathID})
	switch t.Kind {
	case dampening.TransitionSuppressed:
		pd.add = append(pd.add, t.Key.Prefix)
		pd.resetIn = pd.resetIn || announced // installed now: withdraw it from the others
	case dampening.TransitionReleased:
		pd.del = append(pd.del, t.Key.Prefix)
		pd.resetIn = true // re-evaluate the stored path: re-advertise if still announced
	}
}

// apply makes a batch durable, then writes it to GoBGP and to the store.
func (s *Server) applyDamp(b *dampBatch) {
	s.syncDampening()
	now := time.Now()
	for _, t := range b.observed {
		s.emit(Event{Kind: EventDampening, Time: now, Peer: t.Key.Peer, Damp: t})
	}
	for peer, pd := range b.peers {
		if err := s.setDamped(context.Background(), peer, pd.add, pd.del, pd.resetIn); err != nil {
			s.log.WithError(err).WithField("peer", peer).Error("dampening: updating the damp set failed")
			continue
		}
		s.refreshVerdicts(routestore.CauseDampening, peer, pd.keys)
		s.recountMaxPrefix(peer)
		s.log.WithFields(logrus.Fields{"peer": peer, "suppressed": pd.add, "released": pd.del}).Info("dampening transitions applied")
	}
}

// refreshVerdicts re-evaluates a few stored paths of a peer.
func (s *Server) refreshVerdicts(cause, peer string, keys []routestore.Key) {
	s.mu.RLock()
	p := s.peers[peer]
	settings := s.settings
	s.mu.RUnlock()
	if p == nil {
		return
	}
	in := p.input.Load()
	s.store.ReevaluateKeysBecause(cause, peer, keys, func(r filters.Route) filters.Verdict { return filters.Evaluate(r, &settings, in) })
}

// dampLoop releases routes whose penalty decayed below reuse and saves the
// state periodically; it ends with ctx and saves once more.
func (s *Server) dampLoop(ctx context.Context) {
	// Tick scans only routes with a penalty (about 1 ms per 10k), so a
	// short period keeps the delay from reuse to re-advertisement small.
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	lastSave := time.Now()
	for {
		select {
		case <-ctx.Done():
			s.closeDampening()
			return
		case now := <-tick.C:
			b := newDampBatch()
			for _, t := range s.damp.Tick(now) {
				b.add(t, false)
			}
			if len(b.observed) > 0 {
				s.applyDamp(b)
			}
			if now.Sub(lastSave) >= 30*time.Second {
				s.compactDampening()
				lastSave = now
			}
		}
	}
}

// Dampening is the engine, for the API (list, clear, counters).
func (s *Server) Dampening() *dampening.Engine { return s.damp }

// ClearDampening forgets the penalties of one route, or of all routes of a
// peer when prefix is invalid, and lifts their suppression. It returns how
// many routes were released.
func (s *Server) ClearDampening(ctx context.Context, peer string, prefix netip.Prefix) (int, error) {
	s.mu.RLock()
	_, ok := s.peers[peer]
	s.mu.RUnlock()
	if !ok {
		return 0, fmt.Errorf("%w %q", ErrUnknownPeer, peer)
	}
	now := time.Now()
	var del []netip.Prefix
	var keys []routestore.Key
	for _, st := range s.damp.List(now, func(k dampening.Key) bool {
		return k.Peer == peer && (!prefix.IsValid() || k.Prefix == prefix)
	}) {
		if st.Suppressed {
			del = append(del, st.Key.Prefix)
			keys = append(keys, routestore.Key{Prefix: st.Key.Prefix, PathID: st.Key.PathID})
		}
	}
	n := 0
	if prefix.IsValid() {
		for _, st := range s.damp.List(now, func(k dampening.Key) bool { return k.Peer == peer && k.Prefix == prefix }) {
			if s.damp.Clear(st.Key) {
				n++
			}
		}
	} else {
		n = s.damp.ClearPeer(peer)
	}
	s.syncDampening()
	if len(del) > 0 {
		if err := s.setDamped(ctx, peer, nil, del, true); err != nil {
			return n, err
		}
		s.refreshVerdicts(routestore.CauseDampening, peer, keys)
		s.recountMaxPrefix(peer)
	}
	return n, nil
}
