package dampening

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Store keeps an engine's state durable in a directory, as generations:
//
//	dampening.<G>.json     snapshot G: every route's history when it was taken
//	dampening.<G>.journal  every suppression change after snapshot G was taken
//
// Suppress, release and clear are appended to the current journal as they
// happen and made durable by Sync, which the caller runs before it acts on
// the transitions (one fsync per batch of events, not per route). Penalty
// changes that change no suppression are only in the next snapshot
// (Compact, run periodically): a crash loses at most the penalties added
// since, never a suppression or a release.
//
// Compact takes snapshot G+1 and starts journal G+1 atomically under the
// engine's lock, then writes the snapshot (temporary file, fsync, rename,
// directory fsync). Two generations are kept, so a snapshot that cannot be
// read falls back to the one before it plus both journals: only penalties
// are lost, not suppressions. A crash at any point leaves a state that
// OpenStore recovers: the newest readable snapshot plus every journal from
// its generation on, in order.
type Store struct {
	dir string
	e   *Engine

	// compactMu serializes Compact and Close (base, the snapshot files).
	compactMu sync.Mutex

	// syncMu orders journal writes: Sync, and Compact's switch to a new
	// journal. Lock order: compactMu, syncMu, e.mu, mu.
	syncMu sync.Mutex
	size   int64 // bytes of f known whole on disk; guarded by syncMu

	mu  sync.Mutex // guards the fields below; held only to append
	f   *os.File   // the current journal
	gen uint64     // its generation
	buf []byte     // records appended but not yet written
	// base is the newest generation whose snapshot is on disk: pruning
	// never removes it or its journals, whatever a failed Compact left.
	base uint64
}

// journalSink receives, under e.mu, every change of a route's suppression.
type journalSink interface{ record(journalRecord) }

func (e *Engine) journal(op string, ps *peerState, rk routeKey, r *route) {
	if e.jr != nil {
		e.jr.record(journalRecord{Op: op, Route: savedRouteOf(ps.name, rk, r)})
	}
}

func (s *Store) record(rec journalRecord) {
	s.mu.Lock()
	s.buf = appendLine(s.buf, rec)
	s.mu.Unlock()
}

// Sync makes every change recorded so far durable. Call it after a batch
// of events and before enforcing its transitions, so a route is never
// hidden (or shown again) in BGP on a decision a crash could forget.
func (s *Store) Sync() error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.mu.Lock()
	buf, f := s.buf, s.f
	s.buf = nil
	s.mu.Unlock()
	if len(buf) == 0 {
		return nil
	}
	return s.flush(f, buf)
}

// flush appends buf to the journal f and syncs it; the caller holds
// syncMu. On failure (a full disk) a partial write is cut off and the
// records go back in front of newer ones, so the next Sync retries them
// whole rather than leaving a damaged line in the middle of the journal.
// Writing a record twice is harmless: replay is last-record-wins.
func (s *Store) flush(f *os.File, buf []byte) error {
	err := writeSync(f, buf)
	if err == nil {
		s.size += int64(len(buf))
		return nil
	}
	f.Truncate(s.size) // best effort: replay also survives a damaged line
	s.mu.Lock()
	s.buf = append(buf, s.buf...)
	s.mu.Unlock()
	return fmt.Errorf("dampening journal %s: %w", f.Name(), err)
}

func writeSync(f *os.File, b []byte) error {
	if _, err := f.Write(b); err != nil {
		return err
	}
	return f.Sync()
}

// Compact writes a new snapshot generation and starts its journal, then
// removes the generations older than the previous snapshot.
func (s *Store) Compact(now time.Time) error {
	s.compactMu.Lock()
	defer s.compactMu.Unlock()
	s.syncMu.Lock()
	s.e.mu.Lock()
	routes := s.e.snapshotLocked()
	// Records not yet written stay in buf and go to the new journal: they
	// are the latest state of their routes, as the snapshot has it, so
	// replaying them on it changes nothing, and replaying them after the
	// previous snapshot (should this one not be written) is what they are
	// for. So a journal that cannot be written any more is left behind.
	f, size, err := createJournal(s.dir, s.gen+1)
	s.mu.Lock()
	old := s.f
	if err == nil {
		s.f, s.gen, s.size = f, s.gen+1, size
		s.e.jr = s // from the first generation on; e.mu is held
	}
	gen := s.gen
	s.mu.Unlock()
	s.e.mu.Unlock()
	s.syncMu.Unlock()
	if err != nil {
		return fmt.Errorf("dampening compaction: %w", err)
	}
	if old != nil {
		old.Close() // every record written to it was synced
	}

	if err := writeStateFile(snapshotPath(s.dir, gen), routes, now); err != nil {
		return fmt.Errorf("dampening compaction: %w", err)
	}
	keep := s.base
	s.base = gen
	return pruneGenerations(s.dir, keep)
}

// Close writes a last snapshot and closes the journal. The Store must not
// be used afterwards; the engine keeps working in memory.
func (s *Store) Close(now time.Time) error {
	err := s.Compact(now)
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.e.mu.Lock()
	s.e.jr = nil
	s.e.mu.Unlock()
	if s.f == nil {
		return err
	}
	if cerr := s.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("dampening journal: %w", cerr)
	}
	return err
}

// Generation is the current journal's generation.
func (s *Store) Generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// createJournal creates journal gen with its header, durable (file and
// directory entry) before any record is appended.
func createJournal(dir string, gen uint64) (*os.File, int64, error) {
	path := journalPath(dir, gen)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return nil, 0, err
	}
	hdr := appendLine(nil, journalHeader{Format: journalFormat, Version: journalVersion, Generation: gen})
	if err := writeSync(f, hdr); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, int64(len(hdr)), nil
}
