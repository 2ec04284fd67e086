package server

import (
	"net"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportSlotSet(t *testing.T) {
	var s exportSlotSet
	for want := 1; want <= table.ExportSlots; want++ {
		require.Equal(t, want, s.take())
	}
	assert.Equal(t, 0, s.take(), "no slot once all are taken")
	s.free(7)
	s.free(0)                     // no slot: nothing to free
	s.free(table.ExportSlots + 1) // out of range: ignored
	assert.Equal(t, 7, s.take(), "a freed slot is handed out again")
	assert.Equal(t, 0, s.take())
}

// setExportDefault replaces the default export action of the clients'
// policies (the tests' clients share one RoutingPolicy each).
func setExportDefault(t *testing.T, p *peer, d oc.DefaultPolicyType) {
	t.Helper()
	require.NoError(t, p.policy.Reset(&oc.RoutingPolicy{}, map[string]oc.ApplyPolicy{p.TableID(): {
		Config: oc.ApplyPolicyConfig{DefaultExportPolicy: d, DefaultImportPolicy: oc.DEFAULT_POLICY_TYPE_ACCEPT_ROUTE}}}))
}

// TestWithdrawalFollowsWhatWasSent: a client whose export policy
// accepted a route gets its withdrawal even if its policy now rejects
// the route (v3.37.0 ran the policy again over the old path and sent
// nothing, leaving the route at the client); a client that had no slot
// is filtered as before. IPv4 and IPv6 routes alike.
func TestWithdrawalFollowsWhatWasSent(t *testing.T) {
	for _, tc := range []struct {
		family bgp.RouteFamily
		nlri   bgp.AddrPrefixInterface
		hop    bgp.PathAttributeInterface
		want   string
	}{
		{bgp.RF_IPv4_UC, bgp.NewIPAddrPrefix(24, "45.1.0.0"), bgp.NewPathAttributeNextHop("45.0.0.1"), "45.1.0.0/24"},
		{bgp.RF_IPv6_UC, bgp.NewIPv6AddrPrefix(48, "2a0a:4580:1::"),
			bgp.NewPathAttributeMpReachNLRI("2a0a:4580::1", []bgp.AddrPrefixInterface{bgp.NewIPv6AddrPrefix(48, "2a0a:4580:1::")}), "2a0a:4580:1::/48"},
	} {
		t.Run(tc.family.String(), func(t *testing.T) {
			s := NewBgpServer(LoggerOption(logger))
			rib := table.NewTableManager(logger, []bgp.RouteFamily{tc.family})
			_, srcInfo := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
			withSlot, _ := newRouteServerClient(t, 21000, 21002, "45.0.0.2", rib)
			noSlot, _ := newRouteServerClient(t, 21000, 21003, "45.0.0.3", rib)
			s.giveExportSlot(withSlot)
			require.Equal(t, 1, withSlot.exportSlot)

			a := table.NewPath(srcInfo, tc.nlri, false, []bgp.PathAttributeInterface{
				bgp.NewPathAttributeOrigin(0),
				bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
				tc.hop,
			}, time.Now(), false)
			announce := rib.Update(a)
			for _, c := range []*peer{withSlot, noSlot} {
				out := s.sendSecondaryRoutes(c, a, announce)
				require.Len(t, out, 1)
				require.False(t, out[0].IsWithdraw)
			}
			assert.True(t, a.ExportedTo(withSlot.exportSlot))

			for _, c := range []*peer{withSlot, noSlot} {
				setExportDefault(t, c, oc.DEFAULT_POLICY_TYPE_REJECT_ROUTE)
			}
			withdraw := rib.Update(a.Clone(true))
			out := s.sendSecondaryRoutes(withSlot, a, withdraw)
			require.Len(t, out, 1, "the client holds the route: it must be withdrawn")
			assert.True(t, out[0].IsWithdraw)
			assert.Equal(t, tc.want, out[0].GetNlri().String())
			assert.Empty(t, s.sendSecondaryRoutes(noSlot, a, withdraw), "without a slot the old path is filtered again, as in v3.37.0")

			s.returnExportSlot(withSlot)
			assert.Zero(t, withSlot.exportSlot)
			assert.Equal(t, 1, s.exportSlots.take(), "the slot is free again")
		})
	}
}

// TestExportMemoFollowsLastFiltering: a rejection clears the client's
// bit, so a later withdrawal is decided by the policy again.
func TestExportMemoFollowsLastFiltering(t *testing.T) {
	s := NewBgpServer(LoggerOption(logger))
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
	_, srcInfo := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
	c, _ := newRouteServerClient(t, 21000, 21002, "45.0.0.2", rib)
	s.giveExportSlot(c)
	setExportDefault(t, c, oc.DEFAULT_POLICY_TYPE_REJECT_ROUTE)

	a := table.NewPath(srcInfo, bgp.NewIPAddrPrefix(24, "45.2.0.0"), false, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
		bgp.NewPathAttributeNextHop("45.0.0.1"),
	}, time.Now(), false)
	assert.Empty(t, s.sendSecondaryRoutes(c, a, rib.Update(a)))
	assert.False(t, a.ExportedTo(c.exportSlot))
	assert.Empty(t, s.sendSecondaryRoutes(c, a, rib.Update(a.Clone(true))), "never sent, still rejected: nothing to withdraw")
}

// TestSendSecondaryRoutesCallAllocatesOnlyItsResult: a call filtering
// one path for one client (at a route server, one per client and
// received UPDATE of one route) allocates its result list and nothing
// else: the PolicyOptions and the bound Validate are the server's
// (v3.37.0 and patch 17 allocated both per call: 299 MB and 64 MB of
// rsguard's large-size run).
func TestSendSecondaryRoutesCallAllocatesOnlyItsResult(t *testing.T) {
	s, dst, newPath, dsts := exportFanoutFixture(t, 1)
	require.Len(t, s.sendSecondaryRoutes(dst, newPath, dsts), 1)
	allocs := testing.AllocsPerRun(200, func() {
		s.sendSecondaryRoutes(dst, newPath, dsts)
	})
	assert.LessOrEqual(t, allocs, 1.0)
}

// TestPolicyOptionsRenewedPerPath: the server's export PolicyOptions
// carries no path's next hop into the next path's filtering.
func TestPolicyOptionsRenewedPerPath(t *testing.T) {
	s, dst, _, _ := exportFanoutFixture(t, 1)
	s.exportOptions.OldNextHop = net.ParseIP("45.9.9.9")
	s.exportOptions.Validate = func(*table.Path) *table.Validation { return nil }
	rib := dst.localRib
	_, srcInfo := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
	p := table.NewPath(srcInfo, bgp.NewIPAddrPrefix(24, "45.3.0.0"), false, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
		bgp.NewPathAttributeNextHop("45.0.0.7"),
	}, time.Now(), false)
	ef := dst.exportFacts(bgp.RF_IPv4_UC)
	_, stop := s.prePolicyFilterpathWith(dst, &ef, p, nil, &s.exportOptions)
	require.False(t, stop)
	assert.Equal(t, "45.0.0.7", s.exportOptions.OldNextHop.String())
	assert.Nil(t, s.exportOptions.Validate, "set by the caller for each path")
	assert.Same(t, dst.fsm.peerInfo, s.exportOptions.Info)
}
