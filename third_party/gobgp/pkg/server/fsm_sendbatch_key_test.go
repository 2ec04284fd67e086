package server

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
)

func keyTestPath(nlri bgp.AddrPrefixInterface) *table.Path {
	return table.NewPath(nil, nlri, false, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeNextHop("45.0.0.1"),
	}, time.Now(), false)
}

// Two paths share a key exactly when they share family, ADD-PATH
// identifier and NLRI text, which is what the key was before it stopped
// rendering the text.
func TestPathKeySameAsNLRIText(t *testing.T) {
	v4 := func(length uint8, ip net.IP) bgp.AddrPrefixInterface {
		n := bgp.NewIPAddrPrefix(length, "0.0.0.0")
		n.Prefix = ip
		return n
	}
	v6 := func(length uint8, ip net.IP) bgp.AddrPrefixInterface {
		n := bgp.NewIPv6AddrPrefix(length, "::")
		n.Prefix = ip
		return n
	}
	withID := func(n bgp.AddrPrefixInterface, id uint32) bgp.AddrPrefixInterface {
		n.SetPathLocalIdentifier(id)
		return n
	}
	nlris := []bgp.AddrPrefixInterface{
		v4(24, net.ParseIP("45.1.0.0").To4()),
		v4(24, net.ParseIP("45.1.0.0")), // 16-octet form of the same address
		v4(23, net.ParseIP("45.1.0.0").To4()),
		v4(24, net.ParseIP("45.1.1.0").To4()),
		v4(24, net.ParseIP("2a0a:4580::")), // not an IPv4 address: by text
		withID(v4(24, net.ParseIP("45.1.0.0").To4()), 7),
		v6(48, net.ParseIP("2a0a:4580:1::")),
		v6(47, net.ParseIP("2a0a:4580:1::")),
		v6(48, net.ParseIP("2a0a:4580:2::")),
		v6(96, net.ParseIP("::ffff:45.1.0.0")), // IPv4-mapped
		v6(96, net.ParseIP("45.1.0.0").To4()),  // 4 octets in an IPv6 NLRI: by text
		withID(v6(48, net.ParseIP("2a0a:4580:1::")), 7),
		bgp.NewLabeledIPAddrPrefix(24, "45.1.0.0", *bgp.NewMPLSLabelStack(100)),
		bgp.NewLabeledIPAddrPrefix(24, "45.1.0.0", *bgp.NewMPLSLabelStack(200)),
	}
	paths := make([]*table.Path, len(nlris))
	for i, n := range nlris {
		paths[i] = keyTestPath(n)
	}
	for i, a := range paths {
		for j, b := range paths {
			text := a.GetRouteFamily() == b.GetRouteFamily() &&
				a.GetNlri().PathLocalIdentifier() == b.GetNlri().PathLocalIdentifier() &&
				a.GetNlri().String() == b.GetNlri().String()
			assert.Equal(t, text, newPathKey(a) == newPathKey(b), "%d %s (%s) vs %d %s (%s)", i, a.GetNlri(), a.GetRouteFamily(), j, b.GetNlri(), b.GetRouteFamily())
		}
	}
	assert.Equal(t, newPathKey(paths[0]), newPathKey(paths[1]), "4- and 16-octet forms of one IPv4 prefix")
}

func coalesceTestBatch() []*fsmOutgoingMsg {
	var msgs []*fsmOutgoingMsg
	for i := 0; i < 512; i++ {
		msgs = append(msgs, &fsmOutgoingMsg{Paths: []*table.Path{batchTestPath(fmt.Sprintf("45.%d.%d.0/24", 1+i/256, i%256), 1, false)}})
		msgs = append(msgs, &fsmOutgoingMsg{Paths: []*table.Path{keyTestPath(bgp.NewIPv6AddrPrefix(48, fmt.Sprintf("2a0a:4580:%x::", i)))}})
	}
	return msgs
}

// Keying a unicast path allocates nothing (nlri.String() did, for every
// path toward every peer).
func TestCoalescePathsUnicastKeysDoNotAllocate(t *testing.T) {
	msgs := coalesceTestBatch()
	assert.Len(t, coalescePaths(msgs), 1024)
	allocs := testing.AllocsPerRun(10, func() { coalescePaths(msgs) })
	// the result slice and the map; before patch 18 also two strings per
	// path (measured: 2,054 for these 1,024 paths)
	t.Logf("%.0f allocations for 1,024 paths", allocs)
	assert.Less(t, allocs, 64.0)
}

// BenchmarkCoalescePaths1024: one send-loop batch of 512 IPv4 and 512
// IPv6 unicast paths.
func BenchmarkCoalescePaths1024(b *testing.B) {
	msgs := coalesceTestBatch()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		coalescePaths(msgs)
	}
}
