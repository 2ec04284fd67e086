package table

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// v3370CommunityEvaluate and v3370LargeCommunityEvaluate are
// CommunityCondition.Evaluate and LargeCommunityCondition.Evaluate as
// GoBGP v3.37.0 wrote them: the reference the new matchers must agree with.
func v3370CommunityEvaluate(list []*regexp.Regexp, option MatchOption, path *Path) bool {
	cs := path.GetCommunities()
	result := false
	for _, x := range list {
		result = false
		for _, y := range cs {
			if x.MatchString(fmt.Sprintf("%d:%d", y>>16, y&0x0000ffff)) {
				result = true
				break
			}
		}
		if option == MATCH_OPTION_ALL && !result {
			break
		}
		if (option == MATCH_OPTION_ANY || option == MATCH_OPTION_INVERT) && result {
			break
		}
	}
	if option == MATCH_OPTION_INVERT {
		result = !result
	}
	return result
}

func v3370LargeCommunityEvaluate(list []*regexp.Regexp, option MatchOption, path *Path) bool {
	result := false
	cs := path.GetLargeCommunities()
	for _, x := range list {
		result = false
		for _, y := range cs {
			if x.MatchString(y.String()) {
				result = true
				break
			}
		}
		if option == MATCH_OPTION_ALL && !result {
			break
		}
		if (option == MATCH_OPTION_ANY || option == MATCH_OPTION_INVERT) && result {
			break
		}
	}
	if option == MATCH_OPTION_INVERT {
		result = !result
	}
	return result
}

func std(hi, lo uint32) uint32 { return hi<<16 | lo }

func communityPath(t testing.TB, stds []uint32, larges []*bgp.LargeCommunity) *Path {
	t.Helper()
	attrs := []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001, 21002})}),
		bgp.NewPathAttributeNextHop("45.0.0.1"),
	}
	if stds != nil {
		attrs = append(attrs, bgp.NewPathAttributeCommunities(stds))
	}
	if larges != nil {
		attrs = append(attrs, bgp.NewPathAttributeLargeCommunities(larges))
	}
	return NewPath(nil, bgp.NewIPAddrPrefix(24, "45.1.0.0"), false, attrs, time.Now(), false)
}

// Patterns as users write them (through ParseCommunityRegexp /
// ParseLargeCommunityRegexp) and as raw regular expressions that are
// almost, but not, anchored canonical literals.
var stdPatternTexts = []string{
	"65000:123", "^65000:123$", "65000:1", "0:0", "65535:65535", "^0:65000$",
	"4259840123", "no-export", "NO_ADVERTISE", "blackhole",
	"^65000:[0-9]+$", "^0:[0-9]+$", "^65000:[1-9][0-9]*$", ".*", "^$", "",
	"65000:12", "^65000:1", "5000:123$", "^^65000:123$$", "^(65000:123)$",
	"^065000:123$", "^65000:0123$", "^65000:70000$", "^65000:123$|^0:0$",
	"(?i)^65000:123$", "(?m)^65000:123$", `^65000\:123$`, `\A65000:123\z`,
	"^65000:123\n$", "^65000.123$", "^[6]5000:123$", "65000:123$",
	"^(65000|0):123$", "^6[0-9]+:123$", "(?i)^65000:[0-9]+$", "^65000:1[0-9]*",
	`^\d+:123$`, "^0:65000$|^65000:[0-9]+$", "^21001:", "^2100", "(?m)^65000:[0-9]+$",
}

var largePatternTexts = []string{
	"65000:1:2", "^65000:1:2$", "65000:0:0", "4294967295:4294967295:4294967295",
	"^65000:[0-9]+:[0-9]+$", "^65000:101:[1-9][0-9]*$", "^65000:10[1-3]:[0-9]+$",
	".*", "^$", "", "^65000:1:", ":1:2$", "^^65000:1:2$$", "^(65000:1:2)$",
	"^065000:1:2$", "^65000:1:02$", "^4294967296:1:2$", "^65000:1:2$|^1:1:1$",
	"(?i)^65000:1:2$", "(?m)^65000:1:2$", `\A65000:1:2\z`, "^65000.1:2$",
	"^65000:1$", "^65000:1:2:3$", "65000:1:22",
	"^65000:1:[0-9]+", "^(65000|1):1:2$", `^\d+:1:2$`, "^6500", "(?i)^65000:1:[0-9]+$",
}

var stdLists = [][]uint32{
	nil, {}, {std(65000, 123)}, {std(65000, 1)}, {std(0, 0)}, {std(65535, 65535)},
	{std(65000, 12), std(65000, 1234)}, {0xffffff01, 0xffffff02, 0xffff029c},
	{std(0, 65000), std(65000, 0), std(65000, 123), std(21001, 1), std(21002, 2)},
	{std(1, 1), std(2, 2), std(3, 3), std(4, 4), std(5, 5), std(6, 6), std(7, 7), std(8, 8), std(9, 9), std(65000, 123)},
}

func lc(g, l1, l2 uint32) *bgp.LargeCommunity {
	return &bgp.LargeCommunity{ASN: g, LocalData1: l1, LocalData2: l2}
}

var largeLists = [][]*bgp.LargeCommunity{
	nil, {}, {lc(65000, 1, 2)}, {lc(65000, 0, 0)}, {lc(4294967295, 4294967295, 4294967295)},
	{lc(65000, 1, 22), lc(65000, 11, 2)}, {lc(65000, 101, 21001), lc(65000, 103, 0)},
	{lc(1, 1, 1), lc(2, 2, 2), lc(3, 3, 3), lc(4, 4, 4), lc(65000, 1, 2)},
}

// patternCombos returns single patterns, pairs and a few longer lists.
func patternCombos(texts []string) [][]string {
	var out [][]string
	for i, a := range texts {
		out = append(out, []string{a})
		for _, b := range texts[i+1:] {
			out = append(out, []string{a, b})
		}
	}
	return append(out, texts, texts[:5], texts[len(texts)-5:])
}

var allOptions = []MatchOption{MATCH_OPTION_ANY, MATCH_OPTION_ALL, MATCH_OPTION_INVERT}

func TestCommunityConditionSameAsV3370(t *testing.T) {
	n := 0
	for _, patterns := range patternCombos(stdPatternTexts) {
		set, err := NewCommunitySet(oc.CommunitySet{CommunitySetName: "s", CommunityList: patterns})
		require.NoError(t, err, patterns)
		for _, cs := range stdLists {
			path := communityPath(t, cs, nil)
			for _, opt := range allOptions {
				c := &CommunityCondition{set: set, option: opt}
				want := v3370CommunityEvaluate(set.list, opt, path)
				if got := c.Evaluate(path, nil); got != want {
					t.Errorf("patterns %q option %v communities %v: got %v, v3.37.0 %v", patterns, opt, cs, got, want)
				}
				n++
			}
		}
	}
	t.Logf("%d cases", n)
}

func TestLargeCommunityConditionSameAsV3370(t *testing.T) {
	n := 0
	for _, patterns := range patternCombos(largePatternTexts) {
		set, err := NewLargeCommunitySet(oc.LargeCommunitySet{LargeCommunitySetName: "s", LargeCommunityList: patterns})
		require.NoError(t, err, patterns)
		for _, cs := range largeLists {
			path := communityPath(t, nil, cs)
			for _, opt := range allOptions {
				c := &LargeCommunityCondition{set: set, option: opt}
				want := v3370LargeCommunityEvaluate(set.list, opt, path)
				if got := c.Evaluate(path, nil); got != want {
					t.Errorf("patterns %q option %v communities %v: got %v, v3.37.0 %v", patterns, opt, cs, got, want)
				}
				n++
			}
		}
	}
	t.Logf("%d cases", n)
}

// A set changed in place (AddDefinedSet without replace appends,
// DeleteDefinedSet of entries removes) must keep its literals in step.
func TestCommunitySetLiteralsFollowChanges(t *testing.T) {
	mk := func(l ...string) *CommunitySet {
		s, err := NewCommunitySet(oc.CommunitySet{CommunitySetName: "s", CommunityList: l})
		require.NoError(t, err)
		return s
	}
	path := communityPath(t, []uint32{std(65000, 2)}, nil)
	set := mk("^65000:1$", "^0:[0-9]+$")
	c := &CommunityCondition{set: set, option: MATCH_OPTION_ANY}
	assert.False(t, c.Evaluate(path, nil))
	require.NoError(t, set.Append(mk("^65000:2$")))
	assert.True(t, c.Evaluate(path, nil), "after Append")
	require.NoError(t, set.Remove(mk("^65000:1$")))
	assert.True(t, c.Evaluate(path, nil), "after Remove of another entry")
	require.NoError(t, set.Remove(mk("^65000:2$")))
	assert.False(t, c.Evaluate(path, nil), "after Remove")
	require.NoError(t, set.Replace(mk("^65000:[0-9]$")))
	assert.True(t, c.Evaluate(path, nil), "after Replace")

	lpath := communityPath(t, nil, []*bgp.LargeCommunity{lc(65000, 1, 2)})
	mkl := func(l ...string) *LargeCommunitySet {
		s, err := NewLargeCommunitySet(oc.LargeCommunitySet{LargeCommunitySetName: "l", LargeCommunityList: l})
		require.NoError(t, err)
		return s
	}
	lset := mkl("^65000:1:1$")
	lcond := &LargeCommunityCondition{set: lset, option: MATCH_OPTION_ANY}
	assert.False(t, lcond.Evaluate(lpath, nil))
	require.NoError(t, lset.Append(mkl("^65000:1:2$")))
	assert.True(t, lcond.Evaluate(lpath, nil), "after Append")
	require.NoError(t, lset.Remove(mkl("^65000:1:2$")))
	assert.False(t, lcond.Evaluate(lpath, nil), "after Remove")
	require.NoError(t, lset.Replace(mkl("^65000:1:[0-9]$")))
	assert.True(t, lcond.Evaluate(lpath, nil), "after Replace")
}

func TestCommunityLiteralCompile(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		ok      bool
		value   uint32
	}{
		{"^65000:123$", true, std(65000, 123)},
		{"^^0:0$$", true, 0},
		{`^65000\:123$`, true, std(65000, 123)},
		{"^65535:65535$", true, 0xffffffff},
		{"^65536:1$", false, 0},
		{"^065000:123$", false, 0},
		{"^65000:123", false, 0},
		{"65000:123$", false, 0},
		{"^(65000:123)$", false, 0},
		{"(?i)^65000:123$", false, 0},
		{"(?m)^65000:123$", false, 0},
		{"^65000:[0-9]+$", false, 0},
		{"^65000:1:2$", false, 0},
		{"^+65000:123$", false, 0},
	} {
		got := compileStdLiteral(regexp.MustCompile(tc.pattern))
		assert.Equal(t, tc.ok, got.ok, tc.pattern)
		if tc.ok {
			assert.Equal(t, tc.value, got.std, tc.pattern)
		}
	}
	// The prefix filter applies only where every match starts with it.
	for _, tc := range []struct{ pattern, prefix string }{
		{"^65000:[0-9]+$", "65000:"},
		{"^0:[1-9][0-9]*$", "0:"},
		{"^^65000:[0-9]+$", ""}, // regexp finds no prefix behind two anchors
		{"65000:[0-9]+$", ""},
		{"^(65000|0):1$", ""},
		{"^0:1$|^65000:[0-9]+$", ""},
		{"(?i)^65000:[0-9]+$", "65000:"}, // digits do not fold
		{"(?m)^65000:[0-9]+$", ""},
		{`^\d+:1$`, ""},
	} {
		got := compileStdLiteral(regexp.MustCompile(tc.pattern))
		assert.Equal(t, tc.prefix, string(got.prefix), tc.pattern)
	}
	for _, tc := range []struct {
		pattern string
		ok      bool
		value   bgp.LargeCommunity
	}{
		{"^65000:1:2$", true, *lc(65000, 1, 2)},
		{"^4294967295:0:4294967295$", true, *lc(4294967295, 0, 4294967295)},
		{"^4294967296:0:0$", false, bgp.LargeCommunity{}},
		{"^65000:01:2$", false, bgp.LargeCommunity{}},
		{"^65000:1:[0-9]+$", false, bgp.LargeCommunity{}},
		{"^65000:1$", false, bgp.LargeCommunity{}},
	} {
		got := compileLargeLiteral(regexp.MustCompile(tc.pattern))
		assert.Equal(t, tc.ok, got.ok, tc.pattern)
		if tc.ok {
			assert.Equal(t, tc.value, got.large, tc.pattern)
		}
	}
}

// Literal patterns are compared as numbers: evaluating them allocates
// nothing (v3.37.0 copied the communities and formatted each one once per
// pattern), and a path without communities costs nothing either.
func TestCommunityConditionLiteralsDoNotAllocate(t *testing.T) {
	stds := []uint32{std(21001, 1), std(21001, 2), std(21001, 3), std(21002, 4), std(21003, 5),
		std(21004, 6), std(21005, 7), std(21006, 8), std(21007, 9), std(21008, 10)}
	larges := []*bgp.LargeCommunity{lc(21001, 1, 1), lc(21001, 2, 2), lc(21001, 3, 3), lc(21002, 4, 4), lc(21003, 5, 5)}
	set, err := NewCommunitySet(oc.CommunitySet{CommunitySetName: "s", CommunityList: []string{"^0:21010$", "^64999:21010$", "no-export"}})
	require.NoError(t, err)
	lset, err := NewLargeCommunitySet(oc.LargeCommunitySet{LargeCommunitySetName: "l", LargeCommunityList: []string{"^64999:0:21010$", "^64999:101:21010$"}})
	require.NoError(t, err)
	for _, path := range []*Path{communityPath(t, stds, larges), communityPath(t, nil, nil)} {
		c := &CommunityCondition{set: set, option: MATCH_OPTION_ANY}
		l := &LargeCommunityCondition{set: lset, option: MATCH_OPTION_ANY}
		allocs := testing.AllocsPerRun(100, func() {
			c.Evaluate(path, nil)
			l.Evaluate(path, nil)
		})
		assert.Zero(t, allocs)
	}
}
