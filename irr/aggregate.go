package irr

import (
	"net/netip"

	"github.com/rsguard/rsguard/filters"
)

// AggregateOptions selects bgpq4's post-processing steps.
type AggregateOptions struct {
	// Aggregate merges sibling prefixes into ranges (bgpq4 -A).
	Aggregate bool
	// MaxLength > 0 lets every registered prefix shorter than it also admit
	// more-specifics up to MaxLength (bgpq4 -R).
	MaxLength int
}

// Aggregate is `bgpq4 -A -R maxLen` (maxLen 0 means no -R) over one
// address family's prefixes.
func Aggregate(prefixes []netip.Prefix, maxLen int) []filters.PrefixRange {
	return AggregateOpts(prefixes, AggregateOptions{Aggregate: true, MaxLength: maxLen})
}

// AggregateOpts builds bgpq4's radix tree from the prefixes, applies -R
// then -A, and returns the printed entries in bgpq4's order (address, then
// less specific first). The prefixes must all be of one family.
func AggregateOpts(prefixes []netip.Prefix, o AggregateOptions) []filters.PrefixRange {
	var root *aggNode
	for _, p := range prefixes {
		insertAgg(&root, p.Masked())
	}
	if root == nil {
		return nil
	}
	if o.MaxLength > 0 {
		root.refine(o.MaxLength)
	}
	if o.Aggregate {
		root.aggregate()
	}
	var out []filters.PrefixRange
	root.emit(&out)
	return out
}

// aggNode mirrors bgpq4's sx_radix_node: glue nodes are branch points that
// were never registered, aggregates carry a (lo, hi) length range, and a
// son is a second entry for the same prefix (exact and ranged at once).
type aggNode struct {
	p      netip.Prefix
	l, r   *aggNode
	son    *aggNode
	glue   bool
	agg    bool
	lo, hi int
}

// bitAt returns bit i (0 = most significant) of the address.
func bitAt(a netip.Addr, i int) bool {
	b := a.AsSlice()
	return b[i/8]&(0x80>>(i%8)) != 0
}

// commonBits is the number of leading bits a and b share, capped at the
// shorter prefix length.
func commonBits(a, b netip.Prefix) int {
	n := min(a.Bits(), b.Bits())
	x, y := a.Addr().AsSlice(), b.Addr().AsSlice()
	for i := 0; i < n; i++ {
		if (x[i/8]^y[i/8])&(0x80>>(i%8)) != 0 {
			return i
		}
	}
	return n
}

func insertAgg(slot **aggNode, p netip.Prefix) {
	for {
		cur := *slot
		if cur == nil {
			*slot = &aggNode{p: p}
			return
		}
		eb := commonBits(p, cur.p)
		switch {
		case eb < p.Bits() && eb < cur.p.Bits():
			// Diverge: a glue node at the common prefix holds both.
			g := &aggNode{p: netip.PrefixFrom(p.Addr(), eb).Masked(), glue: true}
			n := &aggNode{p: p}
			if bitAt(p.Addr(), eb) {
				g.l, g.r = cur, n
			} else {
				g.l, g.r = n, cur
			}
			*slot = g
			return
		case eb == p.Bits() && eb < cur.p.Bits():
			// p covers cur: p becomes its parent.
			n := &aggNode{p: p}
			if bitAt(cur.p.Addr(), eb) {
				n.r = cur
			} else {
				n.l = cur
			}
			*slot = n
			return
		case eb == cur.p.Bits() && eb < p.Bits():
			if bitAt(p.Addr(), eb) {
				slot = &cur.r
			} else {
				slot = &cur.l
			}
		default: // the same prefix
			cur.glue = false
			return
		}
	}
}

func (n *aggNode) walk(f func(*aggNode)) {
	if n == nil {
		return
	}
	f(n)
	n.l.walk(f)
	n.r.walk(f)
}

// refine is bgpq4's -R: a registered prefix shorter than R admits up to R,
// and everything below it that is not longer than R is absorbed.
func (n *aggNode) refine(R int) {
	if n == nil {
		return
	}
	switch {
	case !n.glue && n.p.Bits() < R:
		n.agg, n.lo, n.hi = true, n.p.Bits(), R
		for _, c := range []*aggNode{n.l, n.r} {
			c.walk(func(x *aggNode) {
				if x.p.Bits() <= R {
					x.glue = true
				}
			})
			c.refine(R)
		}
	case !n.glue && n.p.Bits() == R, n.glue:
		n.l.refine(R)
		n.r.refine(R)
	}
	// Longer than R: passed as is, with everything below it.
}

func newSon(p netip.Prefix, lo, hi int) *aggNode {
	return &aggNode{p: p, agg: true, lo: lo, hi: hi}
}

func sameRange(a, b *aggNode) bool { return a.lo == b.lo && a.hi == b.hi }

// aggregate is bgpq4's -A, bottom up (sx_radix_node_aggregate).
func (n *aggNode) aggregate() {
	if n == nil {
		return
	}
	n.l.aggregate()
	n.r.aggregate()
	l, r := n.l, n.r
	if l == nil || r == nil {
		return
	}
	childLen := n.p.Bits() + 1
	bothChildren := l.p.Bits() == childLen && r.p.Bits() == childLen
	switch {
	case !r.agg && !l.agg && !r.glue && !l.glue && r.p.Bits() == l.p.Bits():
		// Two plain halves: the parent admits them.
		if r.p.Bits() == childLen {
			n.agg, r.glue, l.glue = true, true, true
			n.hi = childLen
			if n.glue {
				n.glue, n.lo = false, childLen
			} else {
				n.lo = n.p.Bits()
			}
		}
		if r.son != nil && l.son != nil && r.son.agg && l.son.agg && sameRange(r.son, l.son) && bothChildren {
			n.son = newSon(n.p, r.son.lo, r.son.hi)
			r.son.glue, l.son.glue = true, true
		}
	case r.agg && l.agg && sameRange(r, l):
		if !bothChildren {
			return
		}
		switch {
		case n.glue:
			r.glue, l.glue = true, true
			n.agg, n.glue, n.lo, n.hi = true, false, r.lo, r.hi
		case r.p.Bits() == r.lo:
			r.glue, l.glue = true, true
			n.agg, n.lo, n.hi = true, n.p.Bits(), r.hi
		default:
			n.son = newSon(n.p, r.lo, r.hi)
			r.glue, l.glue = true, true
			if r.son != nil && l.son != nil && sameRange(r.son, l.son) {
				n.son.son = newSon(n.p, r.son.lo, r.son.hi)
				r.son.glue, l.son.glue = true, true
			}
		}
	case l.son != nil && r.agg && l.son.agg && sameRange(r, l.son):
		if !bothChildren {
			return
		}
		if n.glue {
			r.glue, l.son.glue = true, true
			n.agg, n.glue, n.lo, n.hi = true, false, r.lo, r.hi
		} else {
			n.son = newSon(n.p, r.lo, r.hi)
			r.glue, l.son.glue = true, true
		}
	case r.son != nil && l.agg && r.son.agg && sameRange(l, r.son):
		if !bothChildren {
			return
		}
		if n.glue {
			l.glue, r.son.glue = true, true
			n.agg, n.glue, n.lo, n.hi = true, false, l.lo, l.hi
		} else {
			n.son = newSon(n.p, l.lo, l.hi)
			l.glue, r.son.glue = true, true
		}
	}
}

// emit appends the printable entries in bgpq4's pre-order: node, its sons,
// then the left and right subtrees.
func (n *aggNode) emit(out *[]filters.PrefixRange) {
	if n == nil {
		return
	}
	for s := n; s != nil; s = s.son {
		if s.glue {
			continue
		}
		if s.agg {
			*out = append(*out, filters.PrefixRange{Prefix: s.p, Min: uint8(s.lo), Max: uint8(s.hi)})
		} else {
			*out = append(*out, filters.PrefixRange{Prefix: s.p, Min: uint8(s.p.Bits()), Max: uint8(s.p.Bits())})
		}
	}
	n.l.emit(out)
	n.r.emit(out)
}
