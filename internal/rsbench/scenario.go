package rsbench

import (
	"fmt"
	"net/netip"
)

// Route-server side of every scenario.
const (
	RSAddr = "127.120.0.1"
	RSASN  = 21000
	// firstClientASN is the ASN of client 1; client i has firstClientASN+i-1.
	// Public ASNs, so no route server rejects the paths as bogon ASNs.
	firstClientASN = 21001
)

// InvalidKind says why a route must be rejected by every route server.
type InvalidKind string

const (
	Bogon        InvalidKind = "bogon"        // RFC 1918 / shared address space
	Unregistered InvalidKind = "unregistered" // public, outside the peer's filter
	TooSpecific  InvalidKind = "too-specific" // a /25 inside the peer's filter
)

// Invalid is a route a client announces that must reach nobody.
type Invalid struct {
	Prefix netip.Prefix
	Kind   InvalidKind
}

// Peer is one client: its address, ASN, prefix filter and announcements.
type Peer struct {
	Name string // BIRD-safe protocol name, also used in every RS config
	Addr netip.Addr
	ASN  uint32
	// Allowed are the peer's registered /16s; each is accepted with
	// more-specifics down to /24 ("prefix{16,24}" in rsguard's syntax).
	Allowed []netip.Prefix
	// ExtraExact are single prefixes also accepted exactly. Empty in a real
	// scenario; InjectLeak uses it to plant a filter hole.
	ExtraExact []netip.Prefix
	Valid      []netip.Prefix
	Invalid    []Invalid
}

// Announced returns every prefix the peer originates, valid first.
func (p *Peer) Announced() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(p.Valid)+len(p.Invalid))
	out = append(out, p.Valid...)
	for _, inv := range p.Invalid {
		out = append(out, inv.Prefix)
	}
	return out
}

// Scenario is everything every route-server config and every client
// config is generated from.
type Scenario struct {
	Name  string
	Peers []*Peer
}

// Sizes are the named scenarios of issue 11: peers and routes per peer.
// skewed is built by Skewed instead (its peers differ in size).
var Sizes = map[string][2]int{
	"medium": {10, 10000},
	"large":  {3, 300000},
	"ixp":    {60, 2000},
}

// NewScenario returns the named size; "custom" uses peers and routes.
func NewScenario(size string, peers, routes int) (*Scenario, error) {
	if size == "skewed" {
		return Skewed(), nil
	}
	if size != "custom" {
		pr, ok := Sizes[size]
		if !ok {
			return nil, fmt.Errorf("unknown size %q (medium, large, ixp, skewed, custom)", size)
		}
		peers, routes = pr[0], pr[1]
	}
	counts := make([]int, peers)
	for i := range counts {
		counts[i] = routes
	}
	return Build(fmt.Sprintf("%s %dx%d", size, peers, routes), counts)
}

// Skewed is the IXP-shaped long tail: 4 large peers of 20,000 routes and
// 100 small ones of 200, 104 sessions in all.
func Skewed() *Scenario {
	counts := make([]int, 0, 104)
	for range 4 {
		counts = append(counts, 20000)
	}
	for range 100 {
		counts = append(counts, 200)
	}
	s, _ := Build("skewed 4x20000+100x200", counts)
	return s
}

// Build makes one peer per entry of routes, peer i announcing routes[i]
// prefixes of which routes[i]/20 are invalid (bogon, unregistered and too
// specific in turn). Prefixes are distinct across all peers, so every valid
// route has exactly one path and every route server's best-path choice is
// the same.
func Build(name string, routes []int) (*Scenario, error) {
	if len(routes) < 2 {
		return nil, fmt.Errorf("need at least 2 peers, got %d", len(routes))
	}
	if len(routes) > 250*200 {
		return nil, fmt.Errorf("%d peers: at most 50000", len(routes))
	}
	space := newPublicSpace()
	bogons := newBogonSpace()
	s := &Scenario{Name: name}
	var unregistered int
	for i, r := range routes {
		if r < 1 {
			return nil, fmt.Errorf("peer %d: %d routes, need at least 1", i+1, r)
		}
		p := &Peer{
			Name: fmt.Sprintf("c%d", i+1),
			Addr: ClientAddr(i),
			ASN:  uint32(firstClientASN + i),
		}
		nInvalid := r / 20
		nValid := r - nInvalid
		for len(p.Valid) < nValid {
			blk, err := space.next16()
			if err != nil {
				return nil, err
			}
			p.Allowed = append(p.Allowed, blk)
			for k := 0; k < 256 && len(p.Valid) < nValid; k++ {
				p.Valid = append(p.Valid, slash24(blk, k))
			}
		}
		for k := range nInvalid {
			switch k % 3 {
			case 0:
				p.Invalid = append(p.Invalid, Invalid{bogons.next(), Bogon})
			case 1:
				unregistered++
				p.Invalid = append(p.Invalid, Invalid{Kind: Unregistered}) // filled below
			case 2:
				// A /25 in the upper half of one of the peer's /24s: inside
				// the filter's prefix, one bit too long.
				base := p.Valid[(k/3)%len(p.Valid)]
				p.Invalid = append(p.Invalid, Invalid{netip.PrefixFrom(add(base.Addr(), 128), 25), TooSpecific})
			}
		}
		s.Peers = append(s.Peers, p)
	}
	// Unregistered prefixes come from /16s no peer was given.
	var pool []netip.Prefix
	for _, p := range s.Peers {
		for j := range p.Invalid {
			if p.Invalid[j].Kind != Unregistered {
				continue
			}
			if len(pool) == 0 {
				blk, err := space.next16()
				if err != nil {
					return nil, err
				}
				for k := range 256 {
					pool = append(pool, slash24(blk, k))
				}
			}
			p.Invalid[j].Prefix, pool = pool[0], pool[1:]
		}
	}
	return s, nil
}

// ClientAddr is the loopback address of client i (0-based): 127.120.1.1,
// ..., 127.120.1.200, 127.120.2.1, ...
func ClientAddr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{127, 120, byte(1 + i/200), byte(1 + i%200)})
}

// Expected returns the routes client i must hold: every other peer's valid
// prefixes, mapped to the peer that announced them.
func (s *Scenario) Expected(i int) map[netip.Prefix]*Peer {
	out := map[netip.Prefix]*Peer{}
	for j, p := range s.Peers {
		if j == i {
			continue
		}
		for _, v := range p.Valid {
			out[v] = p
		}
	}
	return out
}

// TotalRoutes is how many routes all clients announce together.
func (s *Scenario) TotalRoutes() (all, valid int) {
	for _, p := range s.Peers {
		all += len(p.Valid) + len(p.Invalid)
		valid += len(p.Valid)
	}
	return all, valid
}

// InjectLeak opens a hole in peer 0's filter for its first unregistered
// prefix, so every route server accepts a route that must be rejected. It
// exists to prove the leak check can fail; it returns the leaked prefix.
func (s *Scenario) InjectLeak() (netip.Prefix, error) {
	p := s.Peers[0]
	for _, inv := range p.Invalid {
		if inv.Kind == Unregistered {
			p.ExtraExact = append(p.ExtraExact, inv.Prefix)
			return inv.Prefix, nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("peer %s announces no unregistered prefix to leak", p.Name)
}

func slash24(blk netip.Prefix, k int) netip.Prefix {
	a := blk.Addr().As4()
	a[2] = byte(k)
	return netip.PrefixFrom(netip.AddrFrom4(a), 24)
}

func add(a netip.Addr, n uint32) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += n
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
