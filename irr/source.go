package irr

import (
	"context"
	"net/netip"
	"strings"
)

// Source is where Expand gets IRR data from: a whois Client, a local
// DBSource, or a Multi of several.
type Source interface {
	// Sources names the IRR sources (RIPE, RADB, ...) the answers come from.
	Sources(ctx context.Context) ([]string, error)
	// SetMembers returns the direct members of each named set; unknown
	// sets are absent from the map. Keys are upper case.
	SetMembers(ctx context.Context, names []string) (map[string][]string, error)
	// OriginPrefixes returns route (v4) and/or route6 (v6) prefixes per
	// ASN, plus warnings about unusable answers.
	OriginPrefixes(ctx context.Context, asns []uint32, v4, v6 bool) (map[uint32][]netip.Prefix, []string, error)
}

// RecursiveSource can expand an as-set to ASNs in one step (!i<set>,1).
// It returns ErrUnsupported when it cannot, and found=false for an unknown
// set.
type RecursiveSource interface {
	RecursiveASNs(ctx context.Context, name string) (asns []uint32, found bool, err error)
}

// SetPrefixSource can return all prefixes of an as-set at once (!a4/!a6).
type SetPrefixSource interface {
	SetPrefixes(ctx context.Context, name string, v4, v6 bool) ([]netip.Prefix, error)
}

// RouteSource exposes whole route entries, including max-length, which
// the whois protocol cannot carry.
type RouteSource interface {
	RouteEntries(ctx context.Context, asns []uint32) (map[uint32][]RouteEntry, error)
}

// DBSource serves a local DB, restricted to Select (all sources if empty,
// in the DB's load order).
type DBSource struct {
	DB     *DB
	Select []string
}

// Sources implements Source.
func (s DBSource) Sources(context.Context) ([]string, error) {
	if len(s.Select) > 0 {
		return upperAll(s.Select), nil
	}
	return s.DB.Sources(), nil
}

// SetMembers implements Source.
func (s DBSource) SetMembers(_ context.Context, names []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, n := range names {
		if m, ok := s.DB.SetMembers(n, s.Select); ok {
			out[strings.ToUpper(n)] = m
		}
	}
	return out, nil
}

// OriginPrefixes implements Source.
func (s DBSource) OriginPrefixes(_ context.Context, asns []uint32, v4, v6 bool) (map[uint32][]netip.Prefix, []string, error) {
	out := map[uint32][]netip.Prefix{}
	for _, a := range asns {
		if v4 {
			out[a] = append(out[a], s.DB.OriginPrefixes(a, false, s.Select)...)
		}
		if v6 {
			out[a] = append(out[a], s.DB.OriginPrefixes(a, true, s.Select)...)
		}
	}
	return out, nil, nil
}

// RecursiveASNs implements RecursiveSource.
func (s DBSource) RecursiveASNs(_ context.Context, name string) ([]uint32, bool, error) {
	if s.DB.IsRouteSet(name, s.Select) {
		return nil, false, ErrUnsupported
	}
	asns, ok := s.DB.RecursiveASNs(name, s.Select)
	return asns, ok, nil
}

// RouteEntries implements RouteSource.
func (s DBSource) RouteEntries(_ context.Context, asns []uint32) (map[uint32][]RouteEntry, error) {
	out := map[uint32][]RouteEntry{}
	for _, a := range asns {
		out[a] = s.DB.Routes(a, s.Select)
	}
	return out, nil
}

// Multi tries its sources in order: Expand uses the first one that answers
// without an error, so whois servers can be backed by local dump files
// (the [irr] servers and files settings).
type Multi []Source

// Sources implements Source with the first member that answers.
func (m Multi) Sources(ctx context.Context) ([]string, error) {
	return firstOK(m, func(s Source) ([]string, error) { return s.Sources(ctx) })
}

// SetMembers implements Source with the first member that answers.
func (m Multi) SetMembers(ctx context.Context, names []string) (map[string][]string, error) {
	return firstOK(m, func(s Source) (map[string][]string, error) { return s.SetMembers(ctx, names) })
}

// OriginPrefixes implements Source with the first member that answers.
func (m Multi) OriginPrefixes(ctx context.Context, asns []uint32, v4, v6 bool) (map[uint32][]netip.Prefix, []string, error) {
	var warns []string
	out, err := firstOK(m, func(s Source) (map[uint32][]netip.Prefix, error) {
		o, w, err := s.OriginPrefixes(ctx, asns, v4, v6)
		warns = w
		return o, err
	})
	return out, warns, err
}

func firstOK[T any](m Multi, f func(Source) (T, error)) (T, error) {
	var zero T
	var lastErr error = errNoSources
	for _, s := range m {
		v, err := f(s)
		if err == nil {
			return v, nil
		}
		lastErr = err
	}
	return zero, lastErr
}
