package irrsync

import (
	"context"
	"fmt"
	"slices"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/irr"
)

// expand expands every AS-SET of a peer's as_set (one, or several
// comma-joined) and returns their union. One failing set fails the whole
// refresh, so the last good filter stays in force rather than a filter
// missing one set's routes.
func (s *Syncer) expand(ctx context.Context, p config.Peer) (*irr.Result, error) {
	names := config.ASSetNames(p.ASSet)
	var out *irr.Result
	for _, n := range names {
		res, err := s.expandOne(ctx, p, n)
		if err != nil {
			if len(names) > 1 {
				return nil, fmt.Errorf("%s: %w", n, err)
			}
			return nil, err
		}
		out = unionResults(out, res)
	}
	if out == nil {
		return nil, fmt.Errorf("irrsync: peer %s has no as_set", p.Name)
	}
	out.Target = p.ASSet // the cache is matched against the configured value
	return out, nil
}

// unionResults merges b into a (nil a: b). Prefix ranges are the union of
// both aggregated lists (still exact coverage, maybe not minimal); the
// result is as old as the older half.
func unionResults(a, b *irr.Result) *irr.Result {
	if a == nil {
		return b
	}
	a.Origins = append(a.Origins, b.Origins...)
	slices.Sort(a.Origins)
	a.Origins = slices.Compact(a.Origins)
	a.IPv4 = irr.SortRanges(append(a.IPv4, b.IPv4...))
	a.IPv6 = irr.SortRanges(append(a.IPv6, b.IPv6...))
	for _, src := range b.Sources {
		if !slices.Contains(a.Sources, src) {
			a.Sources = append(a.Sources, src)
		}
	}
	a.Warnings = append(a.Warnings, b.Warnings...)
	if b.FetchedAt.Before(a.FetchedAt) {
		a.FetchedAt = b.FetchedAt
	}
	return a
}
