package routeserver

import (
	"context"
	"fmt"
	"hash/fnv"
	"reflect"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/filters"
)

// Live policy changes by diff: a reload that changes [filters], or moves a
// peer between static prefixes and as_set, changes compiled sets and
// statements under running sessions. Sets change entry by entry, in place
// (never Replace, notes §3 pitfall 4); new statements are added before old
// ones are removed, and the caller soft-resets the peers in, so routes
// already held are re-evaluated against the new chain.

// statementName is a statement's name in GoBGP. Statement names are global,
// so they carry the policy name; a parameter that lives in the statement
// itself (not in a set) is part of the name, so a changed value is a new
// statement that can be added before the old one is removed.
func statementName(policy string, s filters.Statement) string {
	n := policy + "/" + s.Name
	if s.ASPathLengthGE > 0 {
		n += fmt.Sprintf("-ge%d", s.ASPathLengthGE)
	}
	if len(s.NextHopIn) > 0 {
		h := fnv.New32a()
		for _, p := range s.NextHopIn {
			h.Write([]byte(p.String()))
			h.Write([]byte{','})
		}
		n += fmt.Sprintf("-%08x", h.Sum32())
	}
	return n
}

// applyCompiledDiff moves GoBGP from the compiled form old to next. Both
// must describe the same policies' current and wanted content; sets filled
// at run time (the damp sets) are empty in both and are left alone.
func applyCompiledDiff(ctx context.Context, s *server.BgpServer, old, next filters.Compiled) (added, deleted int, err error) {
	oldPS := map[string]filters.PrefixSetDef{}
	for _, ps := range old.PrefixSets {
		oldPS[ps.Name] = ps
	}
	oldAS := map[string]filters.ASPathSetDef{}
	for _, as := range old.ASPathSets {
		oldAS[as.Name] = as
	}
	type pending struct {
		prefix   bool
		name     string
		delP     []filters.PrefixRange
		delPaths []string
	}
	var later []pending
	// 1. new sets, and new entries of existing ones
	var created filters.Compiled
	for _, ps := range next.PrefixSets {
		o, ok := oldPS[ps.Name]
		if !ok {
			created.PrefixSets = append(created.PrefixSets, ps)
			added += len(ps.Entries)
			continue
		}
		del, add := diffRanges(o.Entries, ps.Entries)
		if err := updatePrefixSet(ctx, s, ps.Name, nil, add); err != nil {
			return added, deleted, err
		}
		added += len(add)
		later = append(later, pending{prefix: true, name: ps.Name, delP: del})
	}
	for _, as := range next.ASPathSets {
		o, ok := oldAS[as.Name]
		if !ok {
			created.ASPathSets = append(created.ASPathSets, as)
			added += len(as.Patterns)
			continue
		}
		del, add := diffStrings(o.Patterns, as.Patterns)
		if err := updateASPathSet(ctx, s, as.Name, nil, add); err != nil {
			return added, deleted, err
		}
		added += len(add)
		later = append(later, pending{name: as.Name, delPaths: del})
	}
	if err := installCompiled(ctx, s, created); err != nil {
		return added, deleted, err
	}
	// 2. statements: add the new ones, then remove the old ones
	oldPol := map[string]filters.Policy{}
	for _, p := range old.Policies {
		oldPol[p.Name] = p
	}
	for _, p := range next.Policies {
		o, ok := oldPol[p.Name]
		if !ok {
			if err := installCompiled(ctx, s, filters.Compiled{Policies: []filters.Policy{p}}); err != nil {
				return added, deleted, err
			}
			continue
		}
		gone, fresh, readd := diffStatements(p.Name, o.Statements, p.Statements)
		if err := addStatements(ctx, s, p.Name, fresh); err != nil {
			return added, deleted, err
		}
		if err := removeStatements(ctx, s, p.Name, gone); err != nil {
			return added, deleted, err
		}
		if err := addStatements(ctx, s, p.Name, readd); err != nil {
			return added, deleted, err
		}
		added += len(fresh) + len(readd)
		deleted += len(gone)
	}
	// 3. old entries, then sets nothing refers to any more
	for _, d := range later {
		if d.prefix {
			err = updatePrefixSet(ctx, s, d.name, d.delP, nil)
			deleted += len(d.delP)
		} else {
			err = updateASPathSet(ctx, s, d.name, d.delPaths, nil)
			deleted += len(d.delPaths)
		}
		if err != nil {
			return added, deleted, err
		}
	}
	newPS := map[string]bool{}
	for _, ps := range next.PrefixSets {
		newPS[ps.Name] = true
	}
	for _, ps := range old.PrefixSets {
		if !newPS[ps.Name] {
			deleted += len(ps.Entries)
			if err := s.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{All: true,
				DefinedSet: &api.DefinedSet{DefinedType: api.DefinedType_PREFIX, Name: ps.Name}}); err != nil {
				return added, deleted, fmt.Errorf("prefix set %s: delete: %w", ps.Name, err)
			}
		}
	}
	newAS := map[string]bool{}
	for _, as := range next.ASPathSets {
		newAS[as.Name] = true
	}
	for _, as := range old.ASPathSets {
		if !newAS[as.Name] {
			deleted += len(as.Patterns)
			if err := s.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{All: true,
				DefinedSet: &api.DefinedSet{DefinedType: api.DefinedType_AS_PATH, Name: as.Name}}); err != nil {
				return added, deleted, fmt.Errorf("as-path set %s: delete: %w", as.Name, err)
			}
		}
	}
	return added, deleted, nil
}

// diffStatements compares statements by their GoBGP name. A statement
// whose name stayed but whose content changed cannot be added while the
// old one is defined: it is in gone and in readd (added after removal).
func diffStatements(policy string, old, next []filters.Statement) (gone, fresh, readd []filters.Statement) {
	was := map[string]filters.Statement{}
	for _, st := range old {
		was[statementName(policy, st)] = st
	}
	is := map[string]bool{}
	for _, st := range next {
		n := statementName(policy, st)
		is[n] = true
		o, ok := was[n]
		switch {
		case !ok:
			fresh = append(fresh, st)
		case !reflect.DeepEqual(o, st):
			gone = append(gone, o)
			readd = append(readd, st)
		}
	}
	for _, st := range old {
		if !is[statementName(policy, st)] {
			gone = append(gone, st)
		}
	}
	return gone, fresh, readd
}

// addStatements appends statements to a live policy.
func addStatements(ctx context.Context, s *server.BgpServer, policy string, sts []filters.Statement) error {
	if len(sts) == 0 {
		return nil
	}
	ap := &api.Policy{Name: policy}
	for _, st := range sts {
		ap.Statements = append(ap.Statements, apiStatement(policy, st))
	}
	if err := s.AddPolicy(ctx, &api.AddPolicyRequest{Policy: ap}); err != nil {
		return fmt.Errorf("policy %s: add %d statements: %w", policy, len(sts), err)
	}
	return nil
}

// removeStatements takes statements out of a policy and deletes their
// definitions: DeletePolicy with All=false leaves removed statements
// defined, and a later AddPolicy of the same name would then fail.
func removeStatements(ctx context.Context, s *server.BgpServer, policy string, gone []filters.Statement) error {
	if len(gone) == 0 {
		return nil
	}
	ap := &api.Policy{Name: policy}
	for _, st := range gone {
		ap.Statements = append(ap.Statements, apiStatement(policy, st))
	}
	if err := s.DeletePolicy(ctx, &api.DeletePolicyRequest{Policy: ap, All: false, PreserveStatements: true}); err != nil {
		return fmt.Errorf("policy %s: remove %d statements: %w", policy, len(gone), err)
	}
	for _, st := range ap.Statements {
		if err := s.DeleteStatement(ctx, &api.DeleteStatementRequest{Statement: &api.Statement{Name: st.Name}, All: true}); err != nil {
			return fmt.Errorf("statement %s: delete: %w", st.Name, err)
		}
	}
	return nil
}
