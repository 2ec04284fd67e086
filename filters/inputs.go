package filters

import (
	"net/netip"
	"sort"
)

// Settings are the checks' global knobs ([filters] in the config).
type Settings struct {
	IPv4Length    [2]uint8 // inclusive min, max prefix length
	IPv6Length    [2]uint8
	MaxASPathLen  int
	NextHopStrict bool
	Bogons        *BogonTable // nil means DefaultBogons
	// Blackhole: families with a blackhole next hop honour RFC 7999
	// requests (filters/blackhole.go). Zero: blackholing off.
	Blackhole BlackholeSettings
	// RPKI validates origins (check 14); nil: RPKI is off.
	RPKI RPKIValidator

	// Lists (checks_lists.go): nil or empty turns the check off.
	GlobalBlacklist *Blacklist // reason 3, incl. the peering LANs
	TransitFree     *ASNList   // reason 8
	NeverViaRS      *ASNList   // reason 15
}

// DefaultSettings are ARouteServer's defaults: /8-/24, /12-/48, 32 ASNs,
// strict next hop.
func DefaultSettings() Settings {
	return Settings{IPv4Length: [2]uint8{8, 24}, IPv6Length: [2]uint8{12, 48},
		MaxASPathLen: 32, NextHopStrict: true,
		TransitFree: NewASNList("transit-free", ASNs("", DefaultTransitFreeASNs...))}
}

func (s *Settings) bogons() *BogonTable {
	if s.Bogons == nil {
		return DefaultBogons
	}
	return s.Bogons
}

// OriginSet is the set of origin ASNs a peer may announce, from its AS-SET.
type OriginSet struct {
	Source string // what it was expanded from, e.g. "AS-FOO" or "AS21001"
	asns   map[uint32]struct{}
}

// NewOriginSet builds a set; Source names it in evidence.
func NewOriginSet(source string, asns []uint32) *OriginSet {
	o := &OriginSet{Source: source, asns: make(map[uint32]struct{}, len(asns))}
	for _, a := range asns {
		o.asns[a] = struct{}{}
	}
	return o
}

// Contains reports membership.
func (o *OriginSet) Contains(a uint32) bool { _, ok := o.asns[a]; return ok }

// Len is the number of ASNs.
func (o *OriginSet) Len() int { return len(o.asns) }

// Sorted returns the ASNs in ascending order.
func (o *OriginSet) Sorted() []uint32 {
	out := make([]uint32, 0, len(o.asns))
	for a := range o.asns {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Peer is everything the checks need to know about the announcing peer.
type Peer struct {
	Name    string
	ASN     uint32
	Address netip.Addr
	// Addresses are the peer's other addresses on the peering LAN, e.g.
	// its IPv6 address when the session runs over IPv4 (filters/nexthop.go).
	Addresses []netip.Addr
	Families  Families      // 0: the session address's family only
	NextHop   NextHopPolicy // zero: Settings.NextHopStrict decides
	Allowed   *PrefixList   // nil or empty: nothing is accepted (RFC 8212 spirit)
	Origins   *OriginSet    // nil: no AS-SET configured, origin check off
	// Dampened reports whether (peer, prefix) is suppressed, with evidence.
	// nil means dampening is off for the peer.
	Dampened func(netip.Prefix) (detail string, suppressed bool)
	// Blocked reports whether (peer, prefix) arrived past the peer's
	// max-prefix limit with action "block", with evidence. nil: no block.
	Blocked func(netip.Prefix) (detail string, blocked bool)

	// Per-peer lists and switches (checks_lists.go).
	Blacklist      *Blacklist     // reason 11; nil: none
	AllowedRoutes  []AllowedRoute // pass the origin and prefix checks
	PrefixCheckOff bool           // enforce_prefixes = false: reason 12 only noted
	OriginCheckOff bool           // enforce_origins = false: reason 9 only noted
}

// With returns a copy of the set extended by extra ASNs (allowed_origins),
// named "<source> + <label>" in evidence; o itself is unchanged. No extra
// ASNs: o is returned as is.
func (o *OriginSet) With(extra []uint32, label string) *OriginSet {
	if len(extra) == 0 || o == nil {
		return o
	}
	out := &OriginSet{Source: o.Source + " + " + label, asns: make(map[uint32]struct{}, len(o.asns)+len(extra))}
	for a := range o.asns {
		out.asns[a] = struct{}{}
	}
	for _, a := range extra {
		out.asns[a] = struct{}{}
	}
	return out
}
