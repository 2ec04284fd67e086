package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// addr31 is this file's block in the package's 127.10.0.0/16.
func addr31(host byte) string { return fmt.Sprintf("127.10.31.%d", host) }

// TestFeedQueueOrderAndNeverBlocks: push returns at once while the
// consumer is stuck, and the consumer gets every item in push order.
func TestFeedQueueOrderAndNeverBlocks(t *testing.T) {
	q := newFeedQueue()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	var mu sync.Mutex
	var got []uint32
	go q.run(ctx, func(r server.ReceivedPaths) {
		<-release
		mu.Lock()
		got = append(got, r.Paths[0].PathID)
		mu.Unlock()
	})
	const n = 20000
	done := make(chan struct{})
	go func() {
		for i := uint32(0); i < n; i++ {
			q.push(server.ReceivedPaths{Paths: []server.ReceivedPath{{PathID: i}}})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("push blocked behind a stuck consumer")
	}
	close(release)
	waitFor(t, 10*time.Second, "every item", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == n })
	for i, id := range got {
		if id != uint32(i) {
			t.Fatalf("item %d is %d: order lost", i, id)
		}
	}
}

// feedConfig: route server 127.10.31.1, one peer "a" at 127.10.31.2.
func feedConfig() string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "STATE"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.1.0.0/16+"]
`, addr31(1), addr31(2))
}

// feedServer is a route server with one peer, not started: the feed is
// driven by hand.
func feedServer(t *testing.T) *Server {
	t.Helper()
	cfg, err := config.Parse([]byte(feedConfig()), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg, Options{Logger: testLogger()})
	s.feed = newFeedQueue()
	return s
}

func received(prefix string, withdraw bool) server.ReceivedPath {
	p := mustPrefix(prefix)
	rp := server.ReceivedPath{NLRI: bgp.NewIPAddrPrefix(uint8(p.Bits()), p.Addr().String()), Withdraw: withdraw}
	if !withdraw {
		rp.Attrs = []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0),
			bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
			bgp.NewPathAttributeNextHop(addr31(2))}
	}
	return rp
}

// TestFeedSessionEndOrderedWithPaths: GoBGP reports a session's paths,
// its end and the next session's paths in one sequence; however late the
// peer-state watch reports the session down (before, between or after
// the feed's items), the store ends with exactly the next session's
// routes: the old session's late paths are dropped, the new session's
// kept. The routes are outside the peer's prefixes: the store keeps the
// rejected ones (the accepted ones are read from GoBGP's Adj-RIB-In,
// which this hand-driven feed has none of).
func TestFeedSessionEndOrderedWithPaths(t *testing.T) {
	from := netip.MustParseAddr(addr31(2))
	down := &api.WatchEventResponse_PeerEvent{Type: api.WatchEventResponse_PeerEvent_STATE, Peer: &api.Peer{
		State: &api.PeerState{NeighborAddress: addr31(2), SessionState: api.PeerState_IDLE}}}
	up := &api.WatchEventResponse_PeerEvent{Type: api.WatchEventResponse_PeerEvent_STATE, Peer: &api.Peer{
		State: &api.PeerState{NeighborAddress: addr31(2), SessionState: api.PeerState_ESTABLISHED}}}
	feed := []server.ReceivedPaths{
		{PeerAddress: from, SessionStarted: true},
		{PeerAddress: from, Paths: []server.ReceivedPath{received("45.9.1.0/24", false), received("45.9.2.0/24", false)}},
		{PeerAddress: from, Paths: []server.ReceivedPath{received("45.9.2.0/24", true)}},
		{PeerAddress: from, Paths: []server.ReceivedPath{received("45.9.4.0/24", false)}}, // late, old session
		{PeerAddress: from, SessionEnded: true},
		{PeerAddress: from, SessionStarted: true},
		{PeerAddress: from, Paths: []server.ReceivedPath{received("45.9.3.0/24", false)}}, // next session
	}
	for at := 0; at <= len(feed); at++ {
		t.Run(fmt.Sprintf("down reported before item %d", at), func(t *testing.T) {
			s := feedServer(t)
			s.onPeerEvent(up)
			for i, r := range feed {
				if i == at {
					s.onPeerEvent(down)
					s.onPeerEvent(up)
				}
				s.onReceived(r)
			}
			if at == len(feed) {
				s.onPeerEvent(down)
				s.onPeerEvent(up)
			}
			if c := s.Store().Counts("a"); c.Received != 1 || c.Rejected != 1 {
				t.Errorf("store holds %d routes of a, want 1 (%+v)", c.Received, c)
			}
			if e, ok := s.Store().Get("a", routestoreKey(mustPrefix("45.9.3.0/24"))); !ok || !e.Verdict.Has(filters.ReasonPrefixNotRegistered) {
				t.Errorf("next session's route: %v %+v", ok, e.Verdict)
			}
		})
	}
}

// TestFeedLive: over the wire, an announcement then a withdrawal of the
// same prefix in two UPDATEs end withdrawn; a closed session's routes
// leave the store; the next session's routes are stored.
func TestFeedLive(t *testing.T) {
	rs := startRS(t, feedConfig(), nil)
	ctx := context.Background()
	dial := func() *RawPeer {
		// after a reset GoBGP refuses connections until its idle hold
		// time has passed
		deadline := time.Now().Add(60 * time.Second)
		for {
			a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr31(2), Address: addr31(2), RSAddr: addr31(1), RSPort: 179, RSASN: 21000})
			if err == nil {
				return a
			}
			if !handshakeReset(err) || time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(time.Second)
		}
	}
	a := dial()
	nh := addr31(2)
	for i := 0; i < 50; i++ {
		p := fmt.Sprintf("45.1.%d.0/24", i)
		if err := a.Announce(route(p, nh, 21001)); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			if err := a.Withdraw(mustPrefix(p)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.Announce(route("45.1.200.0/24", nh, 21001)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the last announcement", func() bool {
		_, ok := rs.Store().Get("a", routestoreKey(mustPrefix("45.1.200.0/24")))
		return ok
	})
	if c := rs.Store().Counts("a"); c.Received != 26 || c.Accepted != 26 {
		t.Errorf("after 51 announcements and 25 withdrawals: %+v, want 26 received and accepted", c)
	}
	a.Close()
	waitFor(t, 30*time.Second, "the closed session's routes to leave the store", func() bool { return rs.Store().Counts("a").Received == 0 })
	a = dial()
	defer a.Close()
	if err := a.Announce(route("45.1.201.0/24", nh, 21001)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the next session's route", func() bool { return rs.Store().Counts("a").Accepted == 1 })
	time.Sleep(300 * time.Millisecond)
	if c := rs.Store().Counts("a"); c.Received != 1 {
		t.Errorf("next session: %+v, want only its own route", c)
	}
	if _, ok := rs.Store().Get("a", routestoreKey(mustPrefix("45.1.201.0/24"))); !ok {
		t.Error("next session's route missing")
	}
}

// orderSink records what the monitors are told, in order.
type orderSink struct{ got []string }

func (o *orderSink) path(mp monitoredPath) {
	o.got = append(o.got, fmt.Sprintf("path %s withdraw=%v", mp.Path.NLRI, mp.Withdraw))
}
func (o *orderSink) session(ps peerSession) {
	o.got = append(o.got, fmt.Sprintf("session up=%v", ps.Up))
}

// TestFeedMonitorsSessionEndAfterLatePaths: BMP and MRT hear of a
// session's end after its late paths, however early the peer-state watch
// reports it, and a session they were not told of (none started in the
// feed) gets no Peer Down.
func TestFeedMonitorsSessionEndAfterLatePaths(t *testing.T) {
	s := feedServer(t)
	sink := &orderSink{}
	s.mon.add("test", sink)
	from := netip.MustParseAddr(addr31(2))
	s.feed.monitoredUp[from] = "45.1.0.1" // as onSessionStarted leaves it
	s.onPeerEvent(&api.WatchEventResponse_PeerEvent{Type: api.WatchEventResponse_PeerEvent_STATE, Peer: &api.Peer{
		State: &api.PeerState{NeighborAddress: addr31(2), SessionState: api.PeerState_IDLE}}})
	s.onReceived(server.ReceivedPaths{PeerAddress: from, Paths: []server.ReceivedPath{received("45.1.1.0/24", false), received("45.1.2.0/24", true)}})
	s.onReceived(server.ReceivedPaths{PeerAddress: from, SessionEnded: true})
	s.onReceived(server.ReceivedPaths{PeerAddress: from, SessionEnded: true}) // not told of a start
	want := []string{"path 45.1.1.0/24 withdraw=false", "path 45.1.2.0/24 withdraw=true", "session up=false"}
	if fmt.Sprint(sink.got) != fmt.Sprint(want) {
		t.Errorf("monitors got %q, want %q", sink.got, want)
	}
}
