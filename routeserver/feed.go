package routeserver

import (
	"context"
	"net/netip"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// The received-path feed. GoBGP calls its ReceivedPathsHook (gobgp patch
// 15) on its server loop with every UPDATE's pre-policy paths in GoBGP's
// own packet types, and with every session end, in the order it handles
// them. That replaces WatchEvent's ADJIN stream, which cloned every path
// and built the neighbor's config per UPDATE on the server loop, then
// converted every path to protobuf Any attributes that decodePath
// converted back (a sixth of the CPU and much of the garbage of a large
// convergence).
//
// The hook must not block the server loop, so it only queues; one
// goroutine (feedQueue.run) evaluates in queue order. Because session
// starts and ends travel in the same queue as the paths, the store forgets
// a peer's routes after every path of the ended session and before any
// path of the next one, and BMP stations and the MRT log see Peer Up, the
// session's routes and Peer Down in that order. The peer-state watch
// (WatchEvent, a different goroutine) cannot be ordered against the paths,
// so it touches neither the store nor the monitors.

// feedQueue is an unbounded FIFO between GoBGP's server loop and run.
type feedQueue struct {
	mu    sync.Mutex
	items []server.ReceivedPaths
	wake  chan struct{} // one pending wake-up is enough

	// monitoredUp: the sessions the monitors were told are up, with
	// the router ID they were told. Only run's goroutine uses it.
	monitoredUp map[netip.Addr]string
}

func newFeedQueue() *feedQueue {
	return &feedQueue{wake: make(chan struct{}, 1), monitoredUp: map[netip.Addr]string{}}
}

// push is the ReceivedPathsHook: O(1), never blocks.
func (q *feedQueue) push(r server.ReceivedPaths) {
	q.mu.Lock()
	q.items = append(q.items, r)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run hands every queued item to fn in order until ctx ends.
func (q *feedQueue) run(ctx context.Context, fn func(server.ReceivedPaths)) {
	var batch []server.ReceivedPaths
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
		q.mu.Lock()
		batch, q.items = q.items, batch[:0]
		q.mu.Unlock()
		for i := range batch {
			if ctx.Err() != nil {
				return
			}
			fn(batch[i])
			batch[i] = server.ReceivedPaths{} // let the paths go
		}
	}
}

// onReceived handles one item of the feed.
func (s *Server) onReceived(r server.ReceivedPaths) {
	switch {
	case r.SessionStarted:
		if p := s.peerByAddr(r.PeerAddress); p != nil && r.AdjRibIn != nil {
			s.adjIn.attach(p.cfg.Name, r.AdjRibIn, r.PeerAddress)
		}
		s.onSessionStarted(r.PeerAddress)
	case r.SessionEnded:
		s.onSessionEnded(r.PeerAddress, r.Time)
	default:
		s.onPaths(r.PeerAddress, r.Paths)
	}
}

// onSessionStarted tells the monitors (Peer Up), with the session's
// transport as GoBGP reports it now. When the session is already gone
// again, they are told neither of its start nor of its end.
func (s *Server) onSessionStarted(addr netip.Addr) {
	p := s.peerByAddr(addr)
	if p == nil {
		return
	}
	rid := ""
	if !s.mon.empty() {
		var ap *api.Peer
		_ = s.bgp.ListPeer(context.Background(), &api.ListPeerRequest{Address: addr.String()}, func(x *api.Peer) { ap = x })
		if ap == nil || ap.State == nil || ap.State.SessionState != api.PeerState_ESTABLISHED {
			return
		}
		rid = ap.State.RouterId
		s.monitorSession(p, ap, true)
	}
	// a station connected later learns of the session from its snapshot
	// and must hear of its end
	s.feed.monitoredUp[addr] = rid
}

// onSessionEnded forgets what a peer sent in its ended session (GoBGP
// does not report the implicit withdrawals one by one) and tells the
// monitors (Peer Down). Resets are not flaps: the dampening engine marks
// the routes withdrawn without a penalty.
func (s *Server) onSessionEnded(addr netip.Addr, at time.Time) {
	rid, told := s.feed.monitoredUp[addr]
	delete(s.feed.monitoredUp, addr)
	p := s.peerByAddr(addr)
	if p == nil {
		return // removed: removePeer dropped its routes
	}
	if told {
		if rid == "" {
			p.mu.Lock()
			rid = p.routerID
			p.mu.Unlock()
		}
		ps := peerSession{Peer: idOf(p), RouterID: rid, Up: false, At: at}
		s.mon.each(func(sk monitorSink) { sk.session(ps) })
	}
	if s.damp != nil {
		s.damp.PeerDown(p.cfg.Name, time.Now())
	}
	n := s.store.DropPeer(p.cfg.Name)
	s.sessionEnded(p)
	s.peerLog(p).WithField("routes_dropped", n).Info("session ended: its routes are dropped")
}

func (s *Server) peerByAddr(a netip.Addr) *peer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byAddr[a]
}
