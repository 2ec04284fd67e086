package dampening

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// SaveFile writes the state to path atomically: a temporary file in the
// same directory, flushed to disk, then renamed over path, so a crash leaves
// either the old or the new state, never half of one.
func (e *Engine) SaveFile(path string, now time.Time) error {
	e.mu.Lock()
	routes := e.snapshotLocked()
	e.mu.Unlock()
	return writeStateFile(path, routes, now)
}

// writeStateFile is the atomic write of SaveFile: temporary file, fsync,
// rename, directory fsync.
func writeStateFile(path string, routes []savedRoute, now time.Time) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("save dampening state %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()           // already failed; the first error is the useful one
			os.Remove(tmp.Name()) // best effort: do not leave temporaries behind
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := writeState(w, routes, now); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("save dampening state %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("save dampening state %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save dampening state %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save dampening state %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save dampening state %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes the rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// LoadFile is Load from a file. A missing file returns an error wrapping
// fs.ErrNotExist, so the caller can start with an empty engine.
func LoadFile(path string, p Params, now time.Time, opts ...Option) (*Engine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load dampening state: %w", err)
	}
	defer f.Close()
	e, err := Load(bufio.NewReader(f), p, now, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}
