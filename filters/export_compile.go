package filters

import "fmt"

// CommunitySetDef is a named set of GoBGP community patterns: regular
// expressions over "asn:value" (standard) or "global:local1:local2"
// (large). Patterns are anchored literals wherever possible: GoBGP runs
// every pattern against every community of every route (gobgp#2099).
type CommunitySetDef struct {
	Name     string
	Large    bool
	Patterns []string
}

// CommunityMatch is a statement condition on one community set.
type CommunityMatch struct {
	Set    string
	Invert bool // true: the route has no community in the set
}

// ExportStatement is one step of a peer's export policy. All conditions
// must hold; then the actions run in this order: prepend, community
// changes, then Reject. A statement without Reject never ends the policy,
// so later statements still see (and change) the route.
type ExportStatement struct {
	Name      string
	Std       *CommunityMatch // nil: no condition on standard communities
	Large     *CommunityMatch // nil: no condition on large communities
	ASPathSet string          // "": none; else the AS_PATH matches the set

	Reject          bool
	PrependLeftMost int         // >0: prepend the left-most ASN this many times
	AddStd          []Community // added (GoBGP appends; guard duplicates with a condition)
	RemoveStd       []string    // patterns of standard communities to remove
	RemoveLarge     []string    // patterns of large communities to remove
}

// ExportPolicy is a peer's ordered export statements. The default action
// after the last statement is accept.
type ExportPolicy struct {
	Name       string
	Statements []ExportStatement
}

// ExportCompiled is the engine-neutral form of export control.
type ExportCompiled struct {
	Sets       []CommunitySetDef
	ASPathSets []ASPathSetDef
	Policies   []ExportPolicy
}

// Shared export sets: the same for every receiving peer.
const (
	ExportCommonPrefix = "rs-out-all-"
	setOutWellKnown    = ExportCommonPrefix + "well-known"
	setOutBlockStd     = ExportCommonPrefix + "block-std"
	setOutBlockLarge   = ExportCommonPrefix + "block-large"
	setOutScrubStd     = ExportCommonPrefix + "scrub-std"
	setOutScrubLarge   = ExportCommonPrefix + "scrub-large"
	setOutHasNoExport  = ExportCommonPrefix + "has-no-export"
	setOutHasNoAdv     = ExportCommonPrefix + "has-no-advertise"
)

// ExportPolicyName is the name of the export policy of peer name; every
// peer-specific set starts with it too.
func ExportPolicyName(peer string) string { return "rs-out-" + peer }

func lit(c Community) string { return "^" + c.String() + "$" }

func litLarge(g, l1, l2 uint32) string { return fmt.Sprintf("^%d:%d:%d$", g, l1, l2) }

// blockStd / blockLarge are the communities that restrict a route to fewer
// peers: "to none" and "only to". A statement that finds the receiver
// explicitly named removes them, so the blocking statements after it do
// not fire (GoBGP has no "accept but keep going").
func blockStd(rs uint32) []string {
	if !std16(rs) {
		return nil
	}
	return []string{fmt.Sprintf("^0:%d$", rs), fmt.Sprintf("^%d:[1-9][0-9]*$", rs)}
}

func blockLarge(rs uint32) []string {
	return []string{litLarge(rs, lcDoNotAnnounce, 0), fmt.Sprintf("^%d:%d:[1-9][0-9]*$", rs, lcAnnounceTo)}
}

func scrubStd(rs uint32) []string {
	p := []string{"^0:[0-9]+$"}
	if std16(rs) {
		p = append(p, fmt.Sprintf("^%d:[0-9]+$", rs))
	}
	return p
}

func scrubLarge(rs uint32) []string { return []string{fmt.Sprintf("^%d:[0-9]+:[0-9]+$", rs)} }

// CompileExportCommon compiles the sets every peer's export policy uses.
// Install it once, before any peer's policy.
func CompileExportCommon(s ExportSettings) ExportCompiled {
	rs := s.RSASN
	sets := []CommunitySetDef{
		{Name: setOutWellKnown, Patterns: []string{lit(NoAdvertise), lit(NoExport)}},
		{Name: setOutBlockLarge, Large: true, Patterns: blockLarge(rs)},
		{Name: setOutScrubStd, Patterns: scrubStd(rs)},
		{Name: setOutScrubLarge, Large: true, Patterns: scrubLarge(rs)},
		{Name: setOutHasNoExport, Patterns: []string{lit(NoExport)}},
		{Name: setOutHasNoAdv, Patterns: []string{lit(NoAdvertise)}},
	}
	if std16(rs) {
		sets = append(sets, CommunitySetDef{Name: setOutBlockStd, Patterns: blockStd(rs)})
	}
	return ExportCompiled{Sets: sets}
}

// exportTarget is what every stage needs to know.
type exportTarget struct {
	s      ExportSettings
	policy string
	asn    uint32
	sets   *[]CommunitySetDef
	paths  *[]ASPathSetDef
}

// set defines a peer-specific set and returns a condition on it.
func (t exportTarget) set(suffix string, large bool, patterns ...string) *CommunityMatch {
	name := t.policy + "-" + suffix
	*t.sets = append(*t.sets, CommunitySetDef{Name: name, Large: large, Patterns: patterns})
	return &CommunityMatch{Set: name}
}

// exportStages is the export policy, in order. Each stage returns its
// statements (possibly none). New export features (blackholing, graceful
// shutdown, tagging) add a stage here; statements that must see the
// control communities go before scrubStage, those adding the route
// server's own informational communities after it.
var exportStages = []struct {
	name    string
	compile func(t exportTarget) []ExportStatement
}{
	{"as-path-loop", loopStage},
	{"honour-well-known", wellKnownStage},
	{"do-not-announce", doNotAnnounceStage},
	{"announce-to", announceToStage},
	{"block", blockStage},
	{"prepend", prependStage},
	{"add-well-known", addWellKnownStage},
	{"scrub", scrubStage},
}

// CompileExport compiles the export policy toward the peer called name
// with ASN asn.
func CompileExport(s ExportSettings, name string, asn uint32) ExportCompiled {
	var c ExportCompiled
	t := exportTarget{s: s, policy: ExportPolicyName(name), asn: asn, sets: &c.Sets, paths: &c.ASPathSets}
	p := ExportPolicy{Name: t.policy}
	for _, st := range exportStages {
		p.Statements = append(p.Statements, st.compile(t)...)
	}
	c.Policies = []ExportPolicy{p}
	return c
}

// loopStage keeps a route from a peer whose ASN is in its AS_SEQUENCE, as
// GoBGP's own route-server selection does. It must be an export statement:
// with secondary routes on, GoBGP's per-client selection no longer skips
// such paths, and a client would get a path it must drop instead of the
// next best one. AS_SETs need no pattern: the import checks reject every
// path with one (as_set_in_path), and a set pattern would make GoBGP render
// every path as text for every peer.
func loopStage(t exportTarget) []ExportStatement {
	name := t.policy + "-loop"
	// "_N_" is GoBGP's fast single-ASN match over the AS_SEQUENCE segments
	*t.paths = append(*t.paths, ASPathSetDef{Name: name, Patterns: []string{fmt.Sprintf("_%d_", t.asn)}})
	return []ExportStatement{{Name: "as-path-loop", ASPathSet: name, Reject: true}}
}

func wellKnownStage(t exportTarget) []ExportStatement {
	if !t.s.HonourWellKnown {
		return nil
	}
	return []ExportStatement{{Name: "honour-well-known", Std: &CommunityMatch{Set: setOutWellKnown}, Reject: true}}
}

func doNotAnnounceStage(t exportTarget) []ExportStatement {
	var out []ExportStatement
	if std16(t.asn) {
		out = append(out, ExportStatement{Name: "not-to-peer-std", Std: t.set("not-std", false, fmt.Sprintf("^0:%d$", t.asn)), Reject: true})
	}
	return append(out, ExportStatement{Name: "not-to-peer-large",
		Large: t.set("not-large", true, litLarge(t.s.RSASN, lcDoNotAnnounce, t.asn)), Reject: true})
}

func announceToStage(t exportTarget) []ExportStatement {
	rs := t.s.RSASN
	var out []ExportStatement
	if t.asn == 0 {
		return nil
	}
	if std16(rs) && std16(t.asn) {
		out = append(out, ExportStatement{Name: "to-peer-std", Std: t.set("to-std", false, fmt.Sprintf("^%d:%d$", rs, t.asn)),
			RemoveStd: blockStd(rs), RemoveLarge: blockLarge(rs)})
	}
	return append(out, ExportStatement{Name: "to-peer-large", Large: t.set("to-large", true, litLarge(rs, lcAnnounceTo, t.asn)),
		RemoveStd: blockStd(rs), RemoveLarge: blockLarge(rs)})
}

func blockStage(t exportTarget) []ExportStatement {
	var out []ExportStatement
	if std16(t.s.RSASN) {
		out = append(out, ExportStatement{Name: "block-std", Std: &CommunityMatch{Set: setOutBlockStd}, Reject: true})
	}
	return append(out, ExportStatement{Name: "block-large", Large: &CommunityMatch{Set: setOutBlockLarge}, Reject: true})
}

// prependStage: the largest count wins; each statement removes every
// prepend community so a smaller one further down does not stack.
func prependStage(t exportTarget) []ExportStatement {
	rs := t.s.RSASN
	var out []ExportStatement
	for n := lcPrepend3 - lcPrepend1 + 1; n >= 1; n-- {
		v := uint32(lcPrepend1 - 1 + n)
		out = append(out, ExportStatement{Name: fmt.Sprintf("prepend-%d", n),
			Large:           t.set(fmt.Sprintf("prepend-%d", n), true, litLarge(rs, v, t.asn), litLarge(rs, v, 0)),
			PrependLeftMost: n, RemoveLarge: []string{fmt.Sprintf("^%d:10[1-3]:[0-9]+$", rs)}})
	}
	return out
}

func addWellKnownStage(t exportTarget) []ExportStatement {
	rs := t.s.RSASN
	return []ExportStatement{
		{Name: "add-no-export", Large: t.set("add-no-export", true, litLarge(rs, lcAddNoExport, t.asn)),
			Std: &CommunityMatch{Set: setOutHasNoExport, Invert: true}, AddStd: []Community{NoExport}},
		{Name: "add-no-advertise", Large: t.set("add-no-advertise", true, litLarge(rs, lcAddNoAdv, t.asn)),
			Std: &CommunityMatch{Set: setOutHasNoAdv, Invert: true}, AddStd: []Community{NoAdvertise}},
	}
}

// scrubStage removes what is addressed to the route server. Conditional,
// so a route without such communities is not copied for every peer.
func scrubStage(t exportTarget) []ExportStatement {
	rs := t.s.RSASN
	return []ExportStatement{
		{Name: "scrub-std", Std: &CommunityMatch{Set: setOutScrubStd}, RemoveStd: scrubStd(rs)},
		{Name: "scrub-large", Large: &CommunityMatch{Set: setOutScrubLarge}, RemoveLarge: scrubLarge(rs)},
	}
}
