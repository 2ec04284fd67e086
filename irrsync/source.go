package irrsync

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rsguard/rsguard/irr"
	"github.com/sirupsen/logrus"
)

// SplitTarget separates an as_set of the form "RIPE::AS-FOO" into the IRR
// source it is pinned to and the name to expand. Other forms have no
// source.
func SplitTarget(asSet string) (source, name string) {
	if src, rest, ok := strings.Cut(asSet, "::"); ok {
		return src, rest
	}
	return "", asSet
}

// source builds the Source for one refresh: a fresh whois client (the
// registry closes idle sessions long before the next periodic refresh, so
// a session is not kept between refreshes) and the local dumps, read as
// one registry (irr.Merged: servers first, then files; a set from the
// first that has it, route objects from all; either failing fails the
// refresh, so the last good filter stays rather than one built from half
// the data). pinned restricts both to one IRR source ("RIPE::AS-FOO").
// release closes the client.
func (s *Syncer) source(pinned string) (src irr.Source, release func(), err error) {
	if s.opts.Source != nil {
		if db, ok := s.opts.Source.(irr.DBSource); ok && pinned != "" {
			db.Select = []string{pinned}
			return db, func() {}, nil
		}
		return s.opts.Source, func() {}, nil
	}
	s.mu.Lock()
	irrCfg, files := s.cfg.IRR, s.files
	s.mu.Unlock()
	var db *irr.DB
	if files != nil {
		// A dump that cannot be read again while an earlier parse of it is
		// at hand still answers (with that older data); with none, this
		// part of the registry is missing and the refresh fails.
		var stale error
		db, stale = files.load()
		if db == nil {
			return nil, func() {}, stale
		}
		if stale != nil {
			s.log.WithError(stale).Warn("irr dump reload failed: using the dump as last read")
		}
	}
	merged, client := Registry(irrCfg, db, pinned, s.queryTimeout(irrCfg))
	release = func() {
		if client != nil {
			if err := client.Close(); err != nil {
				s.log.WithError(err).Debug("closing whois session")
			}
		}
	}
	return merged, release, nil
}

// fileDB holds the [irr] files parsed, and parses them again when one of
// them changed on disk (an operator or a cron job replaced the dump).
type fileDB struct {
	paths []string
	log   *logrus.Entry // parse warnings of a dump (nil: not logged)

	mu     sync.Mutex
	db     *irr.DB
	stamps []fileStamp
}

type fileStamp struct {
	size int64
	mod  time.Time
}

// load returns the current DB. When a reload fails, it returns the DB it
// had (if any) together with the error, so the caller can log and go on.
func (f *fileDB) load() (*irr.DB, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	stamps := make([]fileStamp, len(f.paths))
	for i, p := range f.paths {
		fi, err := os.Stat(p)
		if err != nil {
			return f.db, fmt.Errorf("irr files: %w", err)
		}
		stamps[i] = fileStamp{size: fi.Size(), mod: fi.ModTime()}
	}
	if f.db != nil && slices.Equal(stamps, f.stamps) {
		return f.db, nil
	}
	db, err := irr.LoadFiles(f.paths...)
	if err != nil {
		return f.db, fmt.Errorf("irr files: %w", err)
	}
	f.db, f.stamps = db, stamps
	if len(db.Warnings) > 0 && f.log != nil {
		// A dump that is garbage parses to nothing; without this the
		// operator would only see the set "not found".
		first := make([]string, 0, 5)
		for _, w := range db.Warnings[:min(5, len(db.Warnings))] {
			first = append(first, w.String())
		}
		f.log.WithField("count", len(db.Warnings)).WithField("first", strings.Join(first, "; ")).
			Warn("irr files: objects skipped while parsing the dump")
	}
	return db, nil
}
