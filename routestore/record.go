package routestore

import (
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// The store holds every rejected route (every route when it has no
// Source), so its per-route cost is what an IXP-sized table multiplies
// (issue 11: 900k paths). Each route is a map
// slot of a compact key and a record held by value; everything routes have
// in common (attributes, verdicts) is interned per peer (intern.go), and an
// Entry is rebuilt only when a query asks for one.

// packedKey is Key in 24 bytes instead of 40 (netip.Prefix carries a zone
// pointer a prefix never uses): the map key of IPv6 routes (routemap.go).
type packedKey struct {
	addr   [16]byte
	bits   uint8 // prefix length + 1; 0 for the invalid prefix
	v6     bool
	pathID uint32
}

// packed is k as a packedKey.
func (k Key) packed() packedKey {
	s := packedKey{pathID: k.PathID}
	if !k.Prefix.IsValid() {
		return s
	}
	a := k.Prefix.Addr()
	s.addr, s.bits, s.v6 = a.As16(), uint8(k.Prefix.Bits()+1), !a.Is4()
	return s
}

// key is the Key s packs.
func (s packedKey) key() Key {
	k := Key{PathID: s.pathID}
	if s.bits == 0 {
		return k
	}
	a := netip.AddrFrom16(s.addr)
	if !s.v6 {
		a = a.Unmap()
	}
	k.Prefix = netip.PrefixFrom(a, int(s.bits)-1)
	return k
}

// record is one stored route.
type record struct {
	set *routeSet // attributes and verdict, shared (intern.go)
	at  int64     // ReceivedAt in Unix nanoseconds; 0 when unknown
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// route is the checks' input of the route at k, without allocating.
func (r record) route(k Key) filters.Route {
	rt := r.set.attrs.route
	if !r.set.attrs.ownPrefix {
		rt.Prefix = k.Prefix
	}
	return rt
}

// entry rebuilds the Entry a query returns.
func (r record) entry(peer string, k Key) Entry {
	a := r.set.attrs
	return Entry{Peer: peer, Key: k, Attrs: a.attrs, Route: r.route(k), Verdict: r.set.verdict.v, ReceivedAt: fromUnixNano(r.at),
		Communities: a.comms, LearnedFrom: a.learnedFrom, AttrHash: a.attrHash}
}
