package server

import (
	"github.com/osrg/gobgp/v3/internal/pkg/table"
)

// outgoingBatchMaxPaths bounds the paths held back for one neighbour
// before they are queued: a large propagateUpdate (a soft reset, a peer
// going down with a full table) reaches the neighbours in steps of this
// size instead of all at the end.
const outgoingBatchMaxPaths = 8192

// outgoingBatch holds the paths propagateUpdate produces for each
// neighbour, in the order produced, until the call ends.
type outgoingBatch struct {
	peers []*peer
	paths map[*peer][]*table.Path
}

// beginOutgoingBatch makes sendPaths hold paths back until the returned
// function runs, which queues them, one fsmOutgoingMsg per neighbour.
// propagateUpdateToNeighbors used to queue one message per path and
// neighbour; the send loop packs only what one message or one drain of
// the queue holds. Nested calls join the outer batch. Like everything
// that touches neighborMap, it runs in the server goroutine.
func (s *BgpServer) beginOutgoingBatch() (end func()) {
	if s.outBatch != nil {
		return func() {}
	}
	b := &outgoingBatch{paths: map[*peer][]*table.Path{}}
	s.outBatch = b
	return func() {
		s.outBatch = nil
		for _, p := range b.peers {
			if paths := b.paths[p]; len(paths) > 0 {
				sendfsmOutgoingMsg(p, paths, nil, false)
			}
		}
	}
}

// sendPaths queues paths for peer, or holds them in the current batch.
// The order of the paths for one neighbour is kept either way.
func (s *BgpServer) sendPaths(peer *peer, paths []*table.Path) {
	b := s.outBatch
	if b == nil {
		sendfsmOutgoingMsg(peer, paths, nil, false)
		return
	}
	held, known := b.paths[peer]
	if !known {
		b.peers = append(b.peers, peer)
	}
	held = append(held, paths...)
	if len(held) >= outgoingBatchMaxPaths {
		sendfsmOutgoingMsg(peer, held, nil, false)
		held = nil
	}
	b.paths[peer] = held
}
