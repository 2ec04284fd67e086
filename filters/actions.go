package filters

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Import actions: the route changes the route server makes on import, on
// top of the reject-only checks (compile.go). They are applied to the
// compiled policies by CompileCommonActions and CompilePeerActions, so the
// checks themselves stay in one place:
//
//   - blackholing (RFC 7999): each length and registered-space check is
//     split in two, one for ordinary routes and one for honoured BLACKHOLE
//     requests (any length, inside the registered space); honoured
//     requests get NO_EXPORT and the blackhole next hop;
//   - graceful shutdown (RFC 8326): routes carrying GRACEFUL_SHUTDOWN, and
//     every route of a peer (or of the whole server) being shut down
//     gracefully, get the lowest LOCAL_PREF; the latter also the community;
//   - reject_policy = "tag": every reject becomes "add RS:65520:code (and
//     the Euro-IX RS:1101:x)"; such routes stay in the RIB and the export
//     guard (routeserver/guard.go) sends them to no one;
//   - info_communities: RS:1001:1 on routes inside the registered space,
//     RS:1000:1/2/4 (RPKI valid/unknown/invalid), RS:1000:3 without RPKI.
//
// A modifying statement has no route action, so GoBGP goes on with the
// next statement (Statement.Apply returns ROUTE_TYPE_NONE): every failing
// check adds its code, like the evaluator reports every reason. Statements
// clone the path before changing it, so the Adj-RIB-In stays pre-policy and
// a soft reset in re-evaluates the routes as received.

// Mods are the route changes of a modifying statement.
type Mods struct {
	AddStd      []Community
	RemoveStd   []string // patterns; GoBGP allows one standard-community action per statement
	AddLarge    []LargeCommunity
	RemoveLarge []string   // patterns
	LocalPref   uint32     // >0: set LOCAL_PREF
	NextHop     netip.Addr // valid: set NEXT_HOP
}

// LocalPrefLowest is the LOCAL_PREF of gracefully shut down and tagged
// routes. RFC 8326 asks for 0, but GoBGP's API reads a LOCAL_PREF action
// of 0 as "no action" (grpc_server.go newLocalPrefActionFromApiStruct), so
// 1 is the lowest it can set; routes without LOCAL_PREF count as 100.
const LocalPrefLowest = 1

// Large-community functions of the route server's own communities
// (ARouteServer reject_cause, Euro-IX filtered and informational).
const (
	LCRejectCause = 65520 // RS:65520:code, the reject reason
	LCFiltered    = 1101  // RS:1101:x, Euro-IX "filtered because"
	LCRPKIInfo    = 1000  // RS:1000:x, Euro-IX RPKI state
	LCIRRInfo     = 1001  // RS:1001:x, Euro-IX IRR state

	RPKIInfoValid       = 1 // RS:1000:1
	RPKIInfoUnknown     = 2 // RS:1000:2 (no VRP covers the prefix)
	RPKIInfoNotChecked  = 3 // RS:1000:3
	RPKIInfoInvalid     = 4 // RS:1000:4
	IRRInfoValid        = 1 // RS:1001:1
	IRRInfoMoreSpecific = 3 // RS:1001:3: a blackhole request past the registered length
)

// RPKICondition is a condition on GoBGP's origin validation of a route.
type RPKICondition uint8

const (
	RPKIAny      RPKICondition = iota // no condition
	RPKINotFound                      // no VRP covers the prefix
	RPKIValid
	RPKIInvalidState
)

// EuroIXFiltered maps reject reasons to Euro-IX RS:1101:x, as ARouteServer's
// configure does (route-server-reference.md §b). Reasons not listed have
// no Euro-IX code and carry only RS:65520:code.
var EuroIXFiltered = map[Reason]uint32{
	ReasonASPathTooLong:        5,
	ReasonBogonPrefix:          3,
	ReasonNextHopMismatch:      8,
	ReasonFirstASMismatch:      7,
	ReasonBogonASN:             4,
	ReasonTransitFreeASN:       14,
	ReasonOriginNotInASSet:     10,
	ReasonIPv6NotGlobalUnicast: 3,
	ReasonPrefixNotRegistered:  9,
	ReasonRPKIInvalid:          13,
}

// RejectCommunities are the large communities a route rejected for r
// carries under reject_policy = "tag".
func RejectCommunities(rs uint32, r Reason) []LargeCommunity {
	out := []LargeCommunity{{rs, LCRejectCause, uint32(r)}}
	if x, ok := EuroIXFiltered[r]; ok {
		out = append(out, LargeCommunity{rs, LCFiltered, x})
	}
	return out
}

// ActionSettings are the server-wide switches of the import actions.
type ActionSettings struct {
	RSASN     uint32
	Tag       bool // [filters] reject_policy = "tag"
	Info      bool // [filters] info_communities
	Blackhole BlackholeSettings
	// GracefulShutdown tags every route ([global] graceful_shutdown).
	GracefulShutdown bool
	// RPKI: origin validation is on ([rpki] has a source), so the info
	// communities carry its state; off: RS:1000:3 (not checked).
	RPKI bool
}

// Shared sets of the import actions.
const (
	setActBlackhole = "rs-act-blackhole"
	setActGshut     = "rs-act-gshut"
	setActTagged    = "rs-act-tagged"
	setActOwnInfo   = "rs-act-own-info"
	setActIRRValid  = "rs-act-irr-valid"
	setBHLength4    = "rs-bh-length-v4"
	setBHLength6    = "rs-bh-length-v6"
	// SetGshutAll4 and SetGshutAll6 hold every prefix of their family
	// while the whole server is shut down gracefully, nothing otherwise.
	SetGshutAll4 = "rs-gshut-all-v4"
	SetGshutAll6 = "rs-gshut-all-v6"
)

// ActionSetNames are a peer's own sets of the import actions.
type ActionSetNames struct {
	Blackhole4, Blackhole6 string // registered space at any length
	Gshut4, Gshut6         string // every prefix while the peer is shut down gracefully
}

// ActionSets returns the action set names of peer name.
func ActionSets(peer string) ActionSetNames {
	p := "rs-" + peer
	return ActionSetNames{Blackhole4: p + "-bh-v4", Blackhole6: p + "-bh-v6", Gshut4: p + "-gshut-v4", Gshut6: p + "-gshut-v6"}
}

// AllPrefixes is the range matching every prefix of the family, the
// content of a graceful-shutdown set that is on.
func AllPrefixes(v4 bool) PrefixRange {
	if v4 {
		return PrefixRange{Prefix: netip.MustParsePrefix("0.0.0.0/0"), Min: 0, Max: 32}
	}
	return PrefixRange{Prefix: netip.MustParsePrefix("::/0"), Min: 0, Max: 128}
}

func onOff(on, v4 bool) []PrefixRange {
	if !on {
		return nil
	}
	return []PrefixRange{AllPrefixes(v4)}
}

func tagged(rs uint32) string { return fmt.Sprintf("^%d:%d:[0-9]+$", rs, LCRejectCause) }

// ownInfo are the large communities only the route server may set; a
// client's copies are removed on import so the RIB shows only ours.
func ownInfo(rs uint32) []string {
	return []string{tagged(rs), fmt.Sprintf("^%d:(%d|%d|%d):[0-9]+$", rs, LCFiltered, LCRPKIInfo, LCIRRInfo)}
}

var (
	isBlackhole = &CommunityMatch{Set: setActBlackhole}
	noBlackhole = &CommunityMatch{Set: setActBlackhole, Invert: true}
	hasGshut    = &CommunityMatch{Set: setActGshut}
	noGshut     = &CommunityMatch{Set: setActGshut, Invert: true}
)

// CompileCommonActions applies the import actions to the shared policy.
func CompileCommonActions(c Compiled, s *Settings, a ActionSettings) Compiled {
	if !a.Tag { // one lookup per family and one AS-path string (compile_merge.go)
		c = foldCommonRejects(c, s, a.Blackhole.NextHopIPv4.IsValid(), a.Blackhole.NextHopIPv6.IsValid())
	}
	c.CommunitySets = append(c.CommunitySets,
		CommunitySetDef{Name: setActBlackhole, Patterns: []string{lit(Blackhole)}},
		CommunitySetDef{Name: setActGshut, Patterns: []string{lit(GracefulShutdown)}})
	if a.Tag {
		c.CommunitySets = append(c.CommunitySets, CommunitySetDef{Name: setActTagged, Large: true, Patterns: []string{tagged(a.RSASN)}})
		c.CommunitySets = append(c.CommunitySets, causeSets(a.RSASN)...)
	}
	if a.Tag || a.Info {
		c.CommunitySets = append(c.CommunitySets, CommunitySetDef{Name: setActOwnInfo, Large: true, Patterns: ownInfo(a.RSASN)})
	}
	if a.Info {
		c.CommunitySets = append(c.CommunitySets, CommunitySetDef{Name: setActIRRValid, Large: true,
			Patterns: []string{litLarge(a.RSASN, LCIRRInfo, IRRInfoValid)}})
	}
	c.PrefixSets = append(c.PrefixSets,
		PrefixSetDef{Name: setBHLength4, Family: FamilyIPv4, Entries: []PrefixRange{{Prefix: netip.MustParsePrefix("0.0.0.0/0"), Min: s.IPv4Length[0], Max: 32}}},
		PrefixSetDef{Name: setBHLength6, Family: FamilyIPv6, Entries: []PrefixRange{{Prefix: netip.MustParsePrefix("::/0"), Min: s.IPv6Length[0], Max: 128}}},
		PrefixSetDef{Name: SetGshutAll4, Family: FamilyIPv4, Entries: onOff(a.GracefulShutdown, true)},
		PrefixSetDef{Name: SetGshutAll6, Family: FamilyIPv6, Entries: onOff(a.GracefulShutdown, false)})
	for i := range c.Policies {
		if c.Policies[i].Name != CommonPolicy {
			continue
		}
		st := splitBlackhole(c.Policies[i].Statements, a.Blackhole, ReasonPrefixLength, setBHLength4, setBHLength6)
		st = tagRejects(st, a)
		if a.Tag || a.Info {
			// first, so a client cannot fake the route server's tags
			scrub := Statement{Name: "scrub-own-info", Large: &CommunityMatch{Set: setActOwnInfo},
				Mods: &Mods{RemoveLarge: ownInfo(a.RSASN)}}
			st = append([]Statement{scrub}, st...)
		}
		c.Policies[i].Statements = st
	}
	return c
}

// CompilePeerActions applies the import actions to a peer's policy.
// gshut says whether the peer is being shut down gracefully now.
func CompilePeerActions(c Compiled, s *Settings, a ActionSettings, p *Peer, gshut bool) Compiled {
	if !a.Tag { // transit-free without a regexp per path (compile_merge.go)
		c = foldPeerRejects(c, s, p)
	}
	n, sets := SetNames(p.Name), ActionSets(p.Name)
	v4, v6 := a.Blackhole.SpaceSets(p.Allowed)
	c.PrefixSets = append(c.PrefixSets,
		PrefixSetDef{Name: sets.Blackhole4, Family: FamilyIPv4, Entries: v4},
		PrefixSetDef{Name: sets.Blackhole6, Family: FamilyIPv6, Entries: v6},
		PrefixSetDef{Name: sets.Gshut4, Family: FamilyIPv4, Entries: onOff(gshut, true)},
		PrefixSetDef{Name: sets.Gshut6, Family: FamilyIPv6, Entries: onOff(gshut, false)})
	// The chain is [common, peer, IRR]. The IRR policy comes last because
	// its allowed_routes statements ACCEPT, which ends the chain: the route
	// changes every route needs (blackhole, graceful shutdown, RPKI info,
	// Euro-IX codes of the causes so far) go at the end of the peer's own
	// policy; the IRR info and the Euro-IX codes of the IRR causes at the
	// end of the IRR policy. Deriving Euro-IX codes twice is harmless:
	// remove, then add.
	irr := ListSetNames(p.Name).IRRPolicy
	for i := range c.Policies {
		st := c.Policies[i].Statements
		switch c.Policies[i].Name {
		case n.Policy:
			st = tagRejects(st, a)
			st = append(st, euroIXStatements(a)...)
			if a.Info {
				st = append(st, rpkiInfoStatements(a)...)
			}
			st = append(st, blackholeStatements(a)...)
			st = append(st, gshutStatements(sets)...)
		case irr:
			st = splitBlackhole(st, a.Blackhole, ReasonPrefixNotRegistered, sets.Blackhole4, sets.Blackhole6)
			st = tagRejects(st, a)
			st = append(st, euroIXStatements(a)...)
			if a.Info {
				st = append(st, infoStatements(a, n, sets)...)
			}
		default:
			continue
		}
		c.Policies[i].Statements = st
	}
	return c
}

// splitBlackhole splits each statement of reason r in a family with
// blackholing on: the original then applies to ordinary routes only, a
// sibling with the family's blackhole set to honoured blackhole requests.
// The evaluator makes the same split (pipeline.go via blackhole.go).
func splitBlackhole(in []Statement, b BlackholeSettings, r Reason, set4, set6 string) []Statement {
	var out []Statement
	for _, st := range in {
		if st.Reason != r || st.Mods != nil || st.Accept || !st.PrefixSetInvert {
			out = append(out, st)
			continue
		}
		set, on := set4, b.NextHopIPv4.IsValid()
		if st.Family == FamilyIPv6 {
			set, on = set6, b.NextHopIPv6.IsValid()
		}
		if !on || st.Family == FamilyAny {
			out = append(out, st)
			continue
		}
		bh := st
		st.Std = noBlackhole
		bh.Name, bh.PrefixSet, bh.Std = st.Name+"-blackhole", set, isBlackhole
		out = append(out, st, bh)
	}
	return out
}

// tagRejects turns every reject into "add RS:65520:code" when
// reject_policy is "tag". Several statements can check one reason (bogon
// and not-global-unicast IPv6 are both reason 2) and GoBGP's add does not
// deduplicate, so each adds its code only if the route lacks it.
func tagRejects(in []Statement, a ActionSettings) []Statement {
	if !a.Tag {
		return in
	}
	out := make([]Statement, len(in))
	for i, st := range in {
		if st.Mods == nil && st.Large == nil && !st.Accept {
			st.Mods = &Mods{AddLarge: []LargeCommunity{{a.RSASN, LCRejectCause, uint32(st.Reason)}}, LocalPref: LocalPrefLowest}
			st.Large = &CommunityMatch{Set: causeSet(st.Reason), Invert: true}
		}
		out[i] = st
	}
	return out
}

func causeSet(r Reason) string { return fmt.Sprintf("rs-act-cause-%d", uint16(r)) }

func euroIXSet(x uint32) string { return fmt.Sprintf("rs-act-euroix-%d", x) }

// euroIXCodes are the Euro-IX filtered codes in ascending order, each with
// the reasons that map to it.
func euroIXCodes() ([]uint32, map[uint32][]Reason) {
	by := map[uint32][]Reason{}
	for _, r := range AllReasons() {
		if x, ok := EuroIXFiltered[r]; ok {
			by[x] = append(by[x], r)
		}
	}
	codes := make([]uint32, 0, len(by))
	for x := range by {
		codes = append(codes, x)
	}
	slices.Sort(codes)
	return codes, by
}

// causeSets: one set per reason (its RS:65520:code) and one per Euro-IX
// code (every RS:65520:code that maps to it).
func causeSets(rs uint32) []CommunitySetDef {
	var out []CommunitySetDef
	for _, r := range AllReasons() {
		out = append(out, CommunitySetDef{Name: causeSet(r), Large: true, Patterns: []string{litLarge(rs, LCRejectCause, uint32(r))}})
	}
	codes, by := euroIXCodes()
	for _, x := range codes {
		var alts []string
		for _, r := range by[x] {
			alts = append(alts, strconv.Itoa(int(r)))
		}
		out = append(out, CommunitySetDef{Name: euroIXSet(x), Large: true,
			Patterns: []string{fmt.Sprintf("^%d:%d:(%s)$", rs, LCRejectCause, strings.Join(alts, "|"))}})
	}
	return out
}

// euroIXStatements add RS:1101:x once for the causes a route carries, at
// the end of the chain when every cause is known: remove, then add.
func euroIXStatements(a ActionSettings) []Statement {
	if !a.Tag {
		return nil
	}
	var out []Statement
	codes, _ := euroIXCodes()
	for _, x := range codes {
		m := &CommunityMatch{Set: euroIXSet(x)}
		out = append(out,
			Statement{Name: fmt.Sprintf("euroix-%d-clear", x), Large: m, Mods: &Mods{RemoveLarge: []string{litLarge(a.RSASN, LCFiltered, x)}}},
			Statement{Name: fmt.Sprintf("euroix-%d", x), Large: m, Mods: &Mods{AddLarge: []LargeCommunity{{a.RSASN, LCFiltered, x}}}})
	}
	return out
}

// infoStatements: RS:1001:1 inside the registered space and lengths;
// RS:1001:3 for a blackhole request inside the space but longer (the
// blackhole set of a family without blackholing is empty).
func infoStatements(a ActionSettings, n PeerSetNames, sets ActionSetNames) []Statement {
	valid := &Mods{AddLarge: []LargeCommunity{{a.RSASN, LCIRRInfo, IRRInfoValid}}}
	more := &Mods{AddLarge: []LargeCommunity{{a.RSASN, LCIRRInfo, IRRInfoMoreSpecific}}}
	notValid := &CommunityMatch{Set: setActIRRValid, Invert: true}
	return []Statement{
		{Name: "info-irr-v4", Family: FamilyIPv4, PrefixSet: n.Allow4, Mods: valid},
		{Name: "info-irr-v6", Family: FamilyIPv6, PrefixSet: n.Allow6, Mods: valid},
		{Name: "info-irr-blackhole-v4", Family: FamilyIPv4, PrefixSet: sets.Blackhole4, Std: isBlackhole, Large: notValid, Mods: more},
		{Name: "info-irr-blackhole-v6", Family: FamilyIPv6, PrefixSet: sets.Blackhole6, Std: isBlackhole, Large: notValid, Mods: more},
	}
}

// rpkiInfoStatements: GoBGP's own validation (the ROA table the
// rpki-invalid check uses) decides the state; without RPKI, "not checked".
func rpkiInfoStatements(a ActionSettings) []Statement {
	info := func(x uint32) *Mods { return &Mods{AddLarge: []LargeCommunity{{a.RSASN, LCRPKIInfo, x}}} }
	if !a.RPKI {
		return []Statement{{Name: "info-rpki-not-checked", Mods: info(RPKIInfoNotChecked)}}
	}
	return []Statement{
		{Name: "info-rpki-valid", RPKIState: RPKIValid, Mods: info(RPKIInfoValid)},
		{Name: "info-rpki-unknown", RPKIState: RPKINotFound, Mods: info(RPKIInfoUnknown)},
		{Name: "info-rpki-invalid", RPKIState: RPKIInvalidState, Mods: info(RPKIInfoInvalid)},
	}
}

// blackholeStatements: an honoured blackhole request gets exactly one
// NO_EXPORT (GoBGP's add does not deduplicate, so it is removed first)
// and the blackhole next hop. In tag mode, a tagged request is left as
// received: it goes nowhere anyway.
func blackholeStatements(a ActionSettings) []Statement {
	var untagged *CommunityMatch
	if a.Tag {
		untagged = &CommunityMatch{Set: setActTagged, Invert: true}
	}
	var out []Statement
	for _, f := range []struct {
		fam  Family
		nh   netip.Addr
		name string
	}{{FamilyIPv4, a.Blackhole.NextHopIPv4, "v4"}, {FamilyIPv6, a.Blackhole.NextHopIPv6, "v6"}} {
		if !f.nh.IsValid() {
			continue
		}
		out = append(out,
			Statement{Name: "blackhole-clear-no-export-" + f.name, Family: f.fam, Std: isBlackhole, Large: untagged,
				Mods: &Mods{RemoveStd: []string{lit(NoExport)}}},
			Statement{Name: "blackhole-" + f.name, Family: f.fam, Std: isBlackhole, Large: untagged,
				Mods: &Mods{AddStd: []Community{NoExport}, NextHop: f.nh}})
	}
	return out
}

// gshutStatements: a received GRACEFUL_SHUTDOWN lowers the route's
// preference; a peer or server in graceful shutdown adds the community
// too (once: the condition skips routes that already carry it).
func gshutStatements(sets ActionSetNames) []Statement {
	tag := &Mods{AddStd: []Community{GracefulShutdown}, LocalPref: LocalPrefLowest}
	return []Statement{
		{Name: "gshut-received", Std: hasGshut, Mods: &Mods{LocalPref: LocalPrefLowest}},
		{Name: "gshut-peer-v4", Family: FamilyIPv4, PrefixSet: sets.Gshut4, Std: noGshut, Mods: tag},
		{Name: "gshut-peer-v6", Family: FamilyIPv6, PrefixSet: sets.Gshut6, Std: noGshut, Mods: tag},
		{Name: "gshut-all-v4", Family: FamilyIPv4, PrefixSet: SetGshutAll4, Std: noGshut, Mods: tag},
		{Name: "gshut-all-v6", Family: FamilyIPv6, PrefixSet: SetGshutAll6, Std: noGshut, Mods: tag},
	}
}
