package server

import (
	"net/netip"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// ReceivedPath is one path a peer sent, before import policy, in GoBGP's
// native packet types.
type ReceivedPath struct {
	NLRI     bgp.AddrPrefixInterface
	PathID   uint32 // ADD-PATH path identifier; 0 without ADD-PATH
	Withdraw bool
	// Attrs are the path's attributes (nil for a withdrawal). They are
	// the server's own objects, shared with its tables and with other
	// paths of the same UPDATE: the hook and whatever it hands them to
	// must only read them, never modify them. The server does not modify
	// them either, so they may be kept.
	Attrs []bgp.PathAttributeInterface
	// Replaced: the Adj-RIB-In held a path for this prefix and path
	// identifier, which this one replaced or withdrew; ReplacedAttrs are
	// its attributes (shared like Attrs). A consumer that keeps no copy
	// of accepted paths learns from them whether a withdrawal withdrew
	// anything and whether an announcement changed the attributes.
	Replaced      bool
	ReplacedAttrs []bgp.PathAttributeInterface
}

// ReceivedPaths is one change to a peer's pre-policy Adj-RIB-In: the
// paths of one UPDATE, or the start or end of the session that sends them.
type ReceivedPaths struct {
	PeerAddress netip.Addr
	// Time is when the UPDATE was read from the socket, or when the
	// server handled the end of the session.
	Time  time.Time
	Paths []ReceivedPath
	// SessionStarted: the peer reached ESTABLISHED; the paths that
	// follow, up to SessionEnded, belong to this session.
	SessionStarted bool
	// SessionEnded: the peer left ESTABLISHED or was deleted. No path of
	// that session follows; GoBGP drops (or, under graceful restart,
	// marks stale) every path it received in it without reporting them
	// one by one.
	SessionEnded bool
	// AdjRibIn, with SessionStarted, reads the peer's pre-policy
	// Adj-RIB-In from any goroutine (adj_rib_in_reader.go). It stays valid
	// for as long as the peer is configured, across sessions.
	AdjRibIn *AdjRibInReader
}

// ReceivedPathsHook is called on the server goroutine, in the order the
// server handles them, with every UPDATE's pre-policy paths and with
// every session start and end, for every peer. It MUST NOT block or call back into
// the BgpServer: hand the value to another goroutine. ReceivedPaths and
// its Paths slice belong to the hook.
//
// Unlike WatchEvent with a pre-policy table filter, no path is cloned or
// converted to the API types, and the per-UPDATE neighbor config is not
// built; because the calls for one peer and its session starts and ends
// come in one sequence, a consumer can tell late paths of a session from
// the next session's.
type ReceivedPathsHook func(ReceivedPaths)

// ReceivedPathsHookOption registers a ReceivedPathsHook.
func ReceivedPathsHookOption(hook ReceivedPathsHook) ServerOption {
	return func(o *options) {
		o.receivedPathsHook = hook
	}
}

// notifyReceivedPathsHook reports one UPDATE's paths. Server goroutine.
// replaced is nil or aligned with pathList (peer.handleUpdate).
func (s *BgpServer) notifyReceivedPathsHook(peer *peer, pathList, replaced []*table.Path, timestamp time.Time) {
	if s.receivedPathsHook == nil || len(pathList) == 0 {
		return
	}
	out := make([]ReceivedPath, 0, len(pathList))
	for i, p := range pathList {
		nlri := p.GetNlri()
		rp := ReceivedPath{NLRI: nlri, PathID: nlri.PathIdentifier(), Withdraw: p.IsWithdraw}
		if !p.IsWithdraw {
			rp.Attrs = p.SharedPathAttrs()
		}
		if replaced != nil && replaced[i] != nil && !replaced[i].IsRejected() {
			rp.Replaced, rp.ReplacedAttrs = true, replaced[i].SharedPathAttrs()
		}
		out = append(out, rp)
	}
	s.receivedPathsHook(ReceivedPaths{PeerAddress: peerAddress(peer), Time: timestamp, Paths: out})
}

// notifyReceivedPathsSession reports that a peer's session started or
// ended. Server goroutine.
func (s *BgpServer) notifyReceivedPathsSession(peer *peer, started bool) {
	if s.receivedPathsHook == nil {
		return
	}
	r := ReceivedPaths{PeerAddress: peerAddress(peer), Time: time.Now(), SessionStarted: started, SessionEnded: !started}
	if started {
		r.AdjRibIn = &AdjRibInReader{adj: peer.adjRibIn}
	}
	s.receivedPathsHook(r)
}

func peerAddress(peer *peer) netip.Addr {
	a, _ := netip.ParseAddr(peer.ID())
	return a.Unmap()
}
