package irr

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/rsguard/rsguard/filters"
)

var errNoSources = errors.New("irr: no IRR source configured")

// Result is the expansion of one AS-SET or ASN.
type Result struct {
	Target    string                `json:"target"`
	Origins   []uint32              `json:"origins"`
	IPv4      []filters.PrefixRange `json:"ipv4"`
	IPv6      []filters.PrefixRange `json:"ipv6"`
	Sources   []string              `json:"sources"`
	FetchedAt time.Time             `json:"fetched_at"`
	Warnings  []string              `json:"warnings,omitempty"`
}

// PrefixCount is the number of entries in both families.
func (r *Result) PrefixCount() int {
	if r == nil {
		return 0
	}
	return len(r.IPv4) + len(r.IPv6)
}

// ExpandOptions bound and shape an expansion. The zero value fetches both
// families, drops bogon ASNs, and returns exact prefixes.
type ExpandOptions struct {
	// NoIPv4 / NoIPv6 skip a family.
	NoIPv4, NoIPv6 bool
	// MaxDepth bounds set nesting for client-side recursion (default 20).
	MaxDepth int
	// MaxMembers bounds the number of sets plus ASNs visited (default 100000).
	MaxMembers int
	// KeepBogonASNs keeps private/reserved ASNs found in a set (dn42 needs it).
	KeepBogonASNs bool
	// ClientRecursion expands nested sets with one !i per set instead of
	// asking the server for !i<set>,1 (bgpq4 -L behaviour).
	ClientRecursion bool
	// Aggregate merges prefixes like bgpq4 -A; MaxLength4/6 > 0 also widen
	// every shorter prefix up to that length like bgpq4 -R.
	Aggregate              bool
	MaxLength4, MaxLength6 int
	// RouteMaxLength honours route objects' own max-length (only sources
	// that carry it: local files).
	RouteMaxLength bool
	// DropRefusedPrefixes drops every route object and route-set member
	// that CheckRange refuses (bogons, default routes, over-broad ranges)
	// before aggregation, with a warning each, so one junk object can
	// neither widen an aggregate nor take good prefixes down with it.
	DropRefusedPrefixes bool
	// Now is the clock for FetchedAt (default time.Now).
	Now func() time.Time
}

func (o *ExpandOptions) defaults() {
	if o.MaxDepth <= 0 {
		o.MaxDepth = 20
	}
	if o.MaxMembers <= 0 {
		o.MaxMembers = 100000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Expand resolves target (an AS-SET name such as "AS-FOO" or
// "AS65000:AS-CUST", or an ASN such as "AS21001") to its origin ASNs and
// prefixes. Unknown sets give an empty Result with a warning, not an error:
// the caller's safety brake decides whether an empty list may be applied.
// Errors are for unreachable sources and cancelled contexts.
func Expand(ctx context.Context, src Source, target string, opts ExpandOptions) (*Result, error) {
	opts.defaults()
	if m, ok := src.(Multi); ok {
		return expandMulti(ctx, m, target, opts)
	}
	if m, ok := src.(Merged); ok {
		switch len(m) {
		case 0:
			return nil, errNoSources
		case 1: // one registry: let it expand server-side (!i,1 and !a)
			src = m[0]
		}
	}
	target = strings.TrimSpace(target)
	res := &Result{Target: strings.ToUpper(target)}
	var origins []uint32
	var ranges []filters.PrefixRange
	isSet := false
	if asn, err := ParseASN(target); err == nil {
		origins = []uint32{asn}
		res.Target = FormatASN(asn)
	} else if isSetName(target) {
		isSet = true
		var err error
		origins, ranges, err = expandSet(ctx, src, res, target, opts)
		if err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("irr: %q is neither an AS number nor a set name", target)
	}

	v4, v6 := !opts.NoIPv4, !opts.NoIPv6
	var prefixes []netip.Prefix
	var routes []RouteEntry
	switch rs, ok := src.(RouteSource); {
	case opts.RouteMaxLength && ok:
		m, err := rs.RouteEntries(ctx, origins)
		if err != nil {
			return nil, err
		}
		for _, a := range origins {
			for _, r := range m[a] {
				if (r.Prefix.Addr().Is4() && v4) || (r.Prefix.Addr().Is6() && v6) {
					routes = append(routes, r)
				}
			}
		}
	default:
		if opts.RouteMaxLength {
			res.Warnings = append(res.Warnings, "source does not carry max-length; route max-length ignored")
		}
		var err error
		prefixes, err = fetchPrefixes(ctx, src, res, target, isSet, origins, v4, v6)
		if err != nil {
			return nil, err
		}
	}
	for _, p := range prefixes {
		routes = append(routes, RouteEntry{Prefix: p})
	}
	if !opts.RouteMaxLength {
		for i := range routes {
			routes[i].MaxLength = 0
		}
	}
	if opts.DropRefusedPrefixes {
		routes, ranges = res.dropRefused(routes, ranges)
	}
	// Literal route-set members: exact ones join the prefixes (and may be
	// aggregated), ones with a range operator are kept as given.
	for _, r := range ranges {
		if (r.Prefix.Addr().Is4() && !v4) || (r.Prefix.Addr().Is6() && !v6) {
			continue
		}
		if r.Min == uint8(r.Prefix.Bits()) && r.Max == r.Min {
			routes = append(routes, RouteEntry{Prefix: r.Prefix})
		} else {
			res.addRange(r)
		}
	}
	res.Origins = origins
	res.addRoutes(routes, opts)
	if srcs, err := src.Sources(ctx); err == nil {
		res.Sources = srcs
	}
	res.FetchedAt = opts.Now().UTC()
	return res, nil
}

func (r *Result) addRange(pr filters.PrefixRange) {
	if pr.Prefix.Addr().Is4() {
		r.IPv4 = append(r.IPv4, pr)
	} else {
		r.IPv6 = append(r.IPv6, pr)
	}
}

// addRoutes turns route entries into prefix ranges: exact, aggregated, or
// widened to the route's own max-length.
func (r *Result) addRoutes(routes []RouteEntry, opts ExpandOptions) {
	var v4, v6 []RouteEntry
	for _, e := range routes {
		if e.Prefix.Addr().Is4() {
			v4 = append(v4, e)
		} else {
			v6 = append(v6, e)
		}
	}
	r.IPv4 = SortRanges(append(r.IPv4, buildRanges(v4, opts.Aggregate, opts.MaxLength4)...))
	r.IPv6 = SortRanges(append(r.IPv6, buildRanges(v6, opts.Aggregate, opts.MaxLength6)...))
}

func buildRanges(routes []RouteEntry, aggregate bool, maxLen int) []filters.PrefixRange {
	var plain []netip.Prefix
	var extra []filters.PrefixRange
	for _, e := range routes {
		plain = append(plain, e.Prefix)
		if e.MaxLength > uint8(e.Prefix.Bits()) && int(e.MaxLength) > maxLen {
			extra = append(extra, filters.PrefixRange{Prefix: e.Prefix, Min: uint8(e.Prefix.Bits()), Max: e.MaxLength})
		}
	}
	var out []filters.PrefixRange
	if aggregate || maxLen > 0 {
		out = AggregateOpts(plain, AggregateOptions{Aggregate: aggregate, MaxLength: maxLen})
	} else {
		for _, p := range sortPrefixes(plain) {
			out = append(out, filters.PrefixRange{Prefix: p, Min: uint8(p.Bits()), Max: uint8(p.Bits())})
		}
	}
	return append(out, extra...)
}

// SortRanges sorts by address, length, then range, and removes duplicates.
func SortRanges(rs []filters.PrefixRange) []filters.PrefixRange {
	slices.SortFunc(rs, compareRange)
	return slices.Compact(rs)
}

func compareRange(a, b filters.PrefixRange) int {
	if c := comparePrefix(a.Prefix, b.Prefix); c != 0 {
		return c
	}
	if a.Min != b.Min {
		return int(a.Min) - int(b.Min)
	}
	return int(a.Max) - int(b.Max)
}

// expandSet returns the origin ASNs of a set, plus the literal prefix
// ranges of route-set members.
func expandSet(ctx context.Context, src Source, res *Result, name string, opts ExpandOptions) ([]uint32, []filters.PrefixRange, error) {
	var asns []uint32
	var ranges []filters.PrefixRange
	done := false
	if rs, ok := src.(RecursiveSource); ok && !opts.ClientRecursion {
		got, found, err := rs.RecursiveASNs(ctx, name)
		switch {
		case err == nil && !found:
			res.Warnings = append(res.Warnings, fmt.Sprintf("set %s not found", strings.ToUpper(name)))
			done = true
		case err == nil:
			asns, done = got, true
		case errors.Is(err, ErrUnsupported):
		default:
			return nil, nil, err
		}
	}
	if !done {
		var err error
		asns, ranges, err = recurseClient(ctx, src, res, name, opts)
		if err != nil {
			return nil, nil, err
		}
	}
	asns = dedupASNs(asns)
	if !opts.KeepBogonASNs {
		kept := asns[:0]
		for _, a := range asns {
			if IsBogonASN(a) {
				res.Warnings = append(res.Warnings, fmt.Sprintf("dropping bogon ASN %s found in %s", FormatASN(a), strings.ToUpper(name)))
				continue
			}
			kept = append(kept, a)
		}
		asns = kept
	}
	return asns, ranges, nil
}

func dedupASNs(a []uint32) []uint32 {
	a = slices.Clone(a)
	slices.Sort(a)
	return slices.Compact(a)
}

// recurseClient walks nested sets level by level; each level is one
// pipelined batch of !i queries. A visited set stops loops, MaxDepth stops
// deep nesting and MaxMembers stops explosions.
func recurseClient(ctx context.Context, src Source, res *Result, name string, opts ExpandOptions) ([]uint32, []filters.PrefixRange, error) {
	visited := map[string]bool{strings.ToUpper(name): true}
	level := []string{strings.ToUpper(name)}
	var asns []uint32
	var ranges []filters.PrefixRange
	count := 1
	for depth := 0; len(level) > 0; depth++ {
		if depth >= opts.MaxDepth {
			res.Warnings = append(res.Warnings, fmt.Sprintf("set nesting deeper than %d below %s: not followed: %s", opts.MaxDepth, strings.ToUpper(name), strings.Join(level, " ")))
			break
		}
		members, err := src.SetMembers(ctx, level)
		if err != nil {
			return nil, nil, err
		}
		if depth == 0 {
			if _, ok := members[level[0]]; !ok {
				res.Warnings = append(res.Warnings, fmt.Sprintf("set %s not found", level[0]))
				return nil, nil, nil
			}
		}
		var next []string
		for _, set := range level {
			toks, ok := members[set]
			if !ok && depth > 0 {
				res.Warnings = append(res.Warnings, fmt.Sprintf("nested set %s not found", set))
			}
			for _, t := range toks {
				if count >= opts.MaxMembers {
					res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d members below %s: expansion truncated", opts.MaxMembers, strings.ToUpper(name)))
					return asns, ranges, nil
				}
				up := strings.ToUpper(t)
				switch {
				case up == "ANY":
				case isASNToken(up):
					a, _ := ParseASN(up)
					asns = append(asns, a)
					count++
				case strings.Contains(up, "/"):
					r, ok, err := ParseRangeOp(t)
					if err != nil {
						res.Warnings = append(res.Warnings, fmt.Sprintf("%s: ignoring member %q: %v", set, t, err))
					} else if ok {
						ranges = append(ranges, r)
						count++
					}
				case isSetName(up):
					if !visited[up] {
						visited[up] = true
						next = append(next, up)
						count++
					}
				default:
					res.Warnings = append(res.Warnings, fmt.Sprintf("%s: ignoring member %q", set, t))
				}
			}
		}
		level = next
	}
	return asns, ranges, nil
}

// fetchPrefixes gets the route prefixes of the origins. For a set whose
// ASNs were all kept it may use one !a4/!a6 answer instead of one query
// per ASN, which is what bgpq4 does against IRRd 4.
func fetchPrefixes(ctx context.Context, src Source, res *Result, target string, isSet bool, origins []uint32, v4, v6 bool) ([]netip.Prefix, error) {
	if sp, ok := src.(SetPrefixSource); ok && isSet && !res.droppedASNs() && !isRouteSetName(target) {
		ps, err := sp.SetPrefixes(ctx, target, v4, v6)
		if err == nil {
			return ps, nil
		}
		if !errors.Is(err, ErrUnsupported) {
			return nil, err
		}
	}
	if len(origins) == 0 {
		return nil, nil
	}
	m, warns, err := src.OriginPrefixes(ctx, origins, v4, v6)
	if err != nil {
		return nil, err
	}
	res.Warnings = append(res.Warnings, warns...)
	var out []netip.Prefix
	for _, a := range origins {
		out = append(out, m[a]...)
	}
	return out, nil
}

// isRouteSetName reports a route-set name (a component starting "RS-").
func isRouteSetName(name string) bool {
	for _, c := range strings.Split(strings.ToUpper(name), ":") {
		if strings.HasPrefix(c, "RS-") {
			return true
		}
	}
	return false
}

// droppedASNs reports whether expansion removed or skipped anything, in
// which case a server-side !a answer would not match the origin list.
func (r *Result) droppedASNs() bool { return len(r.Warnings) > 0 }

func expandMulti(ctx context.Context, m Multi, target string, opts ExpandOptions) (*Result, error) {
	if len(m) == 0 {
		return nil, errNoSources
	}
	var errs []error
	for _, s := range m {
		res, err := Expand(ctx, s, target, opts)
		if err == nil {
			for _, e := range errs {
				res.Warnings = append(res.Warnings, "earlier source failed: "+e.Error())
			}
			return res, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}
