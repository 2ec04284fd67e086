package dampening

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzJournal feeds arbitrary bytes to the journal decoder and replay: no
// panic; whatever is accepted re-encodes to the same records; replaying
// the accepted records keeps the engine's invariants and bounds, as Load
// does for snapshots.
func FuzzJournal(f *testing.F) {
	// The records a real engine writes, captured in memory: OpenStore's
	// fsyncs would slow every fuzz worker's start.
	e := mustNew(f, DefaultParams(), WithDefaultMode(ModeEnforce))
	mem := &memJournal{buf: appendLine(nil, journalHeader{Format: journalFormat, Version: journalVersion, Generation: 1})}
	e.jr = mem
	suppressOne(e, key("p1", "45.0.0.0/24"))
	suppressOne(e, Key{Peer: "p2", Prefix: mustPrefix("2a0a:4580::/32"), PathID: 3})
	withdraw(e, key("p1", "45.0.0.0/24"), at(2*time.Hour))
	e.Clear(Key{Peer: "p2", Prefix: mustPrefix("2a0a:4580::/32"), PathID: 3})
	e.SetMode("p1", ModeOff)
	good := mem.buf
	f.Add(good)
	f.Add(good[:len(good)-7])
	f.Add(append(bytes.Clone(good), "0000 {}\n"...))
	f.Add([]byte(""))
	f.Add([]byte("\n\n\n"))
	f.Add(appendLine(nil, journalHeader{Format: journalFormat, Version: 2, Generation: 1}))
	f.Add(append(appendLine(nil, journalHeader{Format: journalFormat, Version: journalVersion, Generation: 1}),
		appendLine(nil, journalRecord{Op: opSuppress, Route: savedRoute{Peer: "", Prefix: "::/0", Penalty: 1e300,
			Updated: "1600-01-01T00:00:00Z", SuppressedSince: "1500-01-01T00:00:00Z", Flaps: 1 << 31}})...))
	f.Fuzz(func(t *testing.T, data []byte) {
		pj, err := parseJournal(data)
		if err != nil {
			return
		}
		var again []byte
		for _, en := range pj.entries {
			again = appendLine(again, en.rec)
		}
		if len(pj.entries) > 0 {
			pj2, err := parseJournal(append(appendLine(nil, journalHeader{Format: journalFormat, Version: journalVersion, Generation: pj.generation}), again...))
			if err != nil || len(pj2.entries) != len(pj.entries) || len(pj2.bad) != 0 || pj2.torn != "" {
				t.Fatalf("accepted records do not re-encode: %v %+v", err, pj2)
			}
		}
		e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
		e.mu.Lock()
		for _, en := range pj.entries {
			_ = e.applyRecord(en.rec, nanos(base)) // rejections are expected
		}
		e.mu.Unlock()
		if err := checkInvariants(e); err != nil {
			t.Fatal(err)
		}
		for _, st := range e.List(base, nil) {
			if st.Penalty > DefaultParams().Ceiling()*(1+1e-6) || st.ReuseAt.After(st.LastUpdate.Add(time.Hour)) {
				t.Fatalf("replayed route out of bounds: %+v", st)
			}
		}
	})
}

// TestFuzzJournalFromFile: the whole OpenStore path on a fuzz seed written
// as a journal file, so the file plumbing is exercised as well as the
// decoder.
func TestFuzzJournalFromFile(t *testing.T) {
	dir := t.TempDir()
	data := append(appendLine(nil, journalHeader{Format: journalFormat, Version: journalVersion, Generation: 7}),
		appendLine(nil, journalRecord{Op: opSuppress, Route: savedRoute{Peer: "p1", Prefix: "45.0.0.1/24", Penalty: 7000,
			Updated: "2026-03-01T12:00:00Z", SuppressedSince: "2026-03-01T12:00:00Z", Flaps: 3}})...)
	if err := os.WriteFile(filepath.Join(dir, "dampening.7.journal"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	e, _, rec := openStore(t, dir, at(time.Minute))
	st := mustState(t, e, key("p1", "45.0.0.0/24"), at(time.Minute))
	if !st.Suppressed || st.Flaps != 3 || rec.JournalEntries != 1 {
		t.Fatalf("state %+v, recovery %s", st, rec)
	}
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

type memJournal struct{ buf []byte }

func (m *memJournal) record(rec journalRecord) { m.buf = appendLine(m.buf, rec) }
