package filters

import (
	"fmt"
	"strconv"
)

// Names of the list sets shared by every peer.
const (
	setGlobalBlacklist4 = "rs-global-blacklist-v4"
	setGlobalBlacklist6 = "rs-global-blacklist-v6"
	setNeverViaRS       = "rs-never-via-rs"
)

// compileCommonLists adds the global blacklist and the never-via-route-
// servers ASNs to the shared policy. Empty lists compile to nothing.
func compileCommonLists(s *Settings) (sets []PrefixSetDef, paths []ASPathSetDef, st []Statement) {
	v4, v6 := SplitFamilies(s.GlobalBlacklist.Ranges())
	if len(v4) > 0 {
		sets = append(sets, PrefixSetDef{Name: setGlobalBlacklist4, Family: FamilyIPv4, Entries: NormalizeLongestMatch(v4)})
		st = append(st, Statement{Name: "global-blacklist-v4", Reason: ReasonGlobalBlacklist, Family: FamilyIPv4, PrefixSet: setGlobalBlacklist4})
	}
	if len(v6) > 0 {
		sets = append(sets, PrefixSetDef{Name: setGlobalBlacklist6, Family: FamilyIPv6, Entries: NormalizeLongestMatch(v6)})
		st = append(st, Statement{Name: "global-blacklist-v6", Reason: ReasonGlobalBlacklist, Family: FamilyIPv6, PrefixSet: setGlobalBlacklist6})
	}
	if asns := s.NeverViaRS.Sorted(); len(asns) > 0 {
		paths = append(paths, ASPathSetDef{Name: setNeverViaRS, Patterns: []string{asnAlternation(asns)}})
		st = append(st, Statement{Name: "never-via-rs", Reason: ReasonNeverViaRouteServersASN, ASPathSet: setNeverViaRS})
	}
	return sets, paths, st
}

// PeerListSetNames are the names of a peer's list sets and of its IRR
// policy (the last of its import chain).
type PeerListSetNames struct {
	TransitFree, Block4, Block6, IRRPolicy string
}

// ListSetNames returns the list set names used for peer name.
func ListSetNames(peer string) PeerListSetNames {
	p := "rs-" + peer
	return PeerListSetNames{TransitFree: p + "-transit-free", Block4: p + "-blacklist-v4",
		Block6: p + "-blacklist-v6", IRRPolicy: "rs-irr-" + peer}
}

// compilePeerLists adds the per-peer list checks to the peer's policy:
// transit-free ASNs other than the peer's own (per peer, because the
// exception is the peer's ASN) and the peer's blacklist. The blacklist sets
// always exist, so a reload can fill an empty one in place.
func compilePeerLists(s *Settings, p *Peer) (sets []PrefixSetDef, paths []ASPathSetDef, st []Statement) {
	n := ListSetNames(p.Name)
	var tf []uint32
	for _, a := range s.TransitFree.Sorted() {
		if a != p.ASN {
			tf = append(tf, a)
		}
	}
	if len(tf) > 0 {
		paths = append(paths, ASPathSetDef{Name: n.TransitFree, Patterns: []string{asnAlternation(tf)}})
		st = append(st, Statement{Name: "transit-free", Reason: ReasonTransitFreeASN, ASPathSet: n.TransitFree})
	}
	v4, v6 := SplitFamilies(p.Blacklist.Ranges())
	sets = append(sets,
		PrefixSetDef{Name: n.Block4, Family: FamilyIPv4, Entries: NormalizeLongestMatch(v4)},
		PrefixSetDef{Name: n.Block6, Family: FamilyIPv6, Entries: NormalizeLongestMatch(v6)})
	st = append(st,
		Statement{Name: "blacklist-v4", Reason: ReasonPeerBlacklist, Family: FamilyIPv4, PrefixSet: n.Block4},
		Statement{Name: "blacklist-v6", Reason: ReasonPeerBlacklist, Family: FamilyIPv6, PrefixSet: n.Block6})
	return sets, paths, st
}

// allowedSetName names the sets of one allowed_routes group.
func allowedSetName(peer string, origin uint32, suffix string) string {
	o := "any"
	if origin != 0 {
		o = strconv.FormatUint(uint64(origin), 10)
	}
	return fmt.Sprintf("rs-%s-allowed-%s-%s", peer, o, suffix)
}

// compileIRRPolicy builds the peer's last policy: the IRR checks (origin,
// registered prefix), preceded by ACCEPT statements for its allowed_routes.
// It is the only policy that accepts: being last in the chain, an accept
// there can only skip the IRR checks, which is what an allowed route means
// (every other check already ran). A check turned off by the peer's config
// is not compiled: the evaluator notes it instead.
func compileIRRPolicy(p *Peer, origins, allow4, allow6 string) Compiled {
	var c Compiled
	var st []Statement
	type group struct {
		origin uint32
		v4     bool
	}
	ranges := map[group][]PrefixRange{}
	var order []group
	for _, a := range p.AllowedRoutes {
		g := group{a.Origin, a.Range.Prefix.Addr().Is4()}
		if _, ok := ranges[g]; !ok {
			order = append(order, g)
		}
		ranges[g] = append(ranges[g], a.Range)
	}
	originSets := map[uint32]bool{}
	for _, g := range order {
		fam, suffix := FamilyIPv6, "v6"
		if g.v4 {
			fam, suffix = FamilyIPv4, "v4"
		}
		set := allowedSetName(p.Name, g.origin, suffix)
		c.PrefixSets = append(c.PrefixSets, PrefixSetDef{Name: set, Family: fam, Entries: NormalizeLongestMatch(ranges[g])})
		s := Statement{Name: "allowed-" + set, Family: fam, PrefixSet: set, Accept: true}
		if g.origin != 0 {
			s.ASPathSet = allowedSetName(p.Name, g.origin, "origin")
			if !originSets[g.origin] {
				originSets[g.origin] = true
				c.ASPathSets = append(c.ASPathSets, ASPathSetDef{Name: s.ASPathSet, Patterns: []string{fmt.Sprintf("_%d$", g.origin)}})
			}
		}
		st = append(st, s)
	}
	if p.Origins != nil && !p.OriginCheckOff {
		st = append(st, Statement{Name: "origin", Reason: ReasonOriginNotInASSet, ASPathSet: origins, ASPathSetInvert: true})
	}
	if !p.PrefixCheckOff {
		st = append(st,
			Statement{Name: "not-registered-v4", Reason: ReasonPrefixNotRegistered, Family: FamilyIPv4, PrefixSet: allow4, PrefixSetInvert: true},
			Statement{Name: "not-registered-v6", Reason: ReasonPrefixNotRegistered, Family: FamilyIPv6, PrefixSet: allow6, PrefixSetInvert: true})
	}
	c.Policies = append(c.Policies, Policy{Name: ListSetNames(p.Name).IRRPolicy, Statements: st})
	return c
}

// PeerSetsToDelete lists every set a compiled peer policy defines, for
// removing a peer.
func PeerSetsToDelete(c Compiled) (prefixSets, asPathSets []string) {
	for _, s := range c.PrefixSets {
		prefixSets = append(prefixSets, s.Name)
	}
	for _, s := range c.ASPathSets {
		asPathSets = append(asPathSets, s.Name)
	}
	return prefixSets, asPathSets
}
