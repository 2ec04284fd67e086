package server

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	api "github.com/osrg/gobgp/v3/api"
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
