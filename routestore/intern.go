package routestore

import (
	"encoding/binary"
	"hash/maphash"
	"net/netip"
	"slices"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

// Interning: routes a peer announced in one UPDATE share every attribute,
// and most routes are accepted with the same verdict, so the store keeps
// one copy of each distinct attribute set and verdict per peer, counted by
// reference and forgotten with its last route. Per peer, so that dropping
// a peer drops its tables whole; peers rarely share attributes anyway (the
// next hop and first AS differ).

// attrSet is what the routes of one peer with the same attributes share.
type attrSet struct {
	route       filters.Route // Prefix only when ownPrefix
	ownPrefix   bool          // the Entry's Route.Prefix differed from its Key's: kept as given
	comms       filters.Communities
	attrs       Attrs
	attrHash    uint64
	learnedFrom string

	sum  uint64   // interning hash
	refs int      // routes using it
	next *attrSet // another set with the same sum
}

// verdictSet is a verdict shared by the routes of one peer.
type verdictSet struct {
	v    filters.Verdict
	sum  uint64
	refs int // 0 and never freed for plainVerdicts
	next *verdictSet
}

// plainVerdicts are the verdicts of almost every route: accepted, no
// notes, one per RPKI state. Shared by all stores, never modified.
var plainVerdicts [4]verdictSet

func init() {
	for i := range plainVerdicts {
		plainVerdicts[i].v.RPKI = rpki.State(i)
	}
}

func plainVerdict(v filters.Verdict) *verdictSet {
	if len(v.Rejections) == 0 && len(v.Notes) == 0 && int(v.RPKI) < len(plainVerdicts) {
		return &plainVerdicts[v.RPKI]
	}
	return nil
}

// routeSet is what a route points to: its attributes and its verdict, as
// one pointer, so a route's record is 16 bytes (its map slot 40, not 48).
// There are about as many as attribute sets: routes with the same
// attributes mostly have the same verdict.
type routeSet struct {
	attrs   *attrSet
	verdict *verdictSet
	refs    int // routes using it
}

type routeSetKey struct {
	attrs   *attrSet
	verdict *verdictSet
}

type interner struct {
	seed     maphash.Seed
	attrs    map[uint64]*attrSet // refs: the routeSets using it
	verdicts map[uint64]*verdictSet
	sets     map[routeSetKey]*routeSet
}

func newInterner(seed maphash.Seed) interner {
	return interner{seed: seed, attrs: map[uint64]*attrSet{}, verdicts: map[uint64]*verdictSet{}, sets: map[routeSetKey]*routeSet{}}
}

// setOf returns the shared pair of a and v, one reference taken; it takes
// over the caller's references of a and v.
func (in *interner) setOf(a *attrSet, v *verdictSet) *routeSet {
	k := routeSetKey{a, v}
	if rs := in.sets[k]; rs != nil {
		rs.refs++
		in.releaseAttrs(a) // rs holds them already
		in.releaseVerdict(v)
		return rs
	}
	rs := &routeSet{attrs: a, verdict: v, refs: 1}
	in.sets[k] = rs
	return rs
}

func (in *interner) releaseSet(rs *routeSet) {
	if rs.refs--; rs.refs > 0 {
		return
	}
	delete(in.sets, routeSetKey{rs.attrs, rs.verdict})
	in.releaseAttrs(rs.attrs)
	in.releaseVerdict(rs.verdict)
}

// attrsOf returns the shared set of e's attributes, one reference taken.
func (in *interner) attrsOf(e *Entry) *attrSet {
	want := attrSet{route: e.Route, comms: e.Communities, attrs: e.Attrs, attrHash: e.AttrHash, learnedFrom: e.LearnedFrom}
	if e.Route.Prefix == e.Key.Prefix {
		want.route.Prefix = netip.Prefix{}
	} else {
		want.ownPrefix = true
	}
	want.sum = in.attrSum(&want)
	for a := in.attrs[want.sum]; a != nil; a = a.next {
		if a.sameAs(&want) {
			a.refs++
			return a
		}
	}
	// a copy of the caller's slices, tight: they outlive the UPDATE they
	// came from and are shared from now on
	a := new(attrSet)
	*a = want
	a.route.ASPath = cloneASPath(e.Route.ASPath)
	a.comms = filters.Communities{Std: slices.Clip(slices.Clone(e.Communities.Std)), Large: slices.Clip(slices.Clone(e.Communities.Large))}
	a.refs = 1
	a.next = in.attrs[a.sum]
	in.attrs[a.sum] = a
	return a
}

func (in *interner) releaseAttrs(a *attrSet) {
	if a.refs--; a.refs == 0 {
		unlink(in.attrs, a.sum, a, func(a *attrSet) **attrSet { return &a.next })
	}
}

// unlink takes x out of the chain of values with hash sum.
func unlink[T any](m map[uint64]*T, sum uint64, x *T, next func(*T) **T) {
	if m[sum] == x {
		if n := *next(x); n != nil {
			m[sum] = n
		} else {
			delete(m, sum)
		}
		return
	}
	for p := m[sum]; p != nil; p = *next(p) {
		if *next(p) == x {
			*next(p) = *next(x)
			return
		}
	}
}

// verdictOf returns the shared copy of v, one reference taken.
// details interns evidence texts across verdicts.
func (in *interner) verdictOf(v filters.Verdict, details func(filters.Verdict)) *verdictSet {
	if p := plainVerdict(v); p != nil {
		return p
	}
	sum := in.verdictSum(v)
	for x := in.verdicts[sum]; x != nil; x = x.next {
		if sameVerdict(x.v, v) {
			x.refs++
			return x
		}
	}
	x := &verdictSet{v: filters.Verdict{RPKI: v.RPKI, Rejections: slices.Clip(slices.Clone(v.Rejections)), Notes: slices.Clip(slices.Clone(v.Notes))},
		sum: sum, refs: 1, next: in.verdicts[sum]}
	details(x.v)
	in.verdicts[sum] = x
	return x
}

func (in *interner) releaseVerdict(x *verdictSet) {
	if x.refs == 0 { // a plain verdict
		return
	}
	if x.refs--; x.refs == 0 {
		unlink(in.verdicts, x.sum, x, func(x *verdictSet) **verdictSet { return &x.next })
	}
}

// sums is how many distinct attribute sets and verdicts a peer's routes
// use (tests).
func (in *interner) sums() (attrs, verdicts int) {
	for _, a := range in.attrs {
		for ; a != nil; a = a.next {
			attrs++
		}
	}
	for _, x := range in.verdicts {
		for ; x != nil; x = x.next {
			verdicts++
		}
	}
	return attrs, verdicts
}

func cloneASPath(p filters.ASPath) filters.ASPath {
	if p == nil {
		return nil
	}
	n := 0
	for _, s := range p {
		n += len(s.ASNs)
	}
	asns := make([]uint32, 0, n) // one backing array for every segment
	out := make(filters.ASPath, len(p))
	for i, s := range p {
		start := len(asns)
		asns = append(asns, s.ASNs...)
		out[i] = filters.Segment{Type: s.Type, ASNs: asns[start:len(asns):len(asns)]}
		if s.ASNs == nil {
			out[i].ASNs = nil
		}
	}
	return out
}

func (a *attrSet) sameAs(b *attrSet) bool {
	return a.ownPrefix == b.ownPrefix && a.route.Prefix == b.route.Prefix && a.route.NextHop == b.route.NextHop &&
		a.route.Blackhole == b.route.Blackhole && a.attrs == b.attrs && a.attrHash == b.attrHash &&
		a.learnedFrom == b.learnedFrom && sameASPath(a.route.ASPath, b.route.ASPath) &&
		slices.Equal(a.comms.Std, b.comms.Std) && slices.Equal(a.comms.Large, b.comms.Large) &&
		(a.route.ASPath == nil) == (b.route.ASPath == nil)
}

func sameASPath(a, b filters.ASPath) bool {
	return slices.EqualFunc(a, b, func(x, y filters.Segment) bool { return x.Type == y.Type && slices.Equal(x.ASNs, y.ASNs) })
}

func sameVerdict(a, b filters.Verdict) bool {
	return a.RPKI == b.RPKI && slices.Equal(a.Rejections, b.Rejections) && slices.Equal(a.Notes, b.Notes)
}

func (in *interner) attrSum(a *attrSet) uint64 {
	// one Write of a stack buffer: a Write a field cost more than Put's
	// map operations together
	var buf [192]byte
	b := buf[:0]
	for _, seg := range a.route.ASPath {
		b = app32(append(b, byte(seg.Type)), uint32(len(seg.ASNs)))
		for _, x := range seg.ASNs {
			b = app32(b, x)
		}
	}
	b = appendAddr(b, a.route.NextHop)
	b = append(b, boolByte(a.route.Blackhole), boolByte(a.ownPrefix), byte(a.attrs.Origin), boolByte(a.attrs.HasMED))
	b = app32(b, a.attrs.MED)
	b = binary.LittleEndian.AppendUint64(b, a.attrHash)
	b = app32(b, uint32(len(a.comms.Std)))
	for _, c := range a.comms.Std {
		b = app32(b, uint32(c))
	}
	for _, c := range a.comms.Large {
		b = app32(app32(app32(b, c.Global), c.Local1), c.Local2)
	}
	if a.ownPrefix {
		b = append(appendAddr(b, a.route.Prefix.Addr()), byte(a.route.Prefix.Bits()))
	}
	var h maphash.Hash
	h.SetSeed(in.seed)
	h.Write(b)
	h.WriteString(a.learnedFrom)
	return h.Sum64()
}

func app32(b []byte, x uint32) []byte { return binary.LittleEndian.AppendUint32(b, x) }

func appendAddr(b []byte, a netip.Addr) []byte {
	kind := byte(0)
	switch {
	case a.Is4():
		kind = 4
	case a.IsValid():
		kind = 6
	}
	x := a.As16()
	return append(append(b, kind), x[:]...)
}

func (in *interner) verdictSum(v filters.Verdict) uint64 {
	var h maphash.Hash
	h.SetSeed(in.seed)
	h.WriteByte(byte(v.RPKI))
	for _, rs := range [][]filters.Rejection{v.Rejections, v.Notes} {
		var n [2]byte
		binary.LittleEndian.PutUint16(n[:], uint16(len(rs)))
		h.Write(n[:])
		for _, r := range rs {
			binary.LittleEndian.PutUint16(n[:], uint16(r.Reason))
			h.Write(n[:])
			h.WriteString(r.Detail)
			h.WriteByte(0)
		}
	}
	return h.Sum64()
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
