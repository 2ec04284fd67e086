package table

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// packAttrsFixture is n /24s decoded from one UPDATE (one attribute list),
// one more route with equal attributes decoded from another UPDATE, and a
// clone of the first route whose communities were changed by policy.
func packAttrsFixture(t testing.TB, n int) (shared []*Path, twin, changed *Path) {
	t.Helper()
	attrs := func() []bgp.PathAttributeInterface {
		return []bgp.PathAttributeInterface{
			bgp.NewPathAttributeOrigin(0),
			bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
			bgp.NewPathAttributeNextHop("45.0.0.1"),
			bgp.NewPathAttributeCommunities([]uint32{21001<<16 | 1}),
		}
	}
	nlris := make([]*bgp.IPAddrPrefix, n)
	for i := range nlris {
		nlris[i] = bgp.NewIPAddrPrefix(24, fmt.Sprintf("45.%d.%d.0", 1+i/256, i%256))
	}
	shared = ProcessMessage(bgp.NewBGPUpdateMessage(nil, attrs(), nlris), peerR1(), time.Now())
	require.Len(t, shared, n)
	twin = ProcessMessage(bgp.NewBGPUpdateMessage(nil, attrs(), []*bgp.IPAddrPrefix{bgp.NewIPAddrPrefix(24, "46.0.0.0")}), peerR1(), time.Now())[0]
	changed = shared[0].Clone(false)
	changed.SetCommunities([]uint32{21001<<16 | 2}, true)
	return shared, twin, changed
}

// sentNLRIs maps each UPDATE's communities to the prefixes it carries.
func sentNLRIs(t *testing.T, msgs []*bgp.BGPMessage) map[string][]string {
	out := map[string][]string{}
	for _, m := range msgs {
		u := m.Body.(*bgp.BGPUpdate)
		comm := ""
		for _, a := range u.PathAttributes {
			if c, ok := a.(*bgp.PathAttributeCommunities); ok {
				comm = fmt.Sprint(c.Value)
			}
		}
		for _, n := range u.NLRI {
			out[comm] = append(out[comm], n.String())
		}
	}
	for _, l := range out {
		sort.Strings(l)
	}
	return out
}

// Paths with one attribute list share an UPDATE, so does a path with equal
// attributes from another list, and a clone with changed attributes gets
// its own, with its own communities.
func TestPackerGroupsByAttributeList(t *testing.T) {
	shared, twin, changed := packAttrsFixture(t, 100)
	paths := append(append([]*Path{}, shared...), twin, changed)
	msgs := CreateUpdateMsgFromPaths(paths)
	require.Len(t, msgs, 2)
	got := sentNLRIs(t, msgs)
	var want []string
	for _, p := range append(shared, twin) {
		want = append(want, p.GetNlri().String())
	}
	sort.Strings(want)
	assert.Equal(t, want, got[fmt.Sprint([]uint32{21001<<16 | 1})])
	assert.Equal(t, []string{"45.1.0.0/24"}, got[fmt.Sprint([]uint32{21001<<16 | 2})])

	// the changed clone first: it must not draw the others into its cage
	msgs = CreateUpdateMsgFromPaths(append([]*Path{changed}, shared...))
	got = sentNLRIs(t, msgs)
	assert.Len(t, got[fmt.Sprint([]uint32{21001<<16 | 1})], 100)
	assert.Equal(t, []string{"45.1.0.0/24"}, got[fmt.Sprint([]uint32{21001<<16 | 2})])
}

func TestAttrsOwner(t *testing.T) {
	shared, twin, changed := packAttrsFixture(t, 2)
	plain := shared[1].Clone(false)
	withdrawn := shared[1].Clone(true)
	deleted := shared[1].Clone(false)
	deleted.delPathAttr(bgp.BGP_ATTR_TYPE_COMMUNITIES)
	assert.Same(t, shared[0], shared[0].attrsOwner())
	assert.Same(t, shared[1], plain.attrsOwner())
	assert.Same(t, shared[1], withdrawn.attrsOwner())
	assert.Nil(t, changed.attrsOwner())
	assert.Nil(t, deleted.attrsOwner())
	assert.True(t, sameAttrList(shared[0], shared[1]))
	assert.True(t, sameAttrList(shared[0], plain))
	assert.False(t, sameAttrList(shared[0], twin), "equal attributes, another list")
	assert.False(t, sameAttrList(shared[0], changed))
	assert.False(t, sameAttrList(shared[0], deleted))
}

// Adding a path whose attribute list a cage already has serialises
// nothing: v3.37.0 serialised every attribute of every path for every
// peer (several allocations per path).
func TestPackerAddSharedListDoesNotAllocate(t *testing.T) {
	shared, _, _ := packAttrsFixture(t, 200)
	allocs := testing.AllocsPerRun(20, func() {
		p := newPackerV4(bgp.RF_IPv4_UC)
		for _, path := range shared {
			p.add(path)
		}
	}) / float64(len(shared))
	t.Logf("%.3f allocations per path", allocs)
	assert.Less(t, allocs, 0.5)
}
