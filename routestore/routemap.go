package routestore

import (
	"iter"
	"net/netip"
)

// keyMap maps Keys at as few bytes a key as a Go map allows: most routes
// are IPv4, and their key packs into 12 bytes (a routeMap slot of 28
// bytes instead of 56 with Key); the others use packedKey (24 bytes).
type keyMap[V any] struct {
	v4 map[key4]V
	v6 map[packedKey]V
}

// routeMap is a peer's routes.
type routeMap = keyMap[record]

type key4 struct {
	addr   [4]byte
	bits   uint8
	pathID uint32
}

func newKeyMap[V any]() keyMap[V] {
	return keyMap[V]{v4: map[key4]V{}, v6: map[packedKey]V{}}
}

func newRouteMap() routeMap { return newKeyMap[record]() }

func asKey4(k Key) (key4, bool) {
	if !k.Prefix.IsValid() || !k.Prefix.Addr().Is4() {
		return key4{}, false
	}
	return key4{addr: k.Prefix.Addr().As4(), bits: uint8(k.Prefix.Bits()), pathID: k.PathID}, true
}

func (m *keyMap[V]) get(k Key) (V, bool) {
	if k4, ok := asKey4(k); ok {
		v, found := m.v4[k4]
		return v, found
	}
	v, found := m.v6[k.packed()]
	return v, found
}

func (m *keyMap[V]) set(k Key, v V) {
	if k4, ok := asKey4(k); ok {
		m.v4[k4] = v
		return
	}
	m.v6[k.packed()] = v
}

func (m *keyMap[V]) del(k Key) {
	if k4, ok := asKey4(k); ok {
		delete(m.v4, k4)
		return
	}
	delete(m.v6, k.packed())
}

func (m *keyMap[V]) len() int { return len(m.v4) + len(m.v6) }

// all yields every key; set may replace the yielded key's value meanwhile.
func (m *keyMap[V]) all() iter.Seq2[Key, V] {
	return func(yield func(Key, V) bool) {
		for k, v := range m.v4 {
			if !yield(Key{Prefix: netip.PrefixFrom(netip.AddrFrom4(k.addr), int(k.bits)), PathID: k.pathID}, v) {
				return
			}
		}
		for k, v := range m.v6 {
			if !yield(k.key(), v) {
				return
			}
		}
	}
}

// KeySet is a set of Keys at the store's cost a key, for other per-route
// bookkeeping (the max-prefix limiter's counted routes). Not safe for
// concurrent use.
type KeySet struct{ m keyMap[struct{}] }

// NewKeySet returns an empty set.
func NewKeySet() *KeySet { return &KeySet{m: newKeyMap[struct{}]()} }

// Has reports whether k is in the set.
func (s *KeySet) Has(k Key) bool { _, ok := s.m.get(k); return ok }

// Add puts k in the set.
func (s *KeySet) Add(k Key) { s.m.set(k, struct{}{}) }

// Delete takes k out of the set.
func (s *KeySet) Delete(k Key) { s.m.del(k) }

// Len is the number of keys in the set.
func (s *KeySet) Len() int { return s.m.len() }
