package irr

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Merged reads several registries (a whois Client, local dumps) as one,
// like IRRd reads its sources: the members are in priority order; a set
// (as-set, route-set) is taken from the first member that has it, and
// route objects are the union of every member's. Every member must answer:
// if one fails the whole query fails, because a result built from part of
// the registry would not be the peer's filter, and the caller keeps its
// last good one instead (the daemon's [irr] servers and files).
//
// Unlike Multi it does not fall back: the answer does not depend on which
// member happens to be reachable, so a filter cannot flip between a
// server's data and a dump's as the server goes down and comes back.
// Nested sets are expanded by the client (one !i per level), since no
// single member can expand a set whose parts live in different members.
type Merged []Source

// Sources implements Source: every member's sources, in member order,
// each name once.
func (m Merged) Sources(ctx context.Context) ([]string, error) {
	var out []string
	for i, s := range m {
		srcs, err := s.Sources(ctx)
		if err != nil {
			return nil, m.fail(i, err)
		}
		for _, n := range srcs {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// SetMembers implements Source: each set from the first member that has it.
func (m Merged) SetMembers(ctx context.Context, names []string) (map[string][]string, error) {
	out := map[string][]string{}
	for i, s := range m {
		got, err := s.SetMembers(ctx, names)
		if err != nil {
			return nil, m.fail(i, err)
		}
		for name, members := range got {
			name = strings.ToUpper(name)
			if _, seen := out[name]; !seen {
				out[name] = members
			}
		}
	}
	return out, nil
}

// OriginPrefixes implements Source: the union of every member's route
// objects, sorted, each prefix once per ASN.
func (m Merged) OriginPrefixes(ctx context.Context, asns []uint32, v4, v6 bool) (map[uint32][]netip.Prefix, []string, error) {
	out := map[uint32][]netip.Prefix{}
	var warns []string
	for i, s := range m {
		got, w, err := s.OriginPrefixes(ctx, asns, v4, v6)
		if err != nil {
			return nil, nil, m.fail(i, err)
		}
		warns = append(warns, w...)
		for a, ps := range got {
			out[a] = append(out[a], ps...)
		}
	}
	for a, ps := range out {
		out[a] = sortPrefixes(ps)
	}
	return out, warns, nil
}

// fail names the member when there are several, so an operator sees which
// part of the registry made the refresh fail.
func (m Merged) fail(i int, err error) error {
	if len(m) == 1 {
		return err
	}
	return fmt.Errorf("irr source %d of %d (%s): %w", i+1, len(m), describeSource(m[i]), err)
}

func describeSource(s Source) string {
	switch v := s.(type) {
	case *Client:
		return "whois " + strings.Join(v.opts.Servers, ", ")
	case DBSource:
		return "local files"
	}
	return fmt.Sprintf("%T", s)
}
