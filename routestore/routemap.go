package routestore

import (
	"iter"
	"net/netip"
)

// routeMap is a peer's routes by key. Most routes are IPv4, and their key
// packs into 12 bytes (a map slot of 28 instead of 40 bytes); the others
// use PackedKey.
type routeMap struct {
	v4 map[key4]record
	v6 map[PackedKey]record
}

type key4 struct {
	addr   [4]byte
	bits   uint8
	pathID uint32
}

func newRouteMap() routeMap {
	return routeMap{v4: map[key4]record{}, v6: map[PackedKey]record{}}
}

func asKey4(k Key) (key4, bool) {
	if !k.Prefix.IsValid() || !k.Prefix.Addr().Is4() {
		return key4{}, false
	}
	return key4{addr: k.Prefix.Addr().As4(), bits: uint8(k.Prefix.Bits()), pathID: k.PathID}, true
}

func (m *routeMap) get(k Key) (record, bool) {
	if k4, ok := asKey4(k); ok {
		r, found := m.v4[k4]
		return r, found
	}
	r, found := m.v6[k.Packed()]
	return r, found
}

func (m *routeMap) set(k Key, r record) {
	if k4, ok := asKey4(k); ok {
		m.v4[k4] = r
		return
	}
	m.v6[k.Packed()] = r
}

func (m *routeMap) del(k Key) {
	if k4, ok := asKey4(k); ok {
		delete(m.v4, k4)
		return
	}
	delete(m.v6, k.Packed())
}

func (m *routeMap) len() int { return len(m.v4) + len(m.v6) }

// all yields every route; set may replace the yielded route's record
// meanwhile.
func (m *routeMap) all() iter.Seq2[Key, record] {
	return func(yield func(Key, record) bool) {
		for k, r := range m.v4 {
			key := Key{PathID: k.pathID}
			key.Prefix = netip.PrefixFrom(netip.AddrFrom4(k.addr), int(k.bits))
			if !yield(key, r) {
				return
			}
		}
		for k, r := range m.v6 {
			if !yield(k.Key(), r) {
				return
			}
		}
	}
}
