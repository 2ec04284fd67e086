package server

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// TestReceivedPathsHook: the hook sees a peer's session start, its
// announcement, then its withdrawal, then the session end, then the next
// session's start and paths, then the end caused by deleting the peer, in
// that order; attributes arrive
// natively and no pre-policy watcher (clone + toConfig per UPDATE) is
// registered.
func TestReceivedPathsHook(t *testing.T) {
	const port = 23101 // away from the other tests' 10179
	events := make(chan ReceivedPaths, 1024)
	s := NewBgpServer(ReceivedPathsHookOption(func(r ReceivedPaths) {
		select {
		case events <- r:
		default:
			panic("test hook queue full")
		}
	}))
	go s.Serve()
	require.NoError(t, s.StartBgp(context.Background(), &api.StartBgpRequest{
		Global: &api.Global{Asn: 1, RouterId: "1.1.1.1", ListenPort: port}}))
	defer s.StopBgp(context.Background(), &api.StopBgpRequest{})
	require.NoError(t, s.AddPeer(context.Background(), &api.AddPeerRequest{Peer: &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: "127.0.0.1", PeerAsn: 2},
		Transport: &api.Transport{PassiveMode: true}}}))

	c := NewBgpServer()
	go c.Serve()
	require.NoError(t, c.StartBgp(context.Background(), &api.StartBgpRequest{
		Global: &api.Global{Asn: 2, RouterId: "2.2.2.2", ListenPort: -1}}))
	defer c.StopBgp(context.Background(), &api.StopBgpRequest{})
	client := &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: "127.0.0.1", PeerAsn: 1},
		Transport: &api.Transport{RemotePort: port},
		Timers:    &api.Timers{Config: &api.TimersConfig{ConnectRetry: 1, IdleHoldTimeAfterReset: 1}},
	}
	established := func() {
		ch := make(chan struct{})
		go waitEstablished(s, ch)
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			t.Fatal("session not established")
		}
	}
	require.NoError(t, c.AddPeer(context.Background(), &api.AddPeerRequest{Peer: client}))
	established()

	next := func(what string) ReceivedPaths {
		t.Helper()
		select {
		case r := <-events:
			return r
		case <-time.After(30 * time.Second):
			t.Fatalf("no hook call: waiting for %s", what)
		}
		return ReceivedPaths{}
	}
	announce := func(prefix string, withdraw bool) {
		t.Helper()
		attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), bgp.NewPathAttributeNextHop("10.0.0.1"),
			bgp.NewPathAttributeCommunities([]uint32{2<<16 | 7})}
		p, _ := apiutil.NewPath(bgp.NewIPAddrPrefix(24, prefix), withdraw, attrs, time.Now())
		if withdraw {
			require.NoError(t, c.DeletePath(context.Background(), &api.DeletePathRequest{TableType: api.TableType_GLOBAL, Path: p}))
			return
		}
		_, err := c.AddPath(context.Background(), &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: p})
		require.NoError(t, err)
	}
	onePath := func(r ReceivedPaths, prefix string, withdraw bool) ReceivedPath {
		t.Helper()
		require.False(t, r.SessionEnded || r.SessionStarted, "expected %s, got a session start or end", prefix)
		require.Equal(t, netip.MustParseAddr("127.0.0.1"), r.PeerAddress)
		require.False(t, r.Time.IsZero())
		require.Len(t, r.Paths, 1)
		p := r.Paths[0]
		require.Equal(t, prefix, p.NLRI.String())
		require.Equal(t, withdraw, p.Withdraw)
		return p
	}

	r := next("session start")
	require.True(t, r.SessionStarted && !r.SessionEnded && len(r.Paths) == 0, "got %+v", r)
	require.Equal(t, netip.MustParseAddr("127.0.0.1"), r.PeerAddress)

	announce("10.0.0.0", false)
	p := onePath(next("announcement"), "10.0.0.0/24", false)
	var asPath *bgp.PathAttributeAsPath
	var comms *bgp.PathAttributeCommunities
	for _, a := range p.Attrs {
		switch v := a.(type) {
		case *bgp.PathAttributeAsPath:
			asPath = v
		case *bgp.PathAttributeCommunities:
			comms = v
		}
	}
	require.NotNil(t, asPath)
	require.Equal(t, []uint32{2}, asPath.Value[0].GetAS())
	require.NotNil(t, comms)
	require.Equal(t, []uint32{2<<16 | 7}, comms.Value)
	require.False(t, s.isWatched(watchEventTypePreUpdate), "the hook must not register a pre-policy watcher")

	announce("10.0.0.0", true)
	require.Nil(t, onePath(next("withdrawal"), "10.0.0.0/24", true).Attrs)
	announce("10.0.1.0", false)
	onePath(next("second announcement"), "10.0.1.0/24", false)

	// the client goes away: the session end follows every path of it
	require.NoError(t, c.DeletePeer(context.Background(), &api.DeletePeerRequest{Address: "127.0.0.1"}))
	r = next("session end")
	require.True(t, r.SessionEnded && !r.SessionStarted, "got paths %v", r.Paths)
	require.Empty(t, r.Paths)
	require.Equal(t, netip.MustParseAddr("127.0.0.1"), r.PeerAddress)

	// the next session sends the route again, after the end
	require.NoError(t, c.AddPeer(context.Background(), &api.AddPeerRequest{Peer: client}))
	established()
	require.True(t, next("second session start").SessionStarted)
	onePath(next("announcement of the second session"), "10.0.1.0/24", false)

	// deleting an established peer ends its session too
	require.NoError(t, s.DeletePeer(context.Background(), &api.DeletePeerRequest{Address: "127.0.0.1"}))
	require.True(t, next("end by deletion").SessionEnded)
	select {
	case r := <-events:
		t.Fatalf("hook called after the deletion: %+v", r)
	case <-time.After(500 * time.Millisecond):
	}
}

// TestReceivedPathsAdjRibIn: the session start carries a reader of the
// peer's Adj-RIB-In that another goroutine (this one) reads: it holds each
// announcement once the hook has reported it, and nothing once it is
// withdrawn; each reported path says whether it replaced or withdrew one
// held, with the attributes of the one it replaced.
func TestReceivedPathsAdjRibIn(t *testing.T) {
	const port = 23102 // away from TestReceivedPathsHook's 23101
	events := make(chan ReceivedPaths, 1024)
	s := NewBgpServer(ReceivedPathsHookOption(func(r ReceivedPaths) {
		select {
		case events <- r:
		default:
			panic("test hook queue full")
		}
	}))
	go s.Serve()
	require.NoError(t, s.StartBgp(context.Background(), &api.StartBgpRequest{
		Global: &api.Global{Asn: 1, RouterId: "1.1.1.1", ListenPort: port}}))
	defer s.StopBgp(context.Background(), &api.StopBgpRequest{})
	require.NoError(t, s.AddPeer(context.Background(), &api.AddPeerRequest{Peer: &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: "127.0.0.1", PeerAsn: 2},
		Transport: &api.Transport{PassiveMode: true}}}))

	c := NewBgpServer()
	go c.Serve()
	require.NoError(t, c.StartBgp(context.Background(), &api.StartBgpRequest{
		Global: &api.Global{Asn: 2, RouterId: "2.2.2.2", ListenPort: -1}}))
	defer c.StopBgp(context.Background(), &api.StopBgpRequest{})
	require.NoError(t, c.AddPeer(context.Background(), &api.AddPeerRequest{Peer: &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: "127.0.0.1", PeerAsn: 1},
		Transport: &api.Transport{RemotePort: port},
		Timers:    &api.Timers{Config: &api.TimersConfig{ConnectRetry: 1, IdleHoldTimeAfterReset: 1}},
	}}))
	ch := make(chan struct{})
	go waitEstablished(s, ch)
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatal("session not established")
	}

	next := func(what string) ReceivedPaths {
		t.Helper()
		select {
		case r := <-events:
			return r
		case <-time.After(30 * time.Second):
			t.Fatalf("no hook call: waiting for %s", what)
		}
		return ReceivedPaths{}
	}
	announce := func(prefix string, community uint32, withdraw bool) {
		t.Helper()
		attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), bgp.NewPathAttributeNextHop("10.0.0.1"),
			bgp.NewPathAttributeCommunities([]uint32{2<<16 | community})}
		p, _ := apiutil.NewPath(bgp.NewIPAddrPrefix(24, prefix), withdraw, attrs, time.Now())
		if withdraw {
			require.NoError(t, c.DeletePath(context.Background(), &api.DeletePathRequest{TableType: api.TableType_GLOBAL, Path: p}))
			return
		}
		_, err := c.AddPath(context.Background(), &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: p})
		require.NoError(t, err)
	}
	onePath := func(what, prefix string, withdraw, replaced bool) ReceivedPath {
		t.Helper()
		r := next(what)
		require.False(t, r.SessionEnded || r.SessionStarted, "expected %s, got a session start or end", what)
		require.Nil(t, r.AdjRibIn, "only a session start carries the reader")
		require.Len(t, r.Paths, 1)
		p := r.Paths[0]
		require.Equal(t, prefix, p.NLRI.String())
		require.Equal(t, withdraw, p.Withdraw, what)
		require.Equal(t, replaced, p.Replaced, what)
		if !replaced {
			require.Nil(t, p.ReplacedAttrs, what)
		}
		return p
	}
	community := func(attrs []bgp.PathAttributeInterface) uint32 {
		t.Helper()
		for _, a := range attrs {
			if v, ok := a.(*bgp.PathAttributeCommunities); ok {
				require.Len(t, v.Value, 1)
				return v.Value[0] & 0xffff
			}
		}
		t.Fatal("no communities")
		return 0
	}
	v4 := []bgp.RouteFamily{bgp.RF_IPv4_UC}

	start := next("session start")
	require.True(t, start.SessionStarted, "got %+v", start)
	rib := start.AdjRibIn
	require.NotNil(t, rib)
	require.Equal(t, 0, rib.Count(v4))
	require.Empty(t, rib.Paths(v4, nil))

	// a first announcement replaces nothing; the reader holds it
	announce("10.0.0.0", 7, false)
	first := onePath("announcement", "10.0.0.0/24", false, false)
	require.Equal(t, uint32(7), community(first.Attrs))
	held := rib.Paths(v4, nil)
	require.Len(t, held, 1)
	require.Equal(t, "10.0.0.0/24", held[0].NLRI.String())
	require.Equal(t, uint32(0), held[0].PathID)
	require.Equal(t, first.Attrs, held[0].Attrs)
	require.False(t, held[0].Received.IsZero())
	require.Equal(t, 1, rib.Count(v4))
	got, ok := rib.Lookup(bgp.NewIPAddrPrefix(24, "10.0.0.0"), 0)
	require.True(t, ok)
	require.Equal(t, first.Attrs, got.Attrs)
	_, ok = rib.Lookup(bgp.NewIPAddrPrefix(24, "10.0.0.0"), 1)
	require.False(t, ok, "another path ID")
	_, ok = rib.Lookup(bgp.NewIPAddrPrefix(24, "10.0.9.0"), 0)
	require.False(t, ok, "a prefix not announced")
	require.Empty(t, rib.Paths([]bgp.RouteFamily{bgp.RF_IPv6_UC}, nil))

	// the same prefix with other attributes replaces the first
	announce("10.0.0.0", 8, false)
	second := onePath("second announcement", "10.0.0.0/24", false, true)
	require.Equal(t, uint32(8), community(second.Attrs))
	require.Equal(t, first.Attrs, second.ReplacedAttrs)
	got, ok = rib.Lookup(bgp.NewIPAddrPrefix(24, "10.0.0.0"), 0)
	require.True(t, ok)
	require.Equal(t, second.Attrs, got.Attrs)
	require.Equal(t, 1, rib.Count(v4))

	// another prefix is new
	announce("10.0.1.0", 9, false)
	onePath("announcement of another prefix", "10.0.1.0/24", false, false)
	require.Equal(t, 2, rib.Count(v4))
	require.Len(t, rib.Paths(v4, make([]AdjRibInPath, 0, 2)), 2)

	// the withdrawal withdrew the second announcement
	announce("10.0.0.0", 8, true)
	w := onePath("withdrawal", "10.0.0.0/24", true, true)
	require.Nil(t, w.Attrs)
	require.Equal(t, second.Attrs, w.ReplacedAttrs)
	_, ok = rib.Lookup(bgp.NewIPAddrPrefix(24, "10.0.0.0"), 0)
	require.False(t, ok)
	held = rib.Paths(v4, nil)
	require.Len(t, held, 1)
	require.Equal(t, "10.0.1.0/24", held[0].NLRI.String())
	announce("10.0.1.0", 9, true)
	onePath("second withdrawal", "10.0.1.0/24", true, true)
	require.Empty(t, rib.Paths(v4, nil))
	require.Equal(t, 0, rib.Count(v4))
}

// handleUpdate reports the path each returned path replaced, aligned with
// the returned paths although a path rejected for an AS loop is left out
// of them; the hook reports no predecessor that was itself rejected.
func TestHandleUpdateReplaced(t *testing.T) {
	const localAS, peerAS = 64500, 21001
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
	p, info := newPeerandInfo(localAS, peerAS, "127.0.0.1", rib)
	require.Equal(t, uint32(localAS), p.fsm.peerInfo.LocalAS)
	msg := func(withdrawn []string, med uint32, asPath []uint32, nlri ...string) *fsmMsg {
		attrs := []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(0),
			bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, asPath)}),
			bgp.NewPathAttributeNextHop("45.1.0.1"),
			bgp.NewPathAttributeMultiExitDisc(med),
		}
		var n, w []*bgp.IPAddrPrefix
		for _, s := range nlri {
			n = append(n, bgp.NewIPAddrPrefix(24, s))
		}
		for _, s := range withdrawn {
			w = append(w, bgp.NewIPAddrPrefix(24, s))
		}
		if len(n) == 0 {
			attrs = nil
		}
		m := bgp.NewBGPUpdateMessage(w, attrs, n)
		return &fsmMsg{MsgType: fsmMsgBGPMessage, MsgData: m, PathList: table.ProcessMessage(m, info, time.Now()), timestamp: time.Now()}
	}
	prefixes := func(l []*table.Path) []string {
		var s []string
		for _, p := range l {
			s = append(s, p.GetNlri().String())
		}
		return s
	}
	clean, loop := []uint32{peerAS, 21010}, []uint32{peerAS, localAS, 21010}

	// new paths replace nothing
	e := msg(nil, 1, clean, "45.1.0.0", "45.2.0.0", "45.3.0.0")
	paths, replaced, _, n := p.handleUpdate(e, true)
	require.Nil(t, n)
	require.Equal(t, []string{"45.1.0.0/24", "45.2.0.0/24", "45.3.0.0/24"}, prefixes(paths))
	require.Equal(t, []*table.Path{nil, nil, nil}, replaced)
	first := e.PathList

	// 45.1 comes back with an AS loop: rejected, not returned; the
	// withdrawal of 45.2 and the new 45.4 are, each with its predecessor
	e = msg([]string{"45.2.0.0", "45.9.0.0"}, 2, loop, "45.1.0.0")
	e2 := msg(nil, 2, clean, "45.4.0.0", "45.3.0.0")
	e.PathList = append(e.PathList, e2.PathList...)
	require.Len(t, e.PathList, 5)
	var looped *table.Path
	for _, p := range e.PathList {
		if p.GetNlri().String() == "45.1.0.0/24" {
			looped = p
		}
	}
	paths, replaced, _, n = p.handleUpdate(e, true)
	require.Nil(t, n)
	require.Equal(t, []string{"45.2.0.0/24", "45.9.0.0/24", "45.4.0.0/24", "45.3.0.0/24"}, prefixes(paths))
	require.Len(t, replaced, 4)
	require.Same(t, first[1], replaced[0])
	require.Nil(t, replaced[1], "a withdrawal of a prefix never held")
	require.Nil(t, replaced[2])
	require.Same(t, first[2], replaced[3])
	require.True(t, looped.IsRejected())

	// 45.1 comes back clean: its predecessor is the rejected path, which
	// the hook does not report
	e = msg(nil, 3, clean, "45.1.0.0")
	paths, replaced, _, n = p.handleUpdate(e, true)
	require.Nil(t, n)
	require.Len(t, paths, 1)
	require.Same(t, looped, replaced[0])

	s := NewBgpServer()
	var got ReceivedPaths
	s.receivedPathsHook = func(r ReceivedPaths) { got = r }
	s.notifyReceivedPathsHook(p, paths, replaced, time.Now())
	require.Len(t, got.Paths, 1)
	require.False(t, got.Paths[0].Replaced)
	require.Nil(t, got.Paths[0].ReplacedAttrs)

	// without report, nothing is reported, and the table is updated alike
	e = msg(nil, 4, clean, "45.1.0.0")
	paths, replaced, _, n = p.handleUpdate(e, false)
	require.Nil(t, n)
	require.Len(t, paths, 1)
	require.Nil(t, replaced)
	held, ok := p.adjRibIn.LookupPath(bgp.NewIPAddrPrefix(24, "45.1.0.0"), 0)
	require.True(t, ok)
	med, _ := e.PathList[0].GetMed()
	require.Equal(t, uint32(4), med)
	require.Equal(t, e.PathList[0].SharedPathAttrs(), held.Attrs)
	s.notifyReceivedPathsHook(p, []*table.Path{e.PathList[0]}, []*table.Path{paths[0]}, time.Now())
	require.True(t, got.Paths[0].Replaced)
}
