package server

import (
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWithdrawalSharedBetweenClients: the withdrawal of one route toward
// several route-server clients is one object (v3.37.0 cloned it for each),
// still a withdrawal of the right prefix; another route gets its own.
func TestWithdrawalSharedBetweenClients(t *testing.T) {
	s := NewBgpServer(LoggerOption(logger))
	rib := table.NewTableManager(logger, []bgp.RouteFamily{bgp.RF_IPv4_UC})
	_, srcInfo := newRouteServerClient(t, 21000, 21001, "45.0.0.1", rib)
	c2, _ := newRouteServerClient(t, 21000, 21002, "45.0.0.2", rib)
	c3, _ := newRouteServerClient(t, 21000, 21003, "45.0.0.3", rib)
	mk := func(prefix string) *table.Path {
		return table.NewPath(srcInfo, bgp.NewIPAddrPrefix(24, prefix), false, []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(0),
			bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
			bgp.NewPathAttributeNextHop("45.0.0.1"),
		}, time.Now(), false)
	}
	a, b := mk("45.1.0.0"), mk("45.2.0.0")
	rib.Update(a)
	rib.Update(b)

	withdrawA := rib.Update(a.Clone(true))
	out2 := s.sendSecondaryRoutes(c2, a, withdrawA)
	out3 := s.sendSecondaryRoutes(c3, a, withdrawA)
	require.Len(t, out2, 1)
	require.Len(t, out3, 1)
	assert.Same(t, out2[0], out3[0], "one withdrawal object for both clients")
	assert.True(t, out3[0].IsWithdraw)
	assert.Equal(t, "45.1.0.0/24", out3[0].GetNlri().String())

	outB := s.sendSecondaryRoutes(c2, b, rib.Update(b.Clone(true)))
	require.Len(t, outB, 1)
	assert.NotSame(t, out2[0], outB[0])
	assert.True(t, outB[0].IsWithdraw)
	assert.Equal(t, "45.2.0.0/24", outB[0].GetNlri().String())
}
