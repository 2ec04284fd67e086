// Copyright (C) 2014-2016 Nippon Telegraph and Telephone Corporation.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//    http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
// implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package table

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// Community and large-community conditions match regular expressions
// against the text form of each community ("asn:value",
// "global:local1:local2"). Rendering that text with fmt.Sprintf for every
// community of every path for every pattern of every condition dominated
// export policy evaluation toward many peers. The matchers below keep the
// exact regular-expression semantics but
//
//   - compare numerically when a pattern is an anchored literal of one
//     community in canonical decimal form (^65000:123$, ^1:2:3$; also what
//     ParseCommunityRegexp makes of "65000:123", a number or a well-known
//     name): such a pattern matches exactly the one community whose text is
//     that literal;
//   - render each community of the path at most once per Evaluate, into
//     a pooled buffer, only when a pattern that is not such a literal needs
//     the text;
//   - skip the regular expression for a text that does not start with the
//     literal prefix of a pattern anchored with ^ (as regexp itself does
//     inside a one-pass match, but without setting up a matcher);
//   - do no work at all for a path without the attribute.

// communityLiteral is what a pattern compiles to: ok when it is an anchored
// literal of one community (std or large is then that community), else
// prefix, when not empty, is text every match must start with.
type communityLiteral struct {
	ok     bool
	std    uint32
	large  bgp.LargeCommunity
	prefix []byte
}

// anchoredPrefix returns the literal prefix of re when re can only match
// at the beginning of the text (^ first, as regexp.Compile parses it), so
// every match starts with that prefix; else nil.
func anchoredPrefix(re *regexp.Regexp) []byte {
	p, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil || p.Op != syntax.OpConcat || len(p.Sub) == 0 || p.Sub[0].Op != syntax.OpBeginText {
		return nil
	}
	prefix, _ := re.LiteralPrefix()
	if prefix == "" {
		return nil
	}
	return []byte(prefix)
}

// anchoredLiteral returns the literal text of a pattern of the form
// ^+literal$+ (as regexp.Compile parses it, so ^ and $ anchor at the
// beginning and end of the text), and false for anything else.
func anchoredLiteral(re *regexp.Regexp) (string, bool) {
	p, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil || p.Op != syntax.OpConcat {
		return "", false
	}
	subs := p.Sub
	begin, end := 0, len(subs)
	for begin < end && subs[begin].Op == syntax.OpBeginText {
		begin++
	}
	for end > begin && subs[end-1].Op == syntax.OpEndText {
		end--
	}
	if begin == 0 || end == len(subs) || end-begin != 1 {
		return "", false
	}
	lit := subs[begin]
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	return string(lit.Rune), true
}

// canonicalUint parses s as fmt's %d renders a uint32: decimal digits
// without sign or leading zeros. Any other text can never equal a rendered
// community, so it is left to the regular expression.
func canonicalUint(s string, max uint64) (uint64, bool) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil || v > max || strconv.FormatUint(v, 10) != s {
		return 0, false
	}
	return v, true
}

func compileStdLiteral(re *regexp.Regexp) communityLiteral {
	notLiteral := communityLiteral{prefix: anchoredPrefix(re)}
	text, ok := anchoredLiteral(re)
	if !ok {
		return notLiteral
	}
	parts := strings.Split(text, ":")
	if len(parts) != 2 {
		return notLiteral
	}
	hi, ok1 := canonicalUint(parts[0], 0xffff)
	lo, ok2 := canonicalUint(parts[1], 0xffff)
	if !ok1 || !ok2 {
		return notLiteral
	}
	return communityLiteral{ok: true, std: uint32(hi<<16 | lo)}
}

func compileLargeLiteral(re *regexp.Regexp) communityLiteral {
	notLiteral := communityLiteral{prefix: anchoredPrefix(re)}
	text, ok := anchoredLiteral(re)
	if !ok {
		return notLiteral
	}
	parts := strings.Split(text, ":")
	if len(parts) != 3 {
		return notLiteral
	}
	var v [3]uint32
	for i, part := range parts {
		n, ok := canonicalUint(part, 0xffffffff)
		if !ok {
			return notLiteral
		}
		v[i] = uint32(n)
	}
	return communityLiteral{ok: true, large: bgp.LargeCommunity{ASN: v[0], LocalData1: v[1], LocalData2: v[2]}}
}

// compileLiterals returns the literal form of each pattern of list, in
// order. Sets call it whenever their list changes, under the routing
// policy's write lock, so Evaluate (under its read lock) sees both
// consistent.
func compileLiterals(list []*regexp.Regexp, compile func(*regexp.Regexp) communityLiteral) []communityLiteral {
	lits := make([]communityLiteral, len(list))
	for i, re := range list {
		lits[i] = compile(re)
	}
	return lits
}

// literalsFor returns lits if they describe list, else nil (every pattern
// then goes through its regular expression).
func literalsFor(list []*regexp.Regexp, lits []communityLiteral) []communityLiteral {
	if len(lits) != len(list) {
		return nil
	}
	return lits
}

// renderedCommunities holds the text of each community of a path, in one
// buffer. Evaluate takes one from renderPool on first need and puts it
// back when it returns, so rendering does not allocate.
type renderedCommunities struct {
	buf  []byte
	ends []int
}

var renderPool = sync.Pool{New: func() any { return new(renderedCommunities) }}

func (r *renderedCommunities) at(i int) []byte {
	start := 0
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.buf[start:r.ends[i]]
}

func (r *renderedCommunities) reset() {
	r.buf = r.buf[:0]
	r.ends = r.ends[:0]
}

func (r *renderedCommunities) renderStd(cs []uint32) {
	r.reset()
	for _, c := range cs {
		r.buf = strconv.AppendUint(r.buf, uint64(c>>16), 10)
		r.buf = append(r.buf, ':')
		r.buf = strconv.AppendUint(r.buf, uint64(c&0x0000ffff), 10)
		r.ends = append(r.ends, len(r.buf))
	}
}

func (r *renderedCommunities) renderLarge(cs []*bgp.LargeCommunity) {
	r.reset()
	for _, c := range cs {
		r.buf = strconv.AppendUint(r.buf, uint64(c.ASN), 10)
		r.buf = append(r.buf, ':')
		r.buf = strconv.AppendUint(r.buf, uint64(c.LocalData1), 10)
		r.buf = append(r.buf, ':')
		r.buf = strconv.AppendUint(r.buf, uint64(c.LocalData2), 10)
		r.ends = append(r.ends, len(r.buf))
	}
}

// release returns a buffer taken by a matcher to the pool; the largest
// paths' buffers are dropped so the pool does not pin them.
func release(text *renderedCommunities) {
	if text == nil || cap(text.buf) > 64<<10 {
		return
	}
	renderPool.Put(text)
}

// textMatches runs pattern re, with literal information lit, over every
// rendered community.
func textMatches(re *regexp.Regexp, lit *communityLiteral, text *renderedCommunities) bool {
	for j := range text.ends {
		t := text.at(j)
		if len(lit.prefix) > 0 && !bytes.HasPrefix(t, lit.prefix) {
			continue
		}
		if re.Match(t) {
			return true
		}
	}
	return false
}

// pathCommunities returns the path's COMMUNITIES values without copying
// them; callers must not modify the slice.
func pathCommunities(path *Path) []uint32 {
	if a := path.getPathAttr(bgp.BGP_ATTR_TYPE_COMMUNITIES); a != nil {
		return a.(*bgp.PathAttributeCommunities).Value
	}
	return nil
}

// pathLargeCommunities is pathCommunities for LARGE_COMMUNITY.
func pathLargeCommunities(path *Path) []*bgp.LargeCommunity {
	if a := path.getPathAttr(bgp.BGP_ATTR_TYPE_LARGE_COMMUNITY); a != nil {
		return a.(*bgp.PathAttributeLargeCommunities).Values
	}
	return nil
}

// stdPatternMatches reports whether pattern i of list matches any of cs.
// *text is the path's rendered communities, rendered on first need.
func stdPatternMatches(list []*regexp.Regexp, lits []communityLiteral, i int, cs []uint32, text **renderedCommunities) bool {
	var lit communityLiteral
	if lits != nil {
		lit = lits[i]
	}
	if lit.ok {
		for _, c := range cs {
			if c == lit.std {
				return true
			}
		}
		return false
	}
	if *text == nil {
		*text = renderPool.Get().(*renderedCommunities)
		(*text).renderStd(cs)
	}
	return textMatches(list[i], &lit, *text)
}

// largePatternMatches is stdPatternMatches for large communities.
func largePatternMatches(list []*regexp.Regexp, lits []communityLiteral, i int, cs []*bgp.LargeCommunity, text **renderedCommunities) bool {
	var lit communityLiteral
	if lits != nil {
		lit = lits[i]
	}
	if lit.ok {
		for _, c := range cs {
			if c.ASN == lit.large.ASN && c.LocalData1 == lit.large.LocalData1 && c.LocalData2 == lit.large.LocalData2 {
				return true
			}
		}
		return false
	}
	if *text == nil {
		*text = renderPool.Get().(*renderedCommunities)
		(*text).renderLarge(cs)
	}
	return textMatches(list[i], &lit, *text)
}

// evaluateCommunityPatterns is the loop of CommunityCondition.Evaluate and
// LargeCommunityCondition.Evaluate in v3.37.0, with matches(i) in place of
// "pattern i matches one of the path's communities". n is the number of
// patterns; hasAny is false when the path has no community, in which case
// no pattern can match.
func evaluateCommunityPatterns(option MatchOption, n int, hasAny bool, matches func(i int) bool) bool {
	result := false
	if hasAny {
		for i := 0; i < n; i++ {
			result = matches(i)
			if option == MATCH_OPTION_ALL && !result {
				break
			}
			if (option == MATCH_OPTION_ANY || option == MATCH_OPTION_INVERT) && result {
				break
			}
		}
	}
	if option == MATCH_OPTION_INVERT {
		result = !result
	}
	return result
}

// The sets keep literals in step with list through every change of list.

func (lhs *CommunitySet) Append(arg DefinedSet) error {
	err := lhs.regExpSet.Append(arg)
	lhs.literals = compileLiterals(lhs.list, compileStdLiteral)
	return err
}

func (lhs *CommunitySet) Remove(arg DefinedSet) error {
	err := lhs.regExpSet.Remove(arg)
	lhs.literals = compileLiterals(lhs.list, compileStdLiteral)
	return err
}

func (lhs *CommunitySet) Replace(arg DefinedSet) error {
	err := lhs.regExpSet.Replace(arg)
	lhs.literals = compileLiterals(lhs.list, compileStdLiteral)
	return err
}

func (lhs *LargeCommunitySet) Append(arg DefinedSet) error {
	err := lhs.regExpSet.Append(arg)
	lhs.literals = compileLiterals(lhs.list, compileLargeLiteral)
	return err
}

func (lhs *LargeCommunitySet) Remove(arg DefinedSet) error {
	err := lhs.regExpSet.Remove(arg)
	lhs.literals = compileLiterals(lhs.list, compileLargeLiteral)
	return err
}

func (lhs *LargeCommunitySet) Replace(arg DefinedSet) error {
	err := lhs.regExpSet.Replace(arg)
	lhs.literals = compileLiterals(lhs.list, compileLargeLiteral)
	return err
}
