package server

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newRouteServerClient is an Established route-server client with
// secondary routes, as a route server's clients are.
func newRouteServerClient(t testing.TB, myAs, as uint32, address string, rib *table.TableManager) (*peer, *table.PeerInfo) {
	t.Helper()
	nConf := &oc.Neighbor{Config: oc.NeighborConfig{PeerAs: as, NeighborAddress: address},
		RouteServer: oc.RouteServer{Config: oc.RouteServerConfig{RouteServerClient: true, SecondaryRoute: true}}}
	gConf := &oc.Global{Config: oc.GlobalConfig{As: myAs, RouterId: "45.0.0.254"}}
	require.NoError(t, oc.SetDefaultNeighborConfigValues(nConf, nil, gConf))
	policy := table.NewRoutingPolicy(logger)
	p := newPeer(gConf, nConf, rib, policy, logger)
	// the route server's default export action: accept
	require.NoError(t, policy.Reset(&oc.RoutingPolicy{}, map[string]oc.ApplyPolicy{p.TableID(): {
		Config: oc.ApplyPolicyConfig{DefaultExportPolicy: oc.DEFAULT_POLICY_TYPE_ACCEPT_ROUTE, DefaultImportPolicy: oc.DEFAULT_POLICY_TYPE_ACCEPT_ROUTE}}}))
	p.fsm.peerInfo.ID = net.ParseIP(address)
	p.fsm.state = bgp.BGP_FSM_ESTABLISHED
	for _, f := range rib.GetRFlist() {
		p.fsm.rfMap[f] = bgp.BGP_ADD_PATH_NONE
	}
	return p, &table.PeerInfo{AS: as, Address: net.ParseIP(address), ID: net.ParseIP(address)}
}

func exportFanoutFixture(t testing.TB, n int) (*BgpServer, *peer, *table.Path, []*table.Update) {
	t.Helper()
	s := NewBgpServer(LoggerOption(logger))
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
	_, srcInfo := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
	dst, _ := newRouteServerClient(t, 21000, 21002, "45.0.0.2", rib)
	var dsts []*table.Update
	var last *table.Path
	for i := 0; i < n; i++ {
		attrs := []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(0),
			bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
			bgp.NewPathAttributeNextHop("45.0.0.1"),
			bgp.NewPathAttributeCommunities([]uint32{21001<<16 | uint32(i)}),
		}
		last = table.NewPath(srcInfo, bgp.NewIPAddrPrefix(24, fmt.Sprintf("45.%d.%d.0", 1+i/256, i%256)), false, attrs, time.Now(), false)
		dsts = append(dsts, rib.Update(last)...)
	}
	return s, dst, last, dsts
}

// Every path of the fan-out reaches the client unchanged (route-server
// client: AS_PATH and NEXT_HOP untouched), and filtering them costs no
// per-path allocation beyond what sending needs: v3.37.0 allocated a
// PolicyOptions and a bound roaTable.Validate for every path and peer.
func TestSendSecondaryRoutesFanout(t *testing.T) {
	const n = 200
	s, dst, newPath, dsts := exportFanoutFixture(t, n)
	out := s.sendSecondaryRoutes(dst, newPath, dsts)
	require.Len(t, out, n)
	for i, p := range out {
		assert.False(t, p.IsWithdraw)
		assert.Equal(t, fmt.Sprintf("45.%d.%d.0/24", 1+i/256, i%256), p.GetNlri().String())
		assert.Equal(t, []uint32{21001}, p.GetAsList())
		assert.Equal(t, "45.0.0.1", p.GetNexthop().String())
		assert.Equal(t, []uint32{21001<<16 | uint32(i)}, p.GetCommunities())
	}

	// a client that comes up is sent the table without a new path
	// (getBestFromLocal): the same paths
	require.Len(t, s.sendSecondaryRoutes(dst, nil, dsts), n)
	require.Empty(t, s.sendSecondaryRoutes(dst, nil, nil))

	perPath := testing.AllocsPerRun(20, func() {
		s.sendSecondaryRoutes(dst, newPath, dsts)
	}) / n
	// v3.37.0 made 3 per path (measured 3.005): the PolicyOptions, the
	// bound roaTable.Validate and IsLLGRStale's copy of the communities.
	t.Logf("%.3f allocations per path", perPath)
	assert.Less(t, perPath, 0.5)
}

// BenchmarkSendSecondaryRoutes: one route-server client's share of the
// fan-out of 200 paths (no export policy: the filtering around it).
func BenchmarkSendSecondaryRoutes(b *testing.B) {
	s, dst, newPath, dsts := exportFanoutFixture(b, 200)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(s.sendSecondaryRoutes(dst, newPath, dsts)) != 200 {
			b.Fatal("paths lost")
		}
	}
}

// A path from the receiving client itself is not sent back, and a
// withdrawn best path is withdrawn; the reused PolicyOptions must not
// leak one path's state into the next.
func TestSendSecondaryRoutesWithdrawAndOwnPath(t *testing.T) {
	s := NewBgpServer(LoggerOption(logger))
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
	_, srcInfo := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
	dst, dstInfo := newRouteServerClient(t, 21000, 21002, "45.0.0.2", rib)
	mk := func(info *table.PeerInfo, prefix, nexthop string, as uint32) *table.Path {
		return table.NewPath(info, bgp.NewIPAddrPrefix(24, prefix), false, []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(0),
			bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{as})}),
			bgp.NewPathAttributeNextHop(nexthop),
		}, time.Now(), false)
	}
	a := mk(srcInfo, "45.1.0.0", "45.0.0.1", 21001)
	own := mk(dstInfo, "45.2.0.0", "45.0.0.2", 21002)
	var dsts []*table.Update
	dsts = append(dsts, rib.Update(a)...)
	dsts = append(dsts, rib.Update(own)...)
	out := s.sendSecondaryRoutes(dst, own, dsts)
	require.Len(t, out, 1)
	assert.Equal(t, "45.1.0.0/24", out[0].GetNlri().String())
	assert.Equal(t, "45.0.0.1", out[0].GetNexthop().String())

	out = s.sendSecondaryRoutes(dst, a, rib.Update(a.Clone(true)))
	require.Len(t, out, 1)
	assert.True(t, out[0].IsWithdraw)
	assert.Equal(t, "45.1.0.0/24", out[0].GetNlri().String())
}

// propagateFacts answers what isRouteServerClient, isSecondaryRouteEnabled,
// the VRF family mapping and isAddPathSendEnabled answered one by one.
func TestPropagateFacts(t *testing.T) {
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC, bgp.RF_IPv4_VPN})
	rs, _ := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
	plain, _ := newPeerandInfo(21000, 21002, "45.0.0.2", rib)
	vrf, _ := newPeerandInfo(21000, 21003, "45.0.0.3", rib)
	vrf.fsm.pConf.Config.Vrf = "red"
	vrf.fsm.rfMap[bgp.RF_IPv4_UC] = bgp.BGP_ADD_PATH_SEND
	noSecondary, _ := newRouteServerClient(t, 21000, 21004, "45.0.0.4", rib)
	noSecondary.fsm.pConf.RouteServer.Config.SecondaryRoute = false
	noSecondary.fsm.rfMap[bgp.RF_IPv4_UC] = bgp.BGP_ADD_PATH_RECEIVE
	for _, tc := range []struct {
		name   string
		peer   *peer
		family bgp.RouteFamily
		want   propagateFacts
	}{
		{"route-server client", rs, bgp.RF_IPv4_UC, propagateFacts{routeServerClient: true, secondaryRoute: true, family: bgp.RF_IPv4_UC}},
		{"plain eBGP", plain, bgp.RF_IPv4_UC, propagateFacts{family: bgp.RF_IPv4_UC}},
		{"VRF maps VPN to unicast, ADD-PATH send", vrf, bgp.RF_IPv4_VPN, propagateFacts{family: bgp.RF_IPv4_UC, addPathSend: true}},
		{"VRF keeps unicast", vrf, bgp.RF_IPv4_UC, propagateFacts{family: bgp.RF_IPv4_UC, addPathSend: true}},
		{"no secondary routes, ADD-PATH receive only", noSecondary, bgp.RF_IPv4_UC, propagateFacts{routeServerClient: true, family: bgp.RF_IPv4_UC}},
		{"family not negotiated", rs, bgp.RF_IPv6_UC, propagateFacts{routeServerClient: true, secondaryRoute: true, family: bgp.RF_IPv6_UC}},
	} {
		got := tc.peer.propagateFacts(tc.family)
		// the export facts come with it for secondary-route clients only
		if got.secondaryRoute {
			assert.Equal(t, tc.peer.exportFacts(tc.family), got.export, tc.name)
		} else {
			assert.Zero(t, got.export, tc.name)
		}
		got.export = exportFacts{}
		assert.Equal(t, tc.want, got, tc.name)
		assert.Equal(t, tc.peer.isRouteServerClient(), got.routeServerClient, tc.name)
		assert.Equal(t, tc.peer.isSecondaryRouteEnabled(), got.secondaryRoute, tc.name)
		assert.Equal(t, tc.peer.isAddPathSendEnabled(got.family), got.addPathSend, tc.name)
		f := tc.peer.filterFacts(tc.family)
		assert.Equal(t, tc.peer.isRouteServerClient(), f.routeServerClient, tc.name)
		assert.Equal(t, tc.peer.isIBGPPeer(), f.ibgp, tc.name)
		assert.Equal(t, tc.peer.isIBGPPeer() || tc.peer.isRouteServerClient(), tc.peer.isIBGPPeerOrRouteServerClient(), tc.name)
	}
}

// exportFacts reads, under one lock, what the export path's separate
// questions read: each field against its own getter.
func TestExportFacts(t *testing.T) {
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC, bgp.RF_IPv4_VPN})
	rs, _ := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
	ibgp, _ := newPeerandInfo(21000, 21000, "45.0.0.2", rib)
	ibgp.fsm.pConf.State.PeerType = oc.PEER_TYPE_INTERNAL
	ibgp.fsm.peerInfo.ID = net.ParseIP("45.0.0.2")
	vrf, _ := newPeerandInfo(21000, 21003, "45.0.0.3", rib)
	vrf.fsm.pConf.Config.Vrf = "red"
	vrf.fsm.rfMap[bgp.RF_IPv4_VPN] = bgp.BGP_ADD_PATH_NONE
	vrf.fsm.pConf.AsPathOptions.State.ReplacePeerAs = true
	vrf.fsm.pConf.Config.LocalAs = 21000
	restarting, _ := newRouteServerClient(t, 21000, 21004, "45.0.0.4", rib)
	restarting.fsm.pConf.GracefulRestart.State.LocalRestarting = true
	down, _ := newRouteServerClient(t, 21000, 21005, "45.0.0.5", rib)
	down.fsm.state = bgp.BGP_FSM_ACTIVE
	for _, tc := range []struct {
		name      string
		peer      *peer
		family    bgp.RouteFamily
		advertise bool
	}{
		{"route-server client", rs, bgp.RF_IPv4_UC, true},
		{"route-server client, family not negotiated", rs, bgp.RF_IPv6_UC, true},
		{"iBGP", ibgp, bgp.RF_IPv4_UC, true},
		{"VRF with replace-peer-as", vrf, bgp.RF_IPv4_VPN, true},
		{"locally restarting", restarting, bgp.RF_IPv4_UC, false},
		{"not established", down, bgp.RF_IPv4_UC, false},
	} {
		p := tc.peer
		if tc.advertise {
			p.fsm.state = bgp.BGP_FSM_ESTABLISHED
		}
		ef := p.exportFacts(tc.family)
		assert.Equal(t, tc.family, ef.family, tc.name)
		assert.Equal(t, p.filterFacts(tc.family), ef.filter, tc.name)
		assert.Equal(t, needToAdvertise(p), advertiseWith(p, ef.established, ef.localRestarting), tc.name)
		assert.Equal(t, tc.advertise, advertiseWith(p, ef.established, ef.localRestarting), tc.name)
		assert.Equal(t, p.fsm.pConf.Config.Vrf, ef.vrf, tc.name)
		assert.Equal(t, p.fsm.pConf.AsPathOptions.State.ReplacePeerAs, ef.replacePeerAs, tc.name)
		assert.Equal(t, p.fsm.pConf.Config.LocalAs, ef.localAs, tc.name)
		assert.Equal(t, p.fsm.pConf.Config.PeerAs, ef.peerAs, tc.name)
		assert.Equal(t, p.routerID(), ef.routerID, tc.name)
		assert.Equal(t, p.isIBGPPeerOrRouteServerClient(), ef.ibgpOrRSClient, tc.name)
		// facts for another family are read afresh
		assert.Equal(t, p.filterFacts(bgp.RF_IPv6_UC), p.filterFactsFor(&ef, bgp.RF_IPv6_UC), tc.name)
	}
	// vrf: the only replace-peer-as, VRF and non-route-server eBGP case
	assert.True(t, vrf.exportFacts(bgp.RF_IPv4_VPN).replacePeerAs)
	assert.False(t, vrf.exportFacts(bgp.RF_IPv4_VPN).ibgpOrRSClient)
	assert.True(t, ibgp.exportFacts(bgp.RF_IPv4_UC).ibgpOrRSClient)
}
