package table

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gaissmai/bart"
	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// A prefix set keeps its entries in a bart routing table keyed by the
// entry's prefix, with the mask-length ranges listed for that prefix as
// the value. It was a critbitgo.Net whose values were []*Prefix, each
// *Prefix holding a *net.IPNet: 224 bytes of heap per entry. A route
// server holds one set per client and family, as long as the client's
// IRR-derived list (hundreds of thousands of entries for a transit
// customer cone), so the sets were most of its filter memory. The bart
// table and the inline range need about a tenth of that, and a lookup no
// longer allocates an IPNet per path.
//
// Matching is unchanged: the entries of the longest listed prefix that
// covers the route decide, and any of their ranges admitting the route's
// length is a match.

// maskRange is one entry's mask-length range.
type maskRange struct{ min, max uint8 }

// prefixEntries are the ranges listed for one prefix, in list order.
// Nearly every prefix is listed once, held inline; further ranges are in
// more.
type prefixEntries struct {
	first maskRange
	more  *[]maskRange
}

func (e prefixEntries) all() []maskRange {
	out := []maskRange{e.first}
	if e.more != nil {
		out = append(out, *e.more...)
	}
	return out
}

func entriesOf(rs []maskRange) prefixEntries {
	e := prefixEntries{first: rs[0]}
	if len(rs) > 1 {
		more := append([]maskRange(nil), rs[1:]...)
		e.more = &more
	}
	return e
}

func (e prefixEntries) admits(l uint8) bool {
	if e.first.min <= l && l <= e.first.max {
		return true
	}
	if e.more != nil {
		for _, r := range *e.more {
			if r.min <= l && l <= r.max {
				return true
			}
		}
	}
	return false
}

type PrefixSet struct {
	name   string
	tree   *bart.Table[prefixEntries] // nil: empty
	family bgp.RouteFamily
}

func (s *PrefixSet) Name() string {
	return s.name
}

func (s *PrefixSet) Type() DefinedType {
	return DEFINED_TYPE_PREFIX
}

func (s *PrefixSet) size() int {
	if s.tree == nil {
		return 0
	}
	return s.tree.Size()
}

// add lists ranges for pfx after those already listed for it.
func (s *PrefixSet) add(pfx netip.Prefix, rs []maskRange) {
	if s.tree == nil {
		s.tree = &bart.Table[prefixEntries]{}
	}
	s.tree.Modify(pfx, func(old prefixEntries, found bool) (prefixEntries, bool) {
		if !found {
			return entriesOf(rs), false
		}
		return entriesOf(append(old.all(), rs...)), false
	})
}

// each calls f for every prefix in address order, with its ranges.
func (s *PrefixSet) each(f func(netip.Prefix, []maskRange)) {
	if s.tree == nil {
		return
	}
	for pfx, e := range s.tree.AllSorted() {
		f(pfx, e.all())
	}
}

// admits reports whether the entries of the longest listed prefix covering
// r admit r's length.
func (s *PrefixSet) admits(r netip.Prefix) bool {
	if s.tree == nil {
		return false
	}
	e, ok := s.tree.LookupPrefix(r)
	return ok && e.admits(uint8(r.Bits()))
}

func (lhs *PrefixSet) Append(arg DefinedSet) error {
	rhs, ok := arg.(*PrefixSet)
	if !ok {
		return fmt.Errorf("type cast failed")
	}

	if rhs.size() == 0 {
		// if try to append an empty set, then return directly
		return nil
	} else if lhs.size() != 0 && rhs.family != lhs.family {
		return fmt.Errorf("can't append different family")
	}
	rhs.each(lhs.add)
	lhs.family = rhs.family
	return nil
}

func (lhs *PrefixSet) Remove(arg DefinedSet) error {
	rhs, ok := arg.(*PrefixSet)
	if !ok {
		return fmt.Errorf("type cast failed")
	}
	if lhs.tree == nil {
		return nil
	}
	rhs.each(func(pfx netip.Prefix, gone []maskRange) {
		lhs.tree.Modify(pfx, func(old prefixEntries, found bool) (prefixEntries, bool) {
			if !found {
				return old, true
			}
			var keep []maskRange
			for _, r := range old.all() {
				if !containsRange(gone, r) {
					keep = append(keep, r)
				}
			}
			if len(keep) == 0 {
				return old, true
			}
			return entriesOf(keep), false
		})
	})
	return nil
}

func containsRange(rs []maskRange, r maskRange) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func (lhs *PrefixSet) Replace(arg DefinedSet) error {
	rhs, ok := arg.(*PrefixSet)
	if !ok {
		return fmt.Errorf("type cast failed")
	}
	lhs.tree = rhs.tree
	lhs.family = rhs.family
	return nil
}

// prefixString is Prefix.PrefixString for a key of the set.
func (s *PrefixSet) prefixString(pfx netip.Prefix) string {
	a := pfx.Addr()
	if s.family == bgp.RF_IPv6_UC && a.Is4In6() {
		return fmt.Sprintf("::FFFF:%s/%d", a.Unmap(), pfx.Bits())
	}
	return pfx.String()
}

func (s *PrefixSet) List() []string {
	var list []string
	s.each(func(pfx netip.Prefix, rs []maskRange) {
		for _, r := range rs {
			list = append(list, fmt.Sprintf("%s %d..%d", s.prefixString(pfx), r.min, r.max))
		}
	})
	return list
}

func (s *PrefixSet) ToConfig() *oc.PrefixSet {
	list := make([]oc.Prefix, 0, s.size())
	s.each(func(pfx netip.Prefix, rs []maskRange) {
		for _, r := range rs {
			list = append(list, oc.Prefix{IpPrefix: s.prefixString(pfx), MasklengthRange: fmt.Sprintf("%d..%d", r.min, r.max)})
		}
	})
	return &oc.PrefixSet{
		PrefixSetName: s.name,
		PrefixList:    list,
	}
}

func (s *PrefixSet) String() string {
	return strings.Join(s.List(), "\n")
}

func (s *PrefixSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.ToConfig())
}

// ipNetToPrefix is the key of a set entry: an IPv4 network as a 4-octet
// address, an IPv6 one (IPv4-mapped too) as a 16-octet one.
func ipNetToPrefix(n *net.IPNet, rf bgp.RouteFamily) (netip.Prefix, error) {
	if n == nil {
		return netip.Prefix{}, fmt.Errorf("nil prefix")
	}
	ip := n.IP.To16()
	if rf == bgp.RF_IPv4_UC {
		ip = n.IP.To4()
	}
	a, ok := netip.AddrFromSlice(ip)
	ones, bits := n.Mask.Size()
	if !ok || bits != a.BitLen() {
		return netip.Prefix{}, fmt.Errorf("invalid prefix %s", n)
	}
	return netip.PrefixFrom(a, ones).Masked(), nil
}

// nlriToPrefix is nlriToIPNet as a netip.Prefix, without allocating for
// unicast NLRI.
func nlriToPrefix(nlri bgp.AddrPrefixInterface) (netip.Prefix, bool) {
	var a netip.Addr
	var ok bool
	var l int
	switch T := nlri.(type) {
	case *bgp.IPAddrPrefix:
		a, ok = netip.AddrFromSlice(T.Prefix.To4())
		l = int(T.Length)
	case *bgp.IPv6AddrPrefix:
		a, ok = netip.AddrFromSlice(T.Prefix.To16())
		l = int(T.Length)
	default:
		n := nlriToIPNet(nlri)
		if n == nil {
			return netip.Prefix{}, false
		}
		a, ok = netip.AddrFromSlice(n.IP)
		l, _ = n.Mask.Size()
	}
	if !ok {
		return netip.Prefix{}, false
	}
	p := netip.PrefixFrom(a, l)
	return p, p.IsValid()
}

func newPrefixSet(name string, prefixes []*Prefix) (*PrefixSet, error) {
	s := &PrefixSet{name: name}
	for i, x := range prefixes {
		if i == 0 {
			s.family = x.AddressFamily
		} else if s.family != x.AddressFamily {
			return nil, fmt.Errorf("multiple families")
		}
		pfx, err := ipNetToPrefix(x.Prefix, x.AddressFamily)
		if err != nil {
			return nil, err
		}
		s.add(pfx, []maskRange{{x.MasklengthRangeMin, x.MasklengthRangeMax}})
	}
	return s, nil
}

func NewPrefixSetFromApiStruct(name string, prefixes []*Prefix) (*PrefixSet, error) {
	if name == "" {
		return nil, fmt.Errorf("empty prefix set name")
	}
	return newPrefixSet(name, prefixes)
}

func NewPrefixSet(c oc.PrefixSet) (*PrefixSet, error) {
	name := c.PrefixSetName
	if name == "" {
		if len(c.PrefixList) == 0 {
			return nil, nil
		}
		return nil, fmt.Errorf("empty prefix set name")
	}
	prefixes := make([]*Prefix, 0, len(c.PrefixList))
	for _, x := range c.PrefixList {
		y, err := NewPrefix(x)
		if err != nil {
			return nil, err
		}
		prefixes = append(prefixes, y)
	}
	return newPrefixSet(name, prefixes)
}
