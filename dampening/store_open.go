package dampening

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Snapshot and journal file names; LegacyStateFile is the single snapshot
// of earlier versions, read as generation 0 when no generation exists.
const (
	filePrefix      = "dampening."
	snapshotSuffix  = ".json"
	journalSuffix   = ".journal"
	rejectedSuffix  = ".rejected"
	LegacyStateFile = "dampening.json"
)

func snapshotPath(dir string, gen uint64) string {
	return filepath.Join(dir, filePrefix+strconv.FormatUint(gen, 10)+snapshotSuffix)
}

func journalPath(dir string, gen uint64) string {
	return filepath.Join(dir, filePrefix+strconv.FormatUint(gen, 10)+journalSuffix)
}

// Recovery says what OpenStore restored and what it could not.
type Recovery struct {
	// Snapshot is the file the state was restored from, "" when none was
	// readable (or none existed); Generation and SavedAt describe it.
	Snapshot   string
	Generation uint64
	SavedAt    time.Time
	// JournalEntries is the number of journal records applied on top.
	JournalEntries int
	// Lost lists what could not be restored and why, naming file and
	// record: rejected snapshots, corrupt or invalid journal records,
	// missing journals.
	Lost []string
	// Torn lists the incomplete last records ignored: a crash while
	// appending. The change they held was never enforced (Sync precedes
	// enforcement), so nothing acted upon is lost.
	Torn []string
}

// String is the one-line status shown in the log and by `rsctl dampened`.
func (r Recovery) String() string {
	var b strings.Builder
	switch {
	case r.Snapshot != "":
		fmt.Fprintf(&b, "state restored from generation %d at %s", r.Generation, r.SavedAt.UTC().Format(time.RFC3339))
	case r.JournalEntries > 0 || len(r.Lost) > 0:
		b.WriteString("no readable snapshot: state rebuilt from journals only")
	default:
		b.WriteString("no saved state: started empty")
	}
	fmt.Fprintf(&b, "; journal entries applied %d", r.JournalEntries)
	if len(r.Torn) > 0 {
		fmt.Fprintf(&b, "; torn tail ignored: %s", strings.Join(r.Torn, "; "))
	}
	if len(r.Lost) > 0 {
		fmt.Fprintf(&b, "; lost: %s", strings.Join(r.Lost, "; "))
	} else {
		b.WriteString("; lost: nothing")
	}
	return b.String()
}

// OpenStore restores the state kept in dir and starts a new generation
// there. It restores from the newest snapshot that loads (a rejected one
// is renamed *.rejected and named in Recovery.Lost), then applies, in
// order, every journal from that generation on; with no readable snapshot
// it applies every journal to an empty engine. Restored data is validated
// as Load validates it; a bad journal record is skipped and named. An error
// with a non-nil engine and Store means the state was restored but the
// first generation could not be written: both work, and a later Compact
// may succeed; until a journal exists, changes are not durable.
func OpenStore(dir string, p Params, now time.Time, opts ...Option) (*Engine, *Store, Recovery, error) {
	var rec Recovery
	if _, err := New(p, opts...); err != nil {
		return nil, nil, rec, err // the caller's parameters, not the files
	}
	snaps, journals, maxGen, err := scanGenerations(dir)
	if err != nil {
		return nil, nil, rec, err
	}
	var e *Engine
	from := uint64(0)
	for i := len(snaps) - 1; i >= 0 && e == nil; i-- {
		g := snaps[i]
		path := snapshotPath(dir, g)
		if g == 0 {
			path = filepath.Join(dir, LegacyStateFile)
		}
		raw, err := os.ReadFile(path)
		if err == nil {
			var savedAt time.Time
			e, savedAt, err = load(raw, p, now, opts...)
			if err == nil {
				rec.Snapshot, rec.Generation, rec.SavedAt, from = path, g, savedAt, g
				break
			}
		}
		rec.Lost = append(rec.Lost, fmt.Sprintf("snapshot generation %d rejected (%s: %v), kept as %s", g, path, err, filepath.Base(path)+rejectedSuffix))
		os.Rename(path, path+rejectedSuffix) // best effort: out of the way of the next start
	}
	if e == nil {
		e, _ = New(p, opts...) // checked above
	}
	e.mu.Lock()
	t := nanos(now)
	for _, g := range journals {
		if g < from {
			continue // compacted into the snapshot already
		}
		e.replayJournal(dir, g, t, &rec)
	}
	// Journal G is created before snapshot G is written and pruned only
	// with it, so from the restored generation to the last journal every
	// generation must have one.
	if from > 0 && len(journals) > 0 {
		for g := from; g <= journals[len(journals)-1]; g++ {
			if !slices.Contains(journals, g) {
				rec.Lost = append(rec.Lost, fmt.Sprintf("journal generation %d missing (%s)", g, journalPath(dir, g)))
			}
		}
	}
	e.mu.Unlock()

	// The first generation of this run folds the recovery in, so the next
	// start does not depend on the journals replayed now.
	s := &Store{dir: dir, e: e, gen: maxGen, base: from}
	return e, s, rec, s.Compact(now)
}

// replayJournal applies journal g, recording in rec what was applied and
// lost. The caller holds e.mu.
func (e *Engine) replayJournal(dir string, g uint64, now int64, rec *Recovery) {
	path := journalPath(dir, g)
	raw, err := os.ReadFile(path)
	if err != nil {
		rec.Lost = append(rec.Lost, fmt.Sprintf("journal %s unreadable: %v", path, err))
		return
	}
	pj, err := parseJournal(raw)
	if pj != nil && pj.torn != "" {
		rec.Torn = append(rec.Torn, fmt.Sprintf("%s %s", path, pj.torn))
	}
	switch {
	case errors.Is(err, errEmptyJournal):
		return
	case err != nil:
		rec.Lost = append(rec.Lost, fmt.Sprintf("journal %s: %v", path, err))
		return
	case pj.generation != g:
		rec.Lost = append(rec.Lost, fmt.Sprintf("journal %s: header says generation %d, not %d", path, pj.generation, g))
		return
	}
	for _, b := range pj.bad {
		rec.Lost = append(rec.Lost, fmt.Sprintf("journal %s %s", path, b))
	}
	for _, en := range pj.entries {
		if err := e.applyRecord(en.rec, now); err != nil {
			rec.Lost = append(rec.Lost, fmt.Sprintf("journal %s line %d (%s %s %s): %v", path, en.line, en.rec.Op, en.rec.Route.Peer, en.rec.Route.Prefix, err))
			continue
		}
		rec.JournalEntries++
	}
}

// scanGenerations lists the snapshot and journal generations in dir,
// ascending, and the highest generation any file uses. The legacy single
// file counts as snapshot generation 0.
func scanGenerations(dir string) (snaps, journals []uint64, maxGen uint64, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("dampening state: %w", err)
	}
	for _, de := range ents {
		name := de.Name()
		if name == LegacyStateFile {
			snaps = append(snaps, 0)
			continue
		}
		g, kind, ok := parseGenName(name)
		if !ok {
			continue
		}
		maxGen = max(maxGen, g)
		switch kind {
		case snapshotSuffix:
			snaps = append(snaps, g)
		case journalSuffix:
			journals = append(journals, g)
		}
	}
	slices.Sort(snaps)
	slices.Sort(journals)
	return snaps, journals, maxGen, nil
}

// parseGenName recognizes dampening.<G>.json, .journal and their
// .rejected forms (which count for maxGen only, so generations never
// repeat).
func parseGenName(name string) (gen uint64, kind string, ok bool) {
	rest, found := strings.CutPrefix(name, filePrefix)
	if !found {
		return 0, "", false
	}
	rest, rejected := strings.CutSuffix(rest, rejectedSuffix)
	for _, suf := range []string{snapshotSuffix, journalSuffix} {
		num, found := strings.CutSuffix(rest, suf)
		if !found {
			continue
		}
		g, err := strconv.ParseUint(num, 10, 64)
		if err != nil || g == 0 || strconv.FormatUint(g, 10) != num {
			return 0, "", false
		}
		if rejected {
			suf = rejectedSuffix
		}
		return g, suf, true
	}
	return 0, "", false
}

// pruneGenerations removes the snapshots and journals older than keep, the
// legacy file once keep > 0, and temporaries a crash left behind.
func pruneGenerations(dir string, keep uint64) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("dampening state: %w", err)
	}
	var errs []error
	for _, de := range ents {
		name := de.Name()
		g, kind, ok := parseGenName(name)
		old := ok && kind != rejectedSuffix && g < keep
		legacy := name == LegacyStateFile && keep > 0
		temp := strings.HasPrefix(name, "."+filePrefix) && strings.Contains(name, ".tmp-")
		if old || legacy || temp {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
