package irr

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// RouteEntry is one (prefix, origin) pair of a route or route6 object. An
// object with several origin: lines (real in the dn42 registry) yields one
// entry per origin.
type RouteEntry struct {
	Prefix    netip.Prefix
	Origin    uint32
	Source    string
	MaxLength uint8 // the object's max-length, 0 when absent or invalid
}

// setObject is an as-set or route-set as one source holds it.
type setObject struct {
	class     string // "as-set" or "route-set"
	source    string
	members   []string // members + mp-members, normalised
	mbrsByRef []string // upper case; "ANY" accepts every maintainer
}

// memberClaim is an aut-num/route object naming a set in member-of.
type memberClaim struct {
	token  string // "AS123" or a prefix
	source string
	mntBy  []string
}

// DB is an in-memory IRR built from RPSL objects. Build it with Add or
// LoadFile, then only read it: the read methods are safe for concurrent use
// as long as nothing is added any more.
type DB struct {
	sources  []string // first-seen order = default priority
	srcSeen  map[string]bool
	sets     map[string][]*setObject // upper name -> one per source, load order
	routes   map[uint32][]RouteEntry
	claims   map[string][]memberClaim // upper set name -> member-of claims
	objects  map[string][]*Object     // class "\x00" upper key -> objects
	byMnt    map[string][]*Object
	counts   map[string]int
	Warnings []Warning
}

// NewDB returns an empty DB.
func NewDB() *DB {
	return &DB{
		srcSeen: map[string]bool{},
		sets:    map[string][]*setObject{},
		routes:  map[uint32][]RouteEntry{},
		claims:  map[string][]memberClaim{},
		objects: map[string][]*Object{},
		byMnt:   map[string][]*Object{},
		counts:  map[string]int{},
	}
}

// LoadFiles parses each file (plain or .gz) into a new DB. Malformed objects
// become DB.Warnings; only unreadable files are errors.
func LoadFiles(paths ...string) (*DB, error) {
	db := NewDB()
	for _, p := range paths {
		if err := db.LoadFile(p); err != nil {
			return nil, err
		}
	}
	return db, nil
}

// LoadFile adds every valid object of one dump file.
func (db *DB) LoadFile(path string) error {
	rc, err := OpenRPSL(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	warns, err := ParseRPSL(rc, path, func(o *Object) { db.Add(o) })
	db.Warnings = append(db.Warnings, warns...)
	return err
}

// Add indexes one validated object.
func (db *DB) Add(o *Object) {
	db.counts[o.Class]++
	if !db.srcSeen[o.Source] {
		db.srcSeen[o.Source] = true
		db.sources = append(db.sources, o.Source)
	}
	for _, m := range o.List("mnt-by") {
		m = strings.ToUpper(m)
		db.byMnt[m] = append(db.byMnt[m], o)
	}
	switch o.Class {
	case "route", "route6":
		db.addRoute(o)
	case "aut-num":
		asn, _ := ParseASN(o.Key)
		db.addClaims(o, FormatASN(asn))
		db.objects[objKey(o.Class, o.Key)] = append(db.objects[objKey(o.Class, o.Key)], o)
	case "as-set", "route-set":
		s := &setObject{class: o.Class, source: o.Source}
		for _, m := range append(o.List("members"), o.List("mp-members")...) {
			if tok, ok := normaliseMember(m); ok {
				s.members = append(s.members, tok)
			} else {
				db.Warnings = append(db.Warnings, Warning{o.File, o.Line, fmt.Sprintf("%s %s: ignoring invalid member %q", o.Class, o.Key, m)})
			}
		}
		for _, m := range o.List("mbrs-by-ref") {
			s.mbrsByRef = append(s.mbrsByRef, strings.ToUpper(m))
		}
		db.sets[o.Key] = append(db.sets[o.Key], s)
		db.objects[objKey(o.Class, o.Key)] = append(db.objects[objKey(o.Class, o.Key)], o)
	default:
		db.objects[objKey(o.Class, o.Key)] = append(db.objects[objKey(o.Class, o.Key)], o)
	}
}

func (db *DB) addRoute(o *Object) {
	p, _ := ParsePrefix(o.Key) // validated by checkKey
	var maxLen uint8
	if v := o.First("max-length"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < p.Bits() || n > p.Addr().BitLen() {
			db.Warnings = append(db.Warnings, Warning{o.File, o.Line, fmt.Sprintf("%s %s: ignoring invalid max-length %q", o.Class, o.Key, v)})
		} else {
			maxLen = uint8(n)
		}
	}
	for _, v := range o.Values("origin") {
		asn, _ := ParseASN(v)
		db.routes[asn] = append(db.routes[asn], RouteEntry{Prefix: p, Origin: asn, Source: o.Source, MaxLength: maxLen})
		db.addClaims(o, p.String())
		k := objKey(o.Class, p.String()+FormatASN(asn))
		db.objects[k] = append(db.objects[k], o)
	}
}

func (db *DB) addClaims(o *Object, token string) {
	refs := o.List("member-of")
	if len(refs) == 0 {
		return
	}
	var mnts []string
	for _, m := range o.List("mnt-by") {
		mnts = append(mnts, strings.ToUpper(m))
	}
	for _, set := range refs {
		set = strings.ToUpper(set)
		db.claims[set] = append(db.claims[set], memberClaim{token: token, source: o.Source, mntBy: mnts})
	}
}

func objKey(class, key string) string { return class + "\x00" + strings.ToUpper(key) }

// normaliseMember canonicalises a set member: ASNs as "AS<n>", prefixes in
// canonical form with their range operator, set names upper case.
func normaliseMember(m string) (string, bool) {
	if asn, err := ParseASN(m); err == nil {
		return FormatASN(asn), true
	}
	if strings.Contains(m, "/") {
		body, op, hasOp := strings.Cut(m, "^")
		p, err := ParsePrefix(body)
		if err != nil {
			return "", false
		}
		if hasOp {
			if _, _, err := ParseRangeOp(m); err != nil {
				return "", false
			}
			return p.String() + "^" + op, true
		}
		return p.String(), true
	}
	up := strings.ToUpper(m)
	if up == "ANY" || isSetName(up) {
		return up, true
	}
	return "", false
}

// Sources lists the sources in the DB in first-seen order.
func (db *DB) Sources() []string { return slices.Clone(db.sources) }

// HasSource reports whether any object came from source s.
func (db *DB) HasSource(s string) bool { return db.srcSeen[strings.ToUpper(s)] }

// Counts returns the number of objects per class.
func (db *DB) Counts() map[string]int {
	out := map[string]int{}
	for k, v := range db.counts {
		out[k] = v
	}
	return out
}

// selected returns the source filter: nil means all sources.
func selected(sources []string) map[string]int {
	if len(sources) == 0 {
		return nil
	}
	m := map[string]int{}
	for i, s := range sources {
		if _, dup := m[strings.ToUpper(s)]; !dup {
			m[strings.ToUpper(s)] = i
		}
	}
	return m
}

// findSet returns the set object of the highest-priority selected source
// (IRRd: the first source that has the set wins; members are not merged).
func (db *DB) findSet(name string, sel map[string]int) *setObject {
	return bySourcePriority(db.sets[strings.ToUpper(name)], sel, func(s *setObject) string { return s.source })
}

// bySourcePriority picks the candidate whose source comes first in sel
// (the query's source order), or the first loaded when sel is nil; a
// candidate from a source outside sel is never picked.
func bySourcePriority[T any](cands []T, sel map[string]int, source func(T) string) T {
	var best T
	bestPrio := 1 << 30
	for i, c := range cands {
		prio := i
		if sel != nil {
			p, ok := sel[source(c)]
			if !ok {
				continue
			}
			prio = p
		}
		if prio < bestPrio {
			best, bestPrio = c, prio
		}
	}
	return best
}

// SetMembers returns the direct members of an as-set or route-set: members,
// mp-members and the member-of claims its mbrs-by-ref accepts from the same
// source. found is false when no selected source has the set.
func (db *DB) SetMembers(name string, sources []string) (members []string, found bool) {
	s := db.findSet(name, selected(sources))
	if s == nil {
		return nil, false
	}
	seen := map[string]bool{}
	for _, m := range s.members {
		seen[m] = true
	}
	if len(s.mbrsByRef) > 0 {
		for _, c := range db.claims[strings.ToUpper(name)] {
			if c.source == s.source && acceptsClaim(s.mbrsByRef, c.mntBy) {
				seen[c.token] = true
			}
		}
	}
	for m := range seen {
		members = append(members, m)
	}
	slices.Sort(members)
	return members, true
}

func acceptsClaim(mbrsByRef, mntBy []string) bool {
	for _, r := range mbrsByRef {
		if r == "ANY" || slices.Contains(mntBy, r) {
			return true
		}
	}
	return false
}

// Routes returns the route entries of an ASN in the selected sources.
func (db *DB) Routes(asn uint32, sources []string) []RouteEntry {
	sel := selected(sources)
	var out []RouteEntry
	for _, r := range db.routes[asn] {
		if sel != nil {
			if _, ok := sel[r.Source]; !ok {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// OriginPrefixes returns the distinct prefixes of one family originated by
// asn, unioned over the selected sources (IRRd's !g / !6), sorted.
func (db *DB) OriginPrefixes(asn uint32, v6 bool, sources []string) []netip.Prefix {
	var out []netip.Prefix
	for _, r := range db.Routes(asn, sources) {
		if r.Prefix.Addr().Is6() == v6 {
			out = append(out, r.Prefix)
		}
	}
	return sortPrefixes(out)
}

func sortPrefixes(ps []netip.Prefix) []netip.Prefix {
	slices.SortFunc(ps, comparePrefix)
	return slices.Compact(ps)
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

// MaxRecursiveSets bounds server-side recursive expansion.
const MaxRecursiveSets = 100000

// RecursiveASNs expands an as-set breadth-first with a seen set, the way
// IRRd answers "!i<set>,1": ASN members are collected, nested as-sets are
// followed, missing ones are dropped. found is false for an unknown set.
func (db *DB) RecursiveASNs(name string, sources []string) (asns []uint32, found bool) {
	sel := selected(sources)
	if db.findSet(name, sel) == nil {
		return nil, false
	}
	seen := map[string]bool{strings.ToUpper(name): true}
	queue := []string{strings.ToUpper(name)}
	got := map[uint32]bool{}
	for len(queue) > 0 && len(seen) <= MaxRecursiveSets {
		cur := queue[0]
		queue = queue[1:]
		members, ok := db.SetMembers(cur, sources)
		if !ok {
			continue
		}
		for _, m := range members {
			if asn, err := ParseASN(m); err == nil {
				got[asn] = true
			} else if isSetName(m) && !seen[m] {
				seen[m] = true
				queue = append(queue, m)
			}
		}
	}
	for a := range got {
		asns = append(asns, a)
	}
	slices.Sort(asns)
	return asns, true
}

// RecursiveRouteSet expands a route-set the way IRRd answers "!i<rs>,1":
// prefix members are kept with their range operators, ASNs become their
// route prefixes and as-sets are expanded to ASNs first.
func (db *DB) RecursiveRouteSet(name string, sources []string) (tokens []string, found bool) {
	sel := selected(sources)
	if db.findSet(name, sel) == nil {
		return nil, false
	}
	seen := map[string]bool{strings.ToUpper(name): true}
	queue := []string{strings.ToUpper(name)}
	out := map[string]bool{}
	addASN := func(asn uint32) {
		for _, r := range db.Routes(asn, sources) {
			out[r.Prefix.String()] = true
		}
	}
	for len(queue) > 0 && len(seen) <= MaxRecursiveSets {
		cur := queue[0]
		queue = queue[1:]
		members, ok := db.SetMembers(cur, sources)
		if !ok {
			continue
		}
		for _, m := range members {
			switch {
			case strings.Contains(m, "/"):
				out[m] = true
			case isASNToken(m):
				asn, _ := ParseASN(m)
				addASN(asn)
			case isSetName(m) && !seen[m]:
				seen[m] = true
				if s := db.findSet(m, sel); s != nil && s.class == "as-set" {
					asns, _ := db.RecursiveASNs(m, sources)
					for _, a := range asns {
						addASN(a)
					}
				} else {
					queue = append(queue, m)
				}
			}
		}
	}
	for t := range out {
		tokens = append(tokens, t)
	}
	slices.Sort(tokens)
	return tokens, true
}

// IsRouteSet reports whether the highest-priority set with that name is a
// route-set.
func (db *DB) IsRouteSet(name string, sources []string) bool {
	s := db.findSet(name, selected(sources))
	return s != nil && s.class == "route-set"
}

// Lookup returns the object of the highest-priority selected source with
// that class and key (IRRd's !m). For route/route6 the key is prefix+origin.
func (db *DB) Lookup(class, key string, sources []string) *Object {
	class = strings.ToLower(class)
	if class == "route" || class == "route6" {
		key = canonicalRouteKey(key)
	}
	if class == "aut-num" {
		if asn, err := ParseASN(key); err == nil {
			key = FormatASN(asn)
		}
	}
	return bySourcePriority(db.objects[objKey(class, key)], selected(sources), func(o *Object) string { return o.Source })
}

// canonicalRouteKey accepts "192.0.2.0/24AS65530", with " " or "-" between.
func canonicalRouteKey(key string) string {
	up := strings.ToUpper(strings.TrimSpace(key))
	i := strings.LastIndex(up, "AS")
	if i <= 0 {
		return up
	}
	pfx := strings.TrimRight(up[:i], " -")
	p, err := ParsePrefix(strings.ToLower(pfx))
	asn, err2 := ParseASN(up[i:])
	if err != nil || err2 != nil {
		return up
	}
	return p.String() + FormatASN(asn)
}

// ByMaintainer returns the objects with that mnt-by in the selected sources.
func (db *DB) ByMaintainer(mnt string, sources []string) []*Object {
	sel := selected(sources)
	var out []*Object
	seen := map[*Object]bool{}
	for _, o := range db.byMnt[strings.ToUpper(mnt)] {
		if sel != nil {
			if _, ok := sel[o.Source]; !ok {
				continue
			}
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

// routesFor returns all route entries for prefix p (IRRd's !r exact). It
// scans every route: !r is a debugging query, not on any hot path.
func (db *DB) routesFor(p netip.Prefix, sources []string) []RouteEntry {
	var out []RouteEntry
	sel := selected(sources)
	for _, rs := range db.routes {
		for _, r := range rs {
			if r.Prefix != p {
				continue
			}
			if sel != nil {
				if _, ok := sel[r.Source]; !ok {
					continue
				}
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b RouteEntry) int { return cmp.Compare(a.Origin, b.Origin) })
	return out
}

// ByMemberOf returns the aut-num objects whose member-of names the set.
func (db *DB) ByMemberOf(set string, sources []string) []*Object {
	sel := selected(sources)
	var out []*Object
	for _, c := range db.claims[strings.ToUpper(set)] {
		if sel != nil {
			if _, ok := sel[c.source]; !ok {
				continue
			}
		}
		if isASNToken(c.token) {
			if o := db.Lookup("aut-num", c.token, []string{c.source}); o != nil {
				out = append(out, o)
			}
		}
	}
	return out
}
