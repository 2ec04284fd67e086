package config

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/rsguard/rsguard/filters"
)

// This file decodes and validates the list checks: the global blacklist
// and peering LANs, transit-free and never-via-route-servers ASNs, and the
// per-peer blacklist, allow-lists and enforcement switches.

// maxASNListFile bounds a never_via_route_servers_file (PeeringDB lists a
// few thousand networks; anything near this is the wrong file).
const maxASNListFile = 4 << 20

// peeringLANs reads [global] peering_lans: CIDR prefixes, host bits clear.
func (d *decoder) peeringLANs(g *Global, t *table) {
	list, locs, ok := t.strList("peering_lans")
	if !ok {
		return
	}
	for i, s := range list {
		p, err := netip.ParsePrefix(s)
		switch {
		case err != nil:
			d.c.addf(locs[i], "%q is not a prefix (want e.g. \"45.1.255.0/24\")", s)
			continue
		case p.Masked() != p:
			d.c.addf(locs[i], "%q has host bits set (did you mean %s?)", s, p.Masked())
			continue
		}
		g.PeeringLANs = append(g.PeeringLANs, p)
	}
}

// prefixRanges reads a list of prefix ranges ("P", "P{a,b}", "P+").
func (d *decoder) prefixRanges(t *table, key string) ([]filters.PrefixRange, bool) {
	list, locs, ok := t.strList(key)
	if !ok {
		return nil, false
	}
	out := []filters.PrefixRange{}
	for i, s := range list {
		r, err := filters.ParsePrefixRange(s)
		if err != nil {
			d.c.addf(locs[i], "%v", err)
			continue
		}
		out = append(out, r)
	}
	return out, true
}

// asnList reads a list of ASNs, written as integers (174) or "AS174".
func (d *decoder) asnList(t *table, key string) ([]uint32, bool) {
	arr, locs, ok := t.list(key)
	if !ok {
		return nil, false
	}
	out := []uint32{}
	seen := map[uint32]int{}
	for i, v := range arr {
		a, ok := d.asnValue(locs[i], v)
		if !ok {
			continue
		}
		if j, dup := seen[a]; dup {
			d.c.addf(locs[i], "AS%d is listed twice (also at index %d)", a, j)
			continue
		}
		seen[a] = i
		out = append(out, a)
	}
	return out, true
}

func (d *decoder) asnValue(at loc, v any) (uint32, bool) {
	switch x := v.(type) {
	case int64:
		n, ok := checkInt(d.c, at, x, 1, maxUint32, " (AS 0 is reserved)")
		return uint32(n), ok
	case string:
		a, err := ParseASN(x)
		if err != nil {
			d.c.addf(at, "%v", err)
			return 0, false
		}
		return a, true
	}
	d.c.addf(at, "want an ASN (174 or \"AS174\"), got %s", typeName(v))
	return 0, false
}

// ParseASN accepts "174", "AS174" and "as174"; AS 0 is refused.
func ParseASN(s string) (uint32, error) {
	t := strings.TrimSpace(s)
	if len(t) > 2 && strings.EqualFold(t[:2], "AS") {
		t = t[2:]
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not an ASN: want 174 or AS174, in 1..4294967295", s)
	}
	if n == 0 {
		return 0, fmt.Errorf("%q: AS 0 is reserved (RFC 7607)", s)
	}
	return uint32(n), nil
}

// ParseASNListFile parses a never_via_route_servers_file: one ASN per line
// ("174" or "AS174"), '#' starts a comment, blank lines are ignored. Every
// error names name:line. Duplicates are harmless (lists are merged).
func ParseASNListFile(name string, data []byte) ([]filters.ListedASN, error) {
	var out []filters.ListedASN
	var errs []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		a, err := ParseASN(line)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s:%d: %v", name, n, err))
			continue
		}
		out = append(out, filters.ListedASN{ASN: a, Note: fmt.Sprintf("%s:%d", name, n)})
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Sprintf("%s: %v", name, err))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

// filterLists reads the list keys of [filters].
func (d *decoder) filterLists(f *Filters, t *table) {
	if rs, ok := d.prefixRanges(t, "global_blacklist"); ok && len(rs) > 0 {
		f.GlobalBlacklist = rs
	}
	if asns, ok := d.asnList(t, "transit_free_asns"); ok {
		f.TransitFreeASNs = asns // [] turns the check off
	}
	if asns, ok := d.asnList(t, "never_via_route_servers_asns"); ok && len(asns) > 0 {
		f.NeverViaRouteServersASNs = asns
	}
	if s, at, ok := t.str("never_via_route_servers_file"); ok {
		f.NeverViaRouteServersFile = d.resolve(s)
		data, err := readBounded(f.NeverViaRouteServersFile, maxASNListFile)
		if err != nil {
			d.c.addf(at, "%v", err)
			return
		}
		list, err := ParseASNListFile(f.NeverViaRouteServersFile, data)
		if err != nil {
			d.c.addf(at, "%v", err)
			return
		}
		f.NeverViaRouteServersFileASNs = list
	}
}

func readBounded(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, want a file", path)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return os.ReadFile(path)
}

// asSets reads as_set: one name or a list of names. Several sets are kept
// as one comma-joined value (ASSetNames splits it), so everything that
// names a peer's IRR source (cache, status, evidence) names all of them.
func (d *decoder) asSets(p *Peer, t *table) {
	v, at, ok := t.get("as_set")
	if !ok {
		return
	}
	var names []string
	switch x := v.(type) {
	case string:
		names = []string{x}
	case []any:
		if len(x) == 0 {
			d.c.addf(at, "empty list: name at least one AS-SET, or leave as_set out")
			return
		}
		for i, e := range x {
			s, isStr := e.(string)
			if !isStr {
				d.c.addf(at.index(i), "want a string, got %s", typeName(e))
				return
			}
			names = append(names, s)
		}
	default:
		d.c.addf(at, "want an AS-SET name or a list of names, got %s", typeName(v))
		return
	}
	var out []string
	seen := map[string]int{}
	for i, s := range names {
		el := at
		if _, isList := v.([]any); isList {
			el = at.index(i)
		}
		name, err := ParseASSet(s)
		if err != nil {
			d.c.addf(el, "%v", err)
			continue
		}
		if j, dup := seen[name]; dup {
			d.c.addf(el, "%s is listed twice (also at index %d)", name, j)
			continue
		}
		seen[name] = i
		out = append(out, name)
	}
	p.ASSet = strings.Join(out, ",")
}

// ASSetNames splits a peer's as_set value into its AS-SET names.
func ASSetNames(asSet string) []string {
	if asSet == "" {
		return nil
	}
	return strings.Split(asSet, ",")
}

// parseASSets checks a (possibly comma-joined) as_set value.
func parseASSets(asSet string) error {
	for _, n := range ASSetNames(asSet) {
		if _, err := ParseASSet(n); err != nil {
			return err
		}
	}
	return nil
}

// peerLists reads the per-peer list keys.
func (d *decoder) peerLists(p *Peer, t *table) {
	if rs, ok := d.prefixRanges(t, "blacklist"); ok && len(rs) > 0 {
		p.Blacklist = rs
	}
	if asns, ok := d.asnList(t, "allowed_origins"); ok && len(asns) > 0 {
		p.AllowedOrigins = asns
	}
	if b, _, ok := t.boolean("enforce_prefixes"); ok {
		p.PrefixCheckOff = !b
	}
	if b, _, ok := t.boolean("enforce_origins"); ok {
		p.OriginCheckOff = !b
	}
	v, at, ok := t.get("allowed_routes")
	if !ok {
		return
	}
	var arr []any
	switch x := v.(type) {
	case []any:
		arr = x
	case []map[string]any: // [[peers.allowed_routes]] tables
		for _, m := range x {
			arr = append(arr, m)
		}
	default:
		d.c.addf(at, "want an array of {prefix, origin} tables, got %s", typeName(v))
		return
	}
	for i, raw := range arr {
		if a, ok := d.allowedRoute(at.index(i), raw); ok {
			p.AllowedRoutes = append(p.AllowedRoutes, a)
		}
	}
}

// allowedRoute reads {prefix = "45.1.0.0/24", origin = 21011} or a bare
// prefix-range string (any origin).
func (d *decoder) allowedRoute(at loc, raw any) (filters.AllowedRoute, bool) {
	if s, isStr := raw.(string); isStr {
		r, err := filters.ParsePrefixRange(s)
		if err != nil {
			d.c.addf(at, "%v", err)
			return filters.AllowedRoute{}, false
		}
		return filters.AllowedRoute{Range: r}, true
	}
	t, ok := asTable(d.c, at, raw)
	if !ok {
		return filters.AllowedRoute{}, false
	}
	defer t.done()
	var a filters.AllowedRoute
	valid := true
	if v, oat, ok := t.get("origin"); ok {
		asn, ok := d.asnValue(oat, v)
		valid = ok
		a.Origin = asn
	}
	s, pat, ok := t.str("prefix")
	if !ok {
		if _, present := t.m["prefix"]; !present {
			d.c.addf(pat, "required: the prefix range the exception covers, e.g. \"45.1.0.0/24\"")
		}
		return a, false
	}
	r, err := filters.ParsePrefixRange(s)
	if err != nil {
		d.c.addf(pat, "%v", err)
		return a, false
	}
	a.Range = r
	return a, valid
}

// filterLists validates the list keys of [filters] and [global].
func (v *validator) filterLists() {
	for i, p := range v.c.Global.PeeringLANs {
		if p.Masked() != p || !p.IsValid() {
			v.col.addf(root.key("global").key("peering_lans").index(i), "%s: want a prefix with host bits clear", p)
		}
	}
	for i, a := range v.c.Filters.TransitFreeASNs {
		if a == 0 {
			v.col.addf(root.key("filters").key("transit_free_asns").index(i), "AS 0 is reserved (RFC 7607)")
		}
	}
	for i, a := range v.c.Filters.NeverViaRouteServersASNs {
		if a == 0 {
			v.col.addf(root.key("filters").key("never_via_route_servers_asns").index(i), "AS 0 is reserved (RFC 7607)")
		}
	}
}

// peerLists validates the per-peer list keys.
func (v *validator) peerLists(at loc, p Peer) {
	if len(p.AllowedOrigins) > 0 && p.ASSet == "" {
		v.col.addf(at.key("allowed_origins"), "adds origins to the peer's AS-SET expansion, but the peer has no as_set (no origin check to extend)")
	}
	if p.OriginCheckOff && p.ASSet == "" {
		v.col.addf(at.key("enforce_origins"), "the peer has no as_set, so there is no origin check to turn off")
	}
	for i, a := range p.AllowedOrigins {
		if a == 0 {
			v.col.addf(at.key("allowed_origins").index(i), "AS 0 is reserved (RFC 7607)")
		}
	}
	for i, r := range p.AllowedRoutes {
		if r.Range.Prefix.Masked() != r.Range.Prefix {
			v.col.addf(at.key("allowed_routes").index(i), "%s: host bits set", r.Range)
		}
	}
}
