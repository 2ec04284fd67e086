package irrsync

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/irr"
)

// lastGood is what the syncer remembers of a peer's last good IRR data:
// its size, provenance and a digest, not its lists. The lists are held
// once, in the route server's filter (issue 11: they were also kept here,
// 40 bytes per prefix). Their other copy is the cache file, written on
// every applied refresh and read back (lastGood.result) only when a
// reload rebuilds the peer's filter. data keeps the lists here only while
// the cache could not be written, so nothing is lost when the disk fails.
type lastGood struct {
	target              string
	origins, ipv4, ipv6 int
	sources             []string
	fetchedAt           time.Time
	digest              [sha256.Size]byte
	data                *irr.Result // nil unless the cache write failed
}

// summarise remembers res; keep says whether to hold its lists too.
func summarise(res *irr.Result, keep bool) *lastGood {
	if res == nil {
		return nil
	}
	g := &lastGood{target: res.Target, origins: len(res.Origins), ipv4: len(res.IPv4), ipv6: len(res.IPv6),
		sources: slices.Clone(res.Sources), fetchedAt: res.FetchedAt, digest: dataDigest(res)}
	if keep {
		g.data = res
	}
	return g
}

func (g *lastGood) prefixCount() int { return g.ipv4 + g.ipv6 }

// same says whether next would change nothing the route server sees.
func (g *lastGood) same(next *irr.Result) bool {
	return g != nil && next != nil && g.digest == dataDigest(next)
}

// result returns the lists g describes: held here, or read back from the
// cache. The cache may already hold newer data: a refresh saves it after
// applying it and before it records its summary. That is good data too,
// the filter in force a moment later. A cache that is gone, unreadable,
// invalid or for another as_set is an error; the caller treats the peer as
// having no data and refreshes it.
func (g *lastGood) result(cache irr.Cache, peer string) (*irr.Result, error) {
	if g.data != nil {
		return g.data, nil
	}
	res, err := cache.Load(peer)
	switch {
	case err != nil:
		return nil, err
	case res.Target != g.target:
		return nil, fmt.Errorf("irr cache for %s holds %s, not %s", peer, res.Target, g.target)
	}
	return res, nil
}

// dataDigest identifies what the route server is given of res: the
// origins and both prefix lists, in order.
func dataDigest(res *irr.Result) [sha256.Size]byte {
	h := sha256.New()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(len(res.Origins)))
	h.Write(b[:])
	for _, asn := range res.Origins {
		binary.BigEndian.PutUint32(b[:4], asn)
		h.Write(b[:4])
	}
	for _, list := range [][]filters.PrefixRange{res.IPv4, res.IPv6} {
		binary.BigEndian.PutUint64(b[:], uint64(len(list)))
		h.Write(b[:])
		for _, r := range list {
			a := r.Prefix.Addr().As16()
			h.Write(a[:])
			h.Write([]byte{byte(r.Prefix.Bits()), r.Min, r.Max})
		}
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}
