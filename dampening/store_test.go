package dampening

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func openStore(t *testing.T, dir string, now time.Time) (*Engine, *Store, Recovery) {
	t.Helper()
	e, s, rec, err := OpenStore(dir, DefaultParams(), now, WithDefaultMode(ModeEnforce))
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	if err := checkInvariants(e); err != nil {
		t.Fatalf("after OpenStore: %v", err)
	}
	return e, s, rec
}

func mustSync(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
}

func mustCompact(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	if err := s.Compact(now); err != nil {
		t.Fatal(err)
	}
}

// suppressedKeys lists the routes in a suppression episode at now.
func suppressedKeys(e *Engine, now time.Time) []string {
	var out []string
	for _, st := range e.List(now, nil) {
		if st.Suppressed {
			out = append(out, fmt.Sprintf("%s %s", st.Key.Peer, st.Key.Prefix))
		}
	}
	return out
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range ents {
		out = append(out, de.Name())
	}
	return out
}

// TestJournalReplay: suppressions, releases and clears made after the last
// snapshot survive a crash (the store is abandoned without Close), with the
// exact penalty and episode times.
func TestJournalReplay(t *testing.T) {
	dir := t.TempDir()
	e, s, rec := openStore(t, dir, base)
	if rec.Snapshot != "" || rec.JournalEntries != 0 || len(rec.Lost) != 0 {
		t.Fatalf("empty dir: %+v", rec)
	}
	kept, released, cleared := key("p1", "45.0.0.0/24"), key("p1", "45.0.1.0/24"), key("p2", "45.0.2.0/24")
	for _, k := range []Key{kept, released, cleared} {
		suppressOne(e, k)
	}
	// released: flapped again much later, after its reuse time, so the
	// event ends the episode (a release record) without a new one.
	late := at(2 * time.Hour)
	if tr := withdraw(e, released, late); tr.Kind != TransitionReleased {
		t.Fatalf("late withdrawal: %+v", tr)
	}
	e.Clear(cleared)
	mustSync(t, s)
	during := at(2 * time.Minute) // kept is still in its episode
	want := mustState(t, e, kept, during)

	e2, _, rec := openStore(t, dir, late) // no Close: a crash
	if rec.JournalEntries != 5 || len(rec.Lost) != 0 || len(rec.Torn) != 0 || rec.Generation != 1 {
		t.Fatalf("recovery: %+v (%s)", rec, rec)
	}
	got := mustState(t, e2, kept, during)
	if got.Penalty != want.Penalty || !got.SuppressedSince.Equal(want.SuppressedSince) || !got.ReuseAt.Equal(want.ReuseAt) || got.Flaps != want.Flaps || !got.Suppressed {
		t.Fatalf("replayed %+v, want %+v", got, want)
	}
	if st, ok := e2.State(released, late); !ok || st.WouldSuppress || st.Penalty == 0 {
		t.Fatalf("released route after replay: %+v %v", st, ok)
	}
	if st, ok := e2.State(cleared, late); ok {
		t.Fatalf("cleared route came back: %+v", st)
	}
	if c := e2.Counters("p1"); c.Suppressions-c.Releases != 1 {
		t.Fatalf("counters after replay: %+v", c)
	}
	if !strings.Contains(rec.String(), "state restored from generation 1") || !strings.Contains(rec.String(), "journal entries applied 5; lost: nothing") {
		t.Fatalf("status line: %s", rec)
	}
}

// TestJournalNeedsSync: records not yet synced are not on disk, which is
// why the route server syncs before it enforces.
func TestJournalNeedsSync(t *testing.T) {
	dir := t.TempDir()
	e, _, _ := openStore(t, dir, base)
	suppressOne(e, key("p1", "45.0.0.0/24"))
	e2, _, rec := openStore(t, dir, at(time.Minute))
	if rec.JournalEntries != 0 || len(suppressedKeys(e2, at(time.Minute))) != 0 {
		t.Fatalf("unsynced record recovered: %+v", rec)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestJournalTornTail: a crash mid-append leaves a partial last record (no
// newline) or a complete-looking one with a bad checksum; both are ignored
// and reported as torn, and the records before them are applied.
func TestJournalTornTail(t *testing.T) {
	valid := string(appendLine(nil, journalRecord{Op: opSuppress, Route: savedRoute{Peer: "p9", Prefix: "45.9.0.0/24",
		Penalty: 7000, Updated: "2026-03-01T12:00:00Z", SuppressedSince: "2026-03-01T12:00:00Z"}}))
	for _, tc := range []struct{ name, tail, torn string }{
		{"no newline", valid[:len(valid)/2], "bytes without a newline"},
		{"bad checksum", "00000000" + valid[8:], "checksum mismatch"},
		{"zeros", "\x00\x00\x00\x00\n", "not a checksummed record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			e, s, _ := openStore(t, dir, base)
			suppressOne(e, key("p1", "45.0.0.0/24"))
			mustSync(t, s)
			appendFile(t, journalPath(dir, s.Generation()), tc.tail)
			e2, _, rec := openStore(t, dir, at(time.Minute))
			if rec.JournalEntries != 1 || len(rec.Lost) != 0 || len(rec.Torn) != 1 || !strings.Contains(rec.Torn[0], tc.torn) ||
				!strings.Contains(rec.Torn[0], "dampening.1.journal line 3") {
				t.Fatalf("recovery: %+v", rec)
			}
			if got := suppressedKeys(e2, at(time.Minute)); !slices.Equal(got, []string{"p1 45.0.0.0/24"}) {
				t.Fatalf("suppressed after torn tail: %v", got)
			}
		})
	}
}

// TestJournalBadRecords: a damaged record before the end is corruption,
// not a torn tail: it is skipped and named (file and line), and the records
// after it still apply. A record whose checksum is right but whose values
// are not is rejected exactly as a snapshot route would be.
func TestJournalBadRecords(t *testing.T) {
	dir := t.TempDir()
	e, s, _ := openStore(t, dir, base)
	mustSync(t, s)
	path := journalPath(dir, s.Generation())
	appendFile(t, path, string(appendLine(nil, journalRecord{Op: opSuppress, Route: savedRoute{Peer: "p1", Prefix: "45.1.0.0/24",
		Penalty: -1, Updated: "2026-03-01T12:00:00Z", SuppressedSince: "2026-03-01T12:00:00Z"}})))
	appendFile(t, path, "deadbeef {\"op\":\"suppress\"}\n")
	appendFile(t, path, string(appendLine(nil, journalRecord{Op: "explode", Route: savedRoute{Peer: "p1"}})))
	appendFile(t, path, string(appendLine(nil, journalRecord{Op: opRelease, Route: savedRoute{Peer: "p1", Prefix: "45.2.0.0/24",
		Penalty: 7000, Updated: "2026-03-01T12:00:00Z", SuppressedSince: "2026-03-01T12:00:00Z"}})))
	suppressOne(e, key("p1", "45.0.0.0/24"))
	mustSync(t, s)
	e2, _, rec := openStore(t, dir, at(time.Minute))
	wantLost := []string{
		"dampening.1.journal line 3: checksum mismatch",
		"dampening.1.journal line 2 (suppress p1 45.1.0.0/24): route.penalty: must be a number >= 0, got -1",
		`dampening.1.journal line 4 (explode p1 ): op: unknown operation "explode"`,
		"dampening.1.journal line 5 (release p1 45.2.0.0/24): route.suppressed_since: a release record must not set it",
	}
	if rec.JournalEntries != 1 || len(rec.Lost) != len(wantLost) {
		t.Fatalf("recovery: %s", rec)
	}
	for i, w := range wantLost {
		if !strings.Contains(rec.Lost[i], w) {
			t.Errorf("lost[%d] = %q, want it to contain %q", i, rec.Lost[i], w)
		}
	}
	if got := suppressedKeys(e2, at(time.Minute)); !slices.Equal(got, []string{"p1 45.0.0.0/24"}) {
		t.Fatalf("suppressed: %v", got)
	}
}

// TestCorruptSnapshotFallsBack: an unreadable newest snapshot falls back to
// the previous generation plus both journals, so every suppression is
// still there; the bad file is kept aside and named. With no readable
// snapshot at all, the journals alone restore the suppressions they hold.
func TestCorruptSnapshotFallsBack(t *testing.T) {
	dir := t.TempDir()
	e, s, _ := openStore(t, dir, base)                                     // snapshot 1, journal 1
	suppressOne(e, key("p1", "45.0.1.0/24"))                               // journal 1
	mustSync(t, s)                                                         //
	mustCompact(t, s, at(time.Second))                                     // snapshot 2 (45.0.1), journal 2
	suppressOne(e, key("p1", "45.0.2.0/24"))                               // journal 2
	mustSync(t, s)                                                         //
	mustCompact(t, s, at(2*time.Second))                                   // snapshot 3, journal 3; 1 pruned
	suppressOne(e, key("p1", "45.0.3.0/24"))                               // journal 3
	mustSync(t, s)                                                         //
	want := []string{"p1 45.0.1.0/24", "p1 45.0.2.0/24", "p1 45.0.3.0/24"} // sorted
	if got := dirNames(t, dir); !slices.Equal(got, []string{"dampening.2.journal", "dampening.2.json", "dampening.3.journal", "dampening.3.json"}) {
		t.Fatalf("generations on disk: %v", got)
	}
	if err := os.WriteFile(snapshotPath(dir, 3), []byte(`{"format":"rsguard-dampening-state","version":1,"saved_at":"2026-03-01T12:00:02Z","routes":[{"peer":"p1","prefix":"45.0.1.0/24","penalty":"x"`), 0o644); err != nil {
		t.Fatal(err)
	}
	now := at(3 * time.Second)
	e2, s2, rec := openStore(t, dir, now)
	if rec.Generation != 2 || rec.JournalEntries != 2 || len(rec.Lost) != 1 || !strings.Contains(rec.Lost[0], "snapshot generation 3 rejected") ||
		!strings.Contains(rec.Lost[0], "dampening.3.json") || !strings.Contains(rec.String(), "state restored from generation 2 at 2026-03-01T12:00:01Z") {
		t.Fatalf("recovery: %s", rec)
	}
	if got := suppressedKeys(e2, now); !slices.Equal(got, want) {
		t.Fatalf("suppressed after fallback: %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "dampening.3.json.rejected")); err != nil {
		t.Fatalf("rejected snapshot not kept: %v", err)
	}
	if s2.Generation() != 4 {
		t.Fatalf("new generation %d, want 4 (never reuse 3)", s2.Generation())
	}

	// Now every snapshot is bad: the journals still know the suppressions.
	for _, name := range dirNames(t, dir) {
		if strings.HasSuffix(name, ".json") {
			os.WriteFile(filepath.Join(dir, name), []byte("garbage"), 0o644)
		}
	}
	e3, _, rec := openStore(t, dir, now)
	if rec.Snapshot != "" || !strings.Contains(rec.String(), "no readable snapshot: state rebuilt from journals only") {
		t.Fatalf("recovery: %s", rec)
	}
	if got := suppressedKeys(e3, now); len(got) == 0 {
		t.Fatalf("journals restored nothing: %s", rec)
	}
}

// TestCompaction: each Compact starts a new generation and keeps exactly
// two; a legacy single-file state is read as generation 0 and removed once
// two generations exist; a crash between starting a journal and writing
// its snapshot loses nothing.
func TestCompaction(t *testing.T) {
	dir := t.TempDir()
	legacy := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	suppressOne(legacy, key("p1", "45.0.0.0/24"))
	if err := legacy.SaveFile(filepath.Join(dir, LegacyStateFile), at(time.Second)); err != nil {
		t.Fatal(err)
	}
	e, s, rec := openStore(t, dir, at(2*time.Second))
	if rec.Snapshot != filepath.Join(dir, LegacyStateFile) || rec.Generation != 0 {
		t.Fatalf("legacy state not read: %s", rec)
	}
	for i := range 4 {
		suppressOne(e, key("p1", fmt.Sprintf("45.0.%d.0/24", i+1)))
		mustSync(t, s)
		mustCompact(t, s, at(time.Duration(i+3)*time.Second))
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"dampening.4.journal", "dampening.4.json", "dampening.5.journal", "dampening.5.json"}) {
		t.Fatalf("after 4 compactions: %v", got)
	}
	// Journal 5 holds nothing; its snapshot holds everything.
	_, _, rec = openStore(t, dir, at(10*time.Second))
	if rec.Generation != 5 || rec.JournalEntries != 0 || len(rec.Lost) != 0 {
		t.Fatalf("recovery: %s", rec)
	}
	// That open started journal 6 and wrote snapshot 6; lose the snapshot
	// as a crash before its rename would, after a suppression in journal 6.
	e, s, _ = openStore(t, dir, at(11*time.Second))
	suppressOne(e, key("p1", "45.0.9.0/24"))
	mustSync(t, s)
	os.Remove(snapshotPath(dir, s.Generation()))
	e2, _, rec := openStore(t, dir, at(12*time.Second))
	if rec.Generation != s.Generation()-1 || len(rec.Lost) != 0 || rec.JournalEntries != 1 {
		t.Fatalf("recovery after a lost snapshot: %s", rec)
	}
	if got := suppressedKeys(e2, at(12*time.Second)); len(got) != 6 {
		t.Fatalf("suppressed: %v", got)
	}
}

// TestStoreConcurrent: events, Sync and Compact from several goroutines
// (run with -race); what a reopen restores is exactly what the engine
// holds after a final Sync.
func TestStoreConcurrent(t *testing.T) {
	dir := t.TempDir()
	e, s, _ := openStore(t, dir, base)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				k := key(fmt.Sprintf("p%d", w), fmt.Sprintf("45.%d.%d.0/24", w, i))
				suppressOne(e, k)
				if i%3 == 0 {
					e.Clear(k)
				}
				if i%7 == 0 {
					mustSync(t, s)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 5 {
			mustCompact(t, s, at(time.Duration(i)*time.Second))
		}
	}()
	wg.Wait()
	mustSync(t, s)
	now := at(time.Minute)
	want := suppressedKeys(e, now)
	e2, _, rec := openStore(t, dir, now)
	if got := suppressedKeys(e2, now); !slices.Equal(got, want) || len(rec.Lost) != 0 {
		t.Fatalf("restored %d suppressed, want %d (%s)", len(got), len(want), rec)
	}
}

// TestJournalWriteFailureRetried: records a failed Sync could not write
// are kept and written by a later Sync, after Compact has left the broken
// journal behind; even if that snapshot is then lost, the previous one plus
// the journals restore them.
func TestJournalWriteFailureRetried(t *testing.T) {
	dir := t.TempDir()
	e, s, _ := openStore(t, dir, base)
	k := key("p1", "45.0.0.0/24")
	suppressOne(e, k)
	s.f.Close() // the journal's disk goes away
	if err := s.Sync(); err == nil {
		t.Fatal("Sync on a broken journal succeeded")
	}
	mustCompact(t, s, at(time.Second))
	mustSync(t, s)
	os.Remove(snapshotPath(dir, s.Generation())) // and that snapshot is lost too
	e2, _, rec := openStore(t, dir, at(time.Minute))
	if got := suppressedKeys(e2, at(time.Minute)); !slices.Equal(got, []string{"p1 45.0.0.0/24"}) || rec.Generation != 1 || rec.JournalEntries != 1 {
		t.Fatalf("suppressed %v after a failed journal write (%s)", got, rec)
	}
}
