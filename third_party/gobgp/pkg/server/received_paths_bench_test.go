package server

import (
	"net"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// BenchmarkPrePolicyFeed is the cost per UPDATE (one path, as most
// UPDATEs of a full table with diverse attributes) of handing a peer's
// received paths to an embedding program, on both sides:
// watchevent is notifyPrePolicyUpdateWatcher on the server loop (path
// clone, toConfig with the received OPEN re-parsed) plus the conversion
// of each path to api.Path that WatchEvent's goroutine does; hook is the
// ReceivedPathsHook.
func BenchmarkPrePolicyFeed(b *testing.B) {
	s := NewBgpServer()
	go s.Serve()
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
	p, info := newPeerandInfo(64500, 21001, "127.0.0.1", rib)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			defer c.Close()
			time.Sleep(time.Minute)
		}
	}()
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	p.fsm.conn = conn
	p.fsm.state = bgp.BGP_FSM_ESTABLISHED
	p.fsm.recvOpen = bgp.NewBGPOpenMessage(21001, 90, "45.1.0.1", []bgp.OptionParameterInterface{
		bgp.NewOptionParameterCapability([]bgp.ParameterCapabilityInterface{
			bgp.NewCapMultiProtocol(bgp.RF_IPv4_UC), bgp.NewCapRouteRefresh(), bgp.NewCapFourOctetASNumber(21001)})})
	attrs := []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001, 21010, 21011})}),
		bgp.NewPathAttributeNextHop("45.1.0.1"),
		bgp.NewPathAttributeMultiExitDisc(50),
		bgp.NewPathAttributeCommunities([]uint32{21001<<16 | 7, 21001<<16 | 100, 0xFFFF0001}),
	}
	msg := bgp.NewBGPUpdateMessage(nil, attrs, []*bgp.IPAddrPrefix{bgp.NewIPAddrPrefix(24, "45.1.2.0")})
	paths := table.ProcessMessage(msg, info, time.Now())

	b.Run("watchevent", func(b *testing.B) {
		w := s.watch(watchUpdate(false, "", ""))
		defer w.Stop()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s.notifyPrePolicyUpdateWatcher(p, paths, msg, time.Now(), nil)
			ev := (<-w.Event()).(*watchEventUpdate)
			for _, path := range ev.PathList {
				_ = toPathApi(path, nil, false, false, false)
			}
		}
	})
	b.Run("hook", func(b *testing.B) {
		var got ReceivedPaths
		s.receivedPathsHook = func(r ReceivedPaths) { got = r }
		defer func() { s.receivedPathsHook = nil }()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s.notifyReceivedPathsHook(p, paths, nil, time.Now())
		}
		if len(got.Paths) != 1 || got.Paths[0].Attrs == nil {
			b.Fatalf("hook got %+v", got)
		}
	})
}
