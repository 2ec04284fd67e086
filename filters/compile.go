package filters

import (
	"fmt"
	"net/netip"
)

// Family selects the address family a statement applies to.
type Family uint8

const (
	FamilyAny Family = iota
	FamilyIPv4
	FamilyIPv6
)

// PrefixSetDef is a named prefix set of ONE family (GoBGP sets are single
// family). Entries are already normalised for longest-match-only engines.
type PrefixSetDef struct {
	Name    string
	Family  Family
	Entries []PrefixRange
}

// ASPathSetDef is a named AS-path set: GoBGP patterns such as "^21001_",
// "_21001$" or a regexp where "_" is a delimiter.
type ASPathSetDef struct {
	Name     string
	Patterns []string
}

// Statement is one reject-only rule: when all present conditions hold the
// route is rejected. Compiled policies never accept, so that evaluation order
// cannot change the outcome and the chain's default (accept) applies only to
// routes no statement rejected.
type Statement struct {
	Name   string
	Reason Reason
	Family Family // FamilyAny: no family condition

	PrefixSet       string // name of a PrefixSetDef, "" if none
	PrefixSetInvert bool   // true: match routes NOT in the set
	ASPathSet       string
	ASPathSetInvert bool
	ASPathLengthGE  int            // >0: match AS_PATH length >= this
	NextHopIn       []netip.Prefix // non-empty: match next hops inside any
	RPKIInvalid     bool           // match routes GoBGP's ROA table finds INVALID
	// Accept makes the statement accept instead of reject; only the last
	// policy of a chain uses it (compileIRRPolicy explains why).
	Accept bool

	// Community conditions and route changes (filters/actions.go). A
	// statement with Mods does not reject: it changes the route and the
	// chain goes on.
	Std, Large *CommunityMatch
	RPKIState  RPKICondition // match routes GoBGP validates to this state
	Mods       *Mods
}

// Policy is an ordered list of reject-only statements.
type Policy struct {
	Name       string
	Statements []Statement
}

// Compiled is the engine-neutral form of a set of checks.
type Compiled struct {
	PrefixSets []PrefixSetDef
	ASPathSets []ASPathSetDef
	// CommunitySets are the standard and large community sets the
	// statements' Std and Large conditions name (filters/actions.go).
	CommunitySets []CommunitySetDef
	Policies      []Policy
}

// Names of the shared policy and its sets.
const (
	CommonPolicy = "rs-common"
	setBogon4    = "rs-bogon-v4"
	setBogon6    = "rs-bogon-v6"
	setGlobal6   = "rs-global-v6"
	setLength4   = "rs-length-v4"
	setLength6   = "rs-length-v6"
	setBogonASN  = "rs-bogon-asn"
)

// CompileCommon compiles the checks that are the same for every peer:
// bogon prefixes, prefix lengths, bogon ASNs and AS_PATH length.
func CompileCommon(s *Settings) Compiled {
	var c Compiled
	var b4, b6 []PrefixRange
	for _, e := range s.bogons().Entries() {
		hi := uint8(e.Prefix.Addr().BitLen())
		if e.Exact {
			hi = uint8(e.Prefix.Bits())
		}
		r := PrefixRange{Prefix: e.Prefix, Min: uint8(e.Prefix.Bits()), Max: hi}
		if e.Prefix.Addr().Is4() {
			b4 = append(b4, r)
		} else {
			b6 = append(b6, r)
		}
	}
	c.PrefixSets = append(c.PrefixSets,
		PrefixSetDef{Name: setBogon4, Family: FamilyIPv4, Entries: NormalizeLongestMatch(b4)},
		PrefixSetDef{Name: setBogon6, Family: FamilyIPv6, Entries: NormalizeLongestMatch(b6)},
		PrefixSetDef{Name: setGlobal6, Family: FamilyIPv6, Entries: []PrefixRange{{Prefix: GlobalUnicastIPv6, Min: 3, Max: 128}}},
		PrefixSetDef{Name: setLength4, Family: FamilyIPv4, Entries: []PrefixRange{{Prefix: netip.MustParsePrefix("0.0.0.0/0"), Min: s.IPv4Length[0], Max: s.IPv4Length[1]}}},
		PrefixSetDef{Name: setLength6, Family: FamilyIPv6, Entries: []PrefixRange{{Prefix: netip.MustParsePrefix("::/0"), Min: s.IPv6Length[0], Max: s.IPv6Length[1]}}},
	)
	c.ASPathSets = append(c.ASPathSets, ASPathSetDef{Name: setBogonASN,
		Patterns: []string{"_(" + bogonASNAlternation() + ")_"}})
	c.Policies = append(c.Policies, Policy{Name: CommonPolicy, Statements: []Statement{
		{Name: "bogon-v4", Reason: ReasonBogonPrefix, Family: FamilyIPv4, PrefixSet: setBogon4},
		{Name: "bogon-v6", Reason: ReasonBogonPrefix, Family: FamilyIPv6, PrefixSet: setBogon6},
		{Name: "not-global-v6", Reason: ReasonIPv6NotGlobalUnicast, Family: FamilyIPv6, PrefixSet: setGlobal6, PrefixSetInvert: true},
		{Name: "length-v4", Reason: ReasonPrefixLength, Family: FamilyIPv4, PrefixSet: setLength4, PrefixSetInvert: true},
		{Name: "length-v6", Reason: ReasonPrefixLength, Family: FamilyIPv6, PrefixSet: setLength6, PrefixSetInvert: true},
		{Name: "bogon-asn", Reason: ReasonBogonASN, ASPathSet: setBogonASN},
		{Name: "as-path-too-long", Reason: ReasonASPathTooLong, ASPathLengthGE: s.MaxASPathLen + 1},
		// Always present: with RPKI off GoBGP's ROA table is empty and
		// nothing is INVALID, so [rpki] can be turned on by a reload.
		{Name: "rpki-invalid", Reason: ReasonRPKIInvalid, RPKIInvalid: true},
	}})
	ls, lp, lst := compileCommonLists(s)
	c.PrefixSets, c.ASPathSets = append(c.PrefixSets, ls...), append(c.ASPathSets, lp...)
	c.Policies[0].Statements = append(c.Policies[0].Statements, lst...)
	addASSetCheck(&c) // asset.go
	return c
}

// PeerSetNames are the names of a peer's mutable sets, so the route server
// can update them in place (never with Replace: notes §3 pitfall 4).
type PeerSetNames struct {
	Policy, First, Origins, Allow4, Allow6, Damp4, Damp6 string
	Block4, Block6                                       string // max-prefix "block": exact prefixes past the limit
}

// SetNames returns the set names used for peer name.
func SetNames(peer string) PeerSetNames {
	p := "rs-" + peer
	return PeerSetNames{Policy: "rs-in-" + peer, First: p + "-first", Origins: p + "-origins",
		Allow4: p + "-allow-v4", Allow6: p + "-allow-v6", Damp4: p + "-damp-v4", Damp6: p + "-damp-v6",
		Block4: p + "-mpblock-v4", Block6: p + "-mpblock-v6"}
}

// SplitFamilies separates ranges into IPv4 and IPv6.
func SplitFamilies(rs []PrefixRange) (v4, v6 []PrefixRange) {
	for _, r := range rs {
		if r.Prefix.Addr().Is4() {
			v4 = append(v4, r)
		} else {
			v6 = append(v6, r)
		}
	}
	return v4, v6
}

// OriginPatterns renders an origin set as GoBGP single-ASN origin patterns.
func OriginPatterns(o *OriginSet) []string {
	var out []string
	for _, a := range o.Sorted() {
		out = append(out, fmt.Sprintf("_%d$", a))
	}
	return out
}

// CompilePeer compiles the per-peer checks: first AS, next hop, origin,
// allowed prefixes and the dampening sets (created empty; the dampening
// engine fills them at run time).
func CompilePeer(s *Settings, p *Peer) Compiled {
	n := SetNames(p.Name)
	var c Compiled
	v4, v6 := SplitFamilies(p.Allowed.Ranges())
	c.PrefixSets = append(c.PrefixSets,
		PrefixSetDef{Name: n.Allow4, Family: FamilyIPv4, Entries: NormalizeLongestMatch(v4)},
		PrefixSetDef{Name: n.Allow6, Family: FamilyIPv6, Entries: NormalizeLongestMatch(v6)},
		PrefixSetDef{Name: n.Damp4, Family: FamilyIPv4},
		PrefixSetDef{Name: n.Damp6, Family: FamilyIPv6},
		PrefixSetDef{Name: n.Block4, Family: FamilyIPv4},
		PrefixSetDef{Name: n.Block6, Family: FamilyIPv6},
	)
	c.ASPathSets = append(c.ASPathSets, ASPathSetDef{Name: n.First, Patterns: []string{fmt.Sprintf("^%d_", p.ASN)}})
	st := []Statement{
		{Name: "first-as", Reason: ReasonFirstASMismatch, ASPathSet: n.First, ASPathSetInvert: true},
	}
	st = append(st, compileFamilies(p)...)
	st = append(st, compileNextHop(s, p)...)
	if p.Origins != nil {
		c.ASPathSets = append(c.ASPathSets, ASPathSetDef{Name: n.Origins, Patterns: OriginPatterns(p.Origins)})
	}
	ls, lp, lst := compilePeerLists(s, p)
	c.PrefixSets, c.ASPathSets = append(c.PrefixSets, ls...), append(c.ASPathSets, lp...)
	st = append(st, lst...)
	st = append(st,
		Statement{Name: "dampened-v4", Reason: ReasonDampened, Family: FamilyIPv4, PrefixSet: n.Damp4},
		Statement{Name: "dampened-v6", Reason: ReasonDampened, Family: FamilyIPv6, PrefixSet: n.Damp6},
		Statement{Name: "max-prefix-blocked-v4", Reason: ReasonMaxPrefixBlocked, Family: FamilyIPv4, PrefixSet: n.Block4},
		Statement{Name: "max-prefix-blocked-v6", Reason: ReasonMaxPrefixBlocked, Family: FamilyIPv6, PrefixSet: n.Block6},
	)
	c.Policies = append(c.Policies, Policy{Name: n.Policy, Statements: st})
	// The IRR checks (origin, registered prefix) live in a last policy of
	// their own, after every other check, because allowed_routes accept.
	irr := compileIRRPolicy(p, n.Origins, n.Allow4, n.Allow6)
	c.PrefixSets, c.ASPathSets = append(c.PrefixSets, irr.PrefixSets...), append(c.ASPathSets, irr.ASPathSets...)
	c.Policies = append(c.Policies, irr.Policies...)
	return c
}

// Complement returns the prefixes that cover every address of a's family
// except a itself: one per bit. GoBGP's next-hop condition has no "not in",
// so "next hop != peer" is written as "next hop in the complement".
func Complement(a netip.Addr) []netip.Prefix {
	bits := a.BitLen()
	out := make([]netip.Prefix, 0, bits)
	raw := a.AsSlice()
	for i := 0; i < bits; i++ {
		b := make([]byte, len(raw))
		copy(b, raw)
		b[i/8] ^= 0x80 >> (i % 8)
		addr, _ := netip.AddrFromSlice(b)
		out = append(out, netip.PrefixFrom(addr, i+1).Masked())
	}
	return out
}
