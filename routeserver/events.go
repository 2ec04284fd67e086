package routeserver

import (
	"context"
	"net/netip"
	"strings"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// watch subscribes to peer state changes and starts the received-path
// feed (feed.go): every UPDATE a peer sends, including withdrawals and
// routes the import policy will reject. The callbacks run on GoBGP's
// per-watcher goroutine and on the feed's, never on its server loop.
func (s *Server) watch(ctx context.Context) error {
	go s.feed.run(ctx, s.onReceived)
	return s.bgp.WatchEvent(ctx, &api.WatchEventRequest{Peer: &api.WatchEventRequest_Peer{}}, func(r *api.WatchEventResponse) {
		if pe := r.GetPeer(); pe != nil {
			s.onPeerEvent(pe)
		}
	})
}

func (s *Server) peerByAddress(addr string) *peer {
	a, err := parseAddr(addr)
	if err != nil {
		return nil
	}
	return s.peerByAddr(a)
}

func (s *Server) onPeerEvent(ev *api.WatchEventResponse_PeerEvent) {
	if ev.Peer == nil || ev.Peer.State == nil || ev.Type != api.WatchEventResponse_PeerEvent_STATE {
		return
	}
	p := s.peerByAddress(ev.Peer.State.NeighborAddress)
	if p == nil {
		return
	}
	state := strings.TrimPrefix(ev.Peer.State.SessionState.String(), "SESSION_STATE_")
	p.mu.Lock()
	old := p.state
	p.mu.Unlock()
	if !p.setState(state, ev.Peer.State.RouterId, time.Now()) {
		return
	}
	now := time.Now()
	e := Event{Kind: EventPeerState, Time: now, Peer: p.cfg.Name, OldState: old, NewState: state}
	if state == "IDLE" || state == "ACTIVE" {
		e.Error = p.recentLastError(now)
	}
	s.emit(e)
	// BMP and MRT learn of the session from the feed, in order with the
	// paths (feed.go).
	l := s.peerLog(p).WithField("state", state)
	if state == "ESTABLISHED" {
		l.WithField("router_id", ev.Peer.State.RouterId).Info("session established")
		s.checkRouterID(p, ev.Peer.State.RouterId)
		p.clearConnectHints() // session_state.go
		go s.checkOfferedFamilies(p)
		return
	}
	// A session that leaves Established withdraws its routes implicitly:
	// the feed forgets them in order with the paths (onSessionEnded).
	if ev.Peer.State.AdminState == api.PeerState_PFX_CT {
		// the sanction event was sent when the limit was reached, with
		// the counts (they are gone with the session by now)
		s.onMaxPrefixDown(p, l)
		return
	}
	l.Info("session state changed")
}

// checkRouterID logs loudly when two established peers share a BGP
// identifier: GoBGP compares identifiers, not addresses, when it keeps a
// client's own routes from it, so such peers never see each other's
// routes (notes §2, gobgp#2737).
func (s *Server) checkRouterID(p *peer, rid string) {
	if rid == "" {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, o := range s.peers {
		if o == p {
			continue
		}
		o.mu.Lock()
		same := o.state == "ESTABLISHED" && o.routerID == rid
		o.mu.Unlock()
		if same {
			s.peerLog(p).WithFields(logrus.Fields{"router_id": rid, "other_peer": o.cfg.Name}).
				Error("two peers share one BGP router-id: they will NOT receive each other's routes; give each peer a unique router-id")
		}
	}
}

// reevaluateAnnounced re-evaluates one stored path just announced, with
// its own copy of the settings (onPaths reuses its variable for the next
// path).
func (s *Server) reevaluateAnnounced(peer string, k routestore.Key, settings filters.Settings, in *filters.Peer) {
	s.store.ReevaluateKeysBecause(routestore.CauseAnnouncement, peer, []routestore.Key{k}, func(r filters.Route) filters.Verdict {
		return filters.Evaluate(r, &settings, in)
	})
}

// onPaths evaluates and stores the paths of one UPDATE from addr.
func (s *Server) onPaths(addr netip.Addr, paths []server.ReceivedPath) {
	now := time.Now()
	damp := newDampBatch()
	limits := mpBatch{}
	defer func() {
		if len(damp.observed) > 0 {
			s.applyDamp(damp)
		}
		if len(limits) > 0 {
			s.applyMaxPrefix(limits)
		}
	}()
	var memo attrMemo // the IPv4 paths of one UPDATE share one attribute list
	var priorMemo hashMemo
	// The settings are read afresh for every path, into one variable per
	// batch: filters.Evaluate keeps its *Settings out of escape analysis'
	// reach, so a variable per path would be a heap copy per path (168 MB
	// over the 900,000 routes of rsbench's large size).
	settings := new(filters.Settings)
	for i := range paths {
		got := &paths[i]
		rp := receivedPath{NLRI: got.NLRI, PathID: got.PathID, Withdraw: got.Withdraw, Attrs: got.Attrs}
		d, err := decodeReceivedMemo(addr, rp, &memo)
		if err != nil {
			s.log.WithError(err).WithField("peer_address", addr).Warn("cannot decode received path")
			continue
		}
		s.mu.RLock()
		p := s.byAddr[d.From]
		*settings = s.settings
		s.mu.RUnlock()
		if p == nil {
			continue
		}
		// GoBGP says what the path replaced (gobgp patch 34): the store
		// keeps no copy of accepted routes to ask.
		var prior dampening.Prior
		if got.Replaced {
			prior = dampening.Prior{Announced: true}
			if s.damp != nil {
				prior.AttrHash = priorMemo.hash(got.ReplacedAttrs)
			}
		}
		if d.Withdraw {
			s.monitorPath(p, rp, false, now)
			s.store.Withdraw(p.cfg.Name, d.Key)
			if s.damp != nil {
				s.dampWithdrawal(damp, p.cfg.Name, &d, prior, now)
			}
			limits.add(p, p.limiter.withdraw(d.Key, now))
			continue
		}
		if s.damp != nil {
			s.dampEvent(damp, p.cfg.Name, &d, prior, now)
		}
		in := p.input.Load()
		vrps := s.rpki.view.table()
		v := filters.Evaluate(d.Route, settings, in)
		if o := p.limiter.announce(d.Key, v, now); !o.empty() {
			if len(o.blocked) > 0 {
				v = filters.Evaluate(d.Route, settings, in) // now with max_prefix_blocked
			}
			limits.add(p, o)
		}
		s.store.Record(routestore.Entry{Peer: p.cfg.Name, Key: d.Key, Route: d.Route, Verdict: v, ReceivedAt: now, Communities: d.Comms, Attrs: d.Attrs, AttrHash: d.AttrHash}, prior.Announced)
		if s.rpki.view.table() != vrps {
			// The VRPs changed meanwhile; their re-evaluation may have
			// run before the Put above.
			s.reevaluateAnnounced(p.cfg.Name, d.Key, *settings, in)
		}
		if next := p.input.Load(); next != in {
			// The peer's filter changed while this path was evaluated, and
			// the store's re-evaluation may have run before the Put above.
			v = filters.Evaluate(d.Route, settings, next)
			s.reevaluateAnnounced(p.cfg.Name, d.Key, *settings, next)
		}
		s.monitorPath(p, rp, v.Accepted(), now)
		if !v.Accepted() {
			if s.log.IsLevelEnabled(logrus.DebugLevel) {
				s.peerLog(p).WithFields(logrus.Fields{"prefix": d.Key.Prefix, "reasons": v.Rejections}).Debug("route rejected")
			}
			if s.wantRejections() {
				s.emit(Event{Kind: EventRejected, Time: now, Peer: p.cfg.Name, Route: d.Route, Verdict: v})
			}
		}
	}
}
