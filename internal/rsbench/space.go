package rsbench

import (
	"errors"
	"net/netip"
)

// publicFirstOctets are the /8s valid prefixes are taken from: public
// unicast space, skipping every /8 that holds a bogon range (0, 10, 100,
// 127, 169, 172, 192, 198, 203, 224+), so no route server's bogon list
// can reject a route the scenario calls valid. 45/8 comes first, as in
// every other rsguard test.
var publicFirstOctets = func() []byte {
	skip := map[int]bool{0: true, 10: true, 100: true, 127: true, 169: true, 172: true, 192: true, 198: true, 203: true}
	out := []byte{45}
	for o := 1; o < 224; o++ {
		if !skip[o] && o != 45 {
			out = append(out, byte(o))
		}
	}
	return out
}()

// publicSpace hands out distinct public /16s in a fixed order, so a
// scenario is the same on every run and every machine.
type publicSpace struct{ n int }

func newPublicSpace() *publicSpace { return &publicSpace{} }

func (s *publicSpace) next16() (netip.Prefix, error) {
	if s.n >= len(publicFirstOctets)*256 {
		return netip.Prefix{}, errors.New("scenario needs more public /16s than exist")
	}
	a := netip.AddrFrom4([4]byte{publicFirstOctets[s.n/256], byte(s.n % 256), 0, 0})
	s.n++
	return netip.PrefixFrom(a, 16), nil
}

// bogonSpace hands out distinct /24s from private and shared address
// space (RFC 1918, RFC 6598), which every route server must reject.
type bogonSpace struct{ n int }

func newBogonSpace() *bogonSpace { return &bogonSpace{} }

// bogonPools are walked in turn: /24 n comes from pool n%3.
var bogonPools = []struct {
	base  [4]byte
	count int // /24s in the pool
}{
	{[4]byte{10, 0, 0, 0}, 65536},
	{[4]byte{172, 16, 0, 0}, 4096},
	{[4]byte{100, 64, 0, 0}, 16384},
}

func (s *bogonSpace) next() netip.Prefix {
	pool := bogonPools[s.n%len(bogonPools)]
	// Wrapping repeats a bogon only after 3*4096 of them, far more than
	// any one peer announces; a repeat across peers is harmless.
	k := (s.n / len(bogonPools)) % pool.count
	s.n++
	base := add(netip.AddrFrom4(pool.base), uint32(k)<<8)
	return netip.PrefixFrom(base, 24)
}
