package dampening

import (
	"encoding/binary"
	"net/netip"
)

// Key names one path: the peer it was learnt from, its prefix and its
// ADD-PATH identifier (0 without ADD-PATH). The engine masks the prefix, so
// 45.0.0.1/24 and 45.0.0.0/24 are the same key; keys with an invalid prefix
// are ignored.
type Key struct {
	Peer   string
	Prefix netip.Prefix
	PathID uint32
}

// routeKey is the per-peer map key: 24 bytes instead of the 40 a
// netip.Prefix plus path id would take, because a route server holds
// hundreds of thousands of them per peer.
type routeKey struct {
	hi, lo uint64 // the address as 16 bytes, big endian
	pathID uint32
	bits   uint8
	is4    bool
}

// makeRouteKey returns the compact key for k, or false for an invalid prefix.
func makeRouteKey(prefix netip.Prefix, pathID uint32) (routeKey, bool) {
	if !prefix.IsValid() {
		return routeKey{}, false
	}
	prefix = prefix.Masked()
	addr := prefix.Addr()
	b := addr.As16()
	return routeKey{
		hi:     binary.BigEndian.Uint64(b[:8]),
		lo:     binary.BigEndian.Uint64(b[8:]),
		pathID: pathID,
		bits:   uint8(prefix.Bits()),
		is4:    addr.Is4(),
	}, true
}

func (k routeKey) prefix() netip.Prefix {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
	addr := netip.AddrFrom16(b)
	if k.is4 {
		addr = addr.Unmap()
	}
	return netip.PrefixFrom(addr, int(k.bits))
}

func (k routeKey) key(peer string) Key {
	return Key{Peer: peer, Prefix: k.prefix(), PathID: k.pathID}
}
