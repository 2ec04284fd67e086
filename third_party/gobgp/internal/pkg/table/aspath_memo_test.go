package table

import (
	"net"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func memoTestPath(t testing.TB, prefix string, asPath *bgp.PathAttributeAsPath) *Path {
	t.Helper()
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), bgp.NewPathAttributeNextHop("45.0.0.1")}
	if asPath != nil {
		attrs = append(attrs, asPath)
	}
	p := NewPath(&PeerInfo{AS: 21001}, bgp.NewIPAddrPrefix(24, prefix), false, attrs, time.Now(), false)
	require.NotNil(t, p)
	return p
}

func seqPath(asns ...uint32) *bgp.PathAttributeAsPath {
	return bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, asns)})
}

func asPathCondition(t testing.TB, patterns ...string) *AsPathCondition {
	t.Helper()
	s, err := NewAsPathSet(oc.AsPathSet{AsPathSetName: "s", AsPathList: patterns})
	require.NoError(t, err)
	c, err := NewAsPathCondition(oc.MatchAsPathSet{AsPathSet: "s", MatchSetOptions: oc.MATCH_SET_OPTIONS_TYPE_ANY})
	require.NoError(t, err)
	c.set = s
	return c
}

// TestASPathMemoAnswersAsBefore: with one PolicyOptions over paths with
// shared, different, mixed-segment and missing AS_PATHs in turn, every
// condition answers as it does without options (no memo).
func TestASPathMemoAnswersAsBefore(t *testing.T) {
	shared := seqPath(21001, 21002)
	withSet := bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{
		bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001}),
		bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SET, []uint32{21005, 21006}),
	})
	twoOctet := bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAsPathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint16{21003, 21002})})
	paths := []*Path{
		memoTestPath(t, "45.1.0.0", shared),
		memoTestPath(t, "45.2.0.0", shared),
		memoTestPath(t, "45.3.0.0", seqPath(21003)),
		memoTestPath(t, "45.4.0.0", withSet),
		memoTestPath(t, "45.5.0.0", nil),
		memoTestPath(t, "45.6.0.0", twoOctet),
		memoTestPath(t, "45.7.0.0", shared),
	}
	conds := []*AsPathCondition{
		asPathCondition(t, "_21002_"), asPathCondition(t, "^21001_"), asPathCondition(t, "_21002$"),
		asPathCondition(t, "^21003$"), asPathCondition(t, "_2100[56]_"), asPathCondition(t, "{.*}"),
		asPathCondition(t, "^$"), asPathCondition(t, "_21003_", "^21001 21002$"),
	}
	options := &PolicyOptions{}
	for round := 0; round < 2; round++ {
		for _, p := range paths {
			for _, c := range conds {
				assert.Equal(t, c.Evaluate(p, nil), c.Evaluate(p, options), "%s on %q", c.set.list, p.GetAsString())
			}
		}
	}
	// and the forms themselves
	for _, p := range paths {
		assert.Equal(t, p.GetAsSeqList(), options.asSeqList(p))
		assert.Equal(t, p.GetAsString(), options.asString(p))
	}
}

// TestASPathMemoRendersOnce: the AS-path conditions of a policy over the
// routes of one UPDATE build the shared AS_PATH's forms once (before: once
// per condition and route).
func TestASPathMemoRendersOnce(t *testing.T) {
	shared := seqPath(21001, 21002, 21003)
	a, b := memoTestPath(t, "45.1.0.0", shared), memoTestPath(t, "45.2.0.0", shared)
	// single-ASN patterns: no regular expression, so nothing may allocate
	// (regexp's machine pool drops entries under -race)
	single := []*AsPathCondition{asPathCondition(t, "_21002_"), asPathCondition(t, "^21001_"),
		asPathCondition(t, "_21003$"), asPathCondition(t, "_23456_")}
	options := &PolicyOptions{}
	single[0].Evaluate(a, options)
	allocs := testing.AllocsPerRun(100, func() {
		for _, p := range []*Path{a, b} {
			for _, c := range single {
				c.Evaluate(p, options)
			}
		}
	})
	assert.Zero(t, allocs)

	// regular expressions: one rendering, the same string for both routes
	regex := []*AsPathCondition{asPathCondition(t, "_6451[2-9]_"), asPathCondition(t, "_2345[6-7]_")}
	for _, c := range regex {
		c.Evaluate(a, options)
	}
	text := options.asString(a)
	for _, c := range regex {
		c.Evaluate(b, options)
	}
	assert.Equal(t, "21001 21002 21003", text)
	assert.Same(t, unsafe.StringData(text), unsafe.StringData(options.asString(b)), "rendered once for both routes")
}

// TestPolicyOptionsRenew: Renew leaves every exported field as a new
// PolicyOptions{Info: info} has it (a field added later must be reset
// there too) and keeps the memos.
func TestPolicyOptionsRenew(t *testing.T) {
	info := &PeerInfo{AS: 21002}
	a := memoTestPath(t, "45.1.0.0", seqPath(21001))
	o := &PolicyOptions{Info: &PeerInfo{AS: 21009}, OldNextHop: net.ParseIP("45.0.0.9"),
		Validate: func(*Path) *Validation { return nil }}
	o.asSeqList(a)
	o.Renew(info)
	got, want := reflect.ValueOf(*o), reflect.ValueOf(PolicyOptions{Info: info})
	for i := 0; i < got.NumField(); i++ {
		if !got.Type().Field(i).IsExported() {
			continue
		}
		name := got.Type().Field(i).Name
		if got.Field(i).Kind() == reflect.Func {
			assert.True(t, got.Field(i).IsNil(), name)
			continue
		}
		assert.Equal(t, want.Field(i).Interface(), got.Field(i).Interface(), name)
	}
	assert.Same(t, a.GetAsPath(), o.asPath.attr, "the memo stays")
}
