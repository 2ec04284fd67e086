package routeserver

import (
	"net/netip"
	"sort"
	"sync"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/routestore"
)

// acceptedSource answers the route store for the routes it does not keep:
// GoBGP's Adj-RIB-In holds every path a peer announces, so the store keeps
// only the rejected ones (routestore/source.go) and reads the rest from
// here. Each peer's Adj-RIB-In is read through the reader GoBGP hands over
// with the session's start (gobgp patch 34), on the caller's goroutine:
// never a server-loop operation, which would convert every path to the
// API's types (and, with EnableFiltered, write into the table).
//
// It has its own lock, not the server's: the store calls it with the
// store's lock held, and the server's lock is held elsewhere while the
// store is called.
type acceptedSource struct {
	mu    sync.RWMutex
	peers map[string]adjIn
}

// adjIn is one peer's Adj-RIB-In and the address its paths come from.
type adjIn struct {
	r    *server.AdjRibInReader
	addr netip.Addr
}

// unicast are the families the route server carries.
var unicast = []bgp.RouteFamily{bgp.RF_IPv4_UC, bgp.RF_IPv6_UC}

func newAcceptedSource() *acceptedSource { return &acceptedSource{peers: map[string]adjIn{}} }

// attach registers peer's Adj-RIB-In (a session started; the reader stays
// valid for as long as GoBGP has the peer).
func (a *acceptedSource) attach(peer string, r *server.AdjRibInReader, addr netip.Addr) {
	a.mu.Lock()
	a.peers[peer] = adjIn{r: r, addr: addr}
	a.mu.Unlock()
}

// detach forgets a removed peer.
func (a *acceptedSource) detach(peer string) {
	a.mu.Lock()
	delete(a.peers, peer)
	a.mu.Unlock()
}

func (a *acceptedSource) of(peer string) (adjIn, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	in, ok := a.peers[peer]
	return in, ok
}

func (a *acceptedSource) Peers() []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]string, 0, len(a.peers))
	for p := range a.peers {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (a *acceptedSource) Count(peer string) [2]int {
	in, ok := a.of(peer)
	if !ok {
		return [2]int{}
	}
	return [2]int{in.r.Count(unicast[:1]), in.r.Count(unicast[1:])}
}

func (a *acceptedSource) Keys(peer string, fn func(routestore.Key)) {
	in, ok := a.of(peer)
	if !ok {
		return
	}
	for _, p := range in.r.Paths(unicast, nil) {
		if pfx, err := unicastPrefix(p.NLRI); err == nil {
			fn(routestore.Key{Prefix: pfx, PathID: p.PathID})
		}
	}
}

func (a *acceptedSource) Received(peer string, want func(routestore.Key) bool, fn func(routestore.Entry) bool) {
	in, ok := a.of(peer)
	if !ok {
		return
	}
	var memo attrMemo
	for _, p := range in.r.Paths(unicast, nil) {
		pfx, err := unicastPrefix(p.NLRI)
		if err != nil {
			continue
		}
		k := routestore.Key{Prefix: pfx, PathID: p.PathID}
		if want != nil && !want(k) {
			continue
		}
		if !fn(entryOf(in.addr, k, p, &memo)) {
			return
		}
	}
}

func (a *acceptedSource) ReceivedPath(peer string, k routestore.Key) (routestore.Entry, bool) {
	in, ok := a.of(peer)
	if !ok || !k.Prefix.IsValid() {
		return routestore.Entry{}, false
	}
	p, ok := in.r.Lookup(nlriOf(k.Prefix), k.PathID)
	if !ok {
		return routestore.Entry{}, false
	}
	return entryOf(in.addr, k, p, nil), true
}

// entryOf decodes one held path as the feed decodes a received one.
func entryOf(from netip.Addr, k routestore.Key, p server.AdjRibInPath, memo *attrMemo) routestore.Entry {
	d, _ := decodeReceivedMemo(from, receivedPath{NLRI: p.NLRI, PathID: p.PathID, Attrs: p.Attrs}, memo)
	return routestore.Entry{Key: k, Route: d.Route, Attrs: d.Attrs, Communities: d.Comms, AttrHash: d.AttrHash, ReceivedAt: p.Received}
}
