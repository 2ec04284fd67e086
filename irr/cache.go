package irr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Cache keeps the last good Result per key (a peer name) as JSON files in
// a directory, so a restart without IRR access still has filters.
type Cache struct{ Dir string }

// ErrNotCached is returned by Load when no result was saved for the key.
var ErrNotCached = errors.New("irr: no cached result")

// path maps a key to a file name that cannot escape the directory.
func (c Cache) path(key string) (string, error) {
	if key == "" {
		return "", errors.New("irr cache: empty key")
	}
	var sb strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			sb.WriteRune(r)
		default:
			fmt.Fprintf(&sb, "%%%04x", r)
		}
	}
	name := sb.String()
	if name == "." || name == ".." {
		name = "%" + name
	}
	return filepath.Join(c.Dir, name+".json"), nil
}

// Save writes the result atomically: a temporary file in the same
// directory, synced, then renamed over the old one, and the directory
// synced.
func (c Cache) Save(key string, r *Result) error {
	p, err := c.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("irr cache: %w", err)
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("irr cache %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(c.Dir, cacheTempPattern)
	if err != nil {
		return fmt.Errorf("irr cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("irr cache %s: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("irr cache %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("irr cache %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("irr cache %s: %w", key, err)
	}
	// The rename is atomic against a crash of the process; syncing the
	// directory makes it durable against a power loss too.
	if d, err := os.Open(c.Dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return fmt.Errorf("irr cache %s: %w", key, err)
		}
	}
	return nil
}

// cacheTempPattern names Save's temporary files; Load never reads them.
const cacheTempPattern = ".tmp-*"

// RemoveTemps deletes the temporary files of writes that never reached
// their rename: a process killed (kill -9, power loss) between create and
// rename leaves one behind, each as large as a cache. Call it at start,
// before any Save: the directory belongs to one daemon, so every temporary
// file then present is such a leftover. It returns the names removed.
func (c Cache) RemoveTemps() ([]string, error) {
	stale, err := filepath.Glob(filepath.Join(c.Dir, cacheTempPattern))
	if err != nil {
		return nil, fmt.Errorf("irr cache: %w", err)
	}
	var removed []string
	for _, p := range stale {
		if strings.HasSuffix(p, ".json") {
			continue // a cache: a peer may be called ".tmp-x"
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("irr cache: %w", err)
		}
		removed = append(removed, filepath.Base(p))
	}
	return removed, nil
}

// Load returns the saved result for key, or ErrNotCached.
func (c Cache) Load(key string) (*Result, error) {
	p, err := c.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w for %q", ErrNotCached, key)
	}
	if err != nil {
		return nil, fmt.Errorf("irr cache: %w", err)
	}
	r, err := decodeCached(data)
	if err != nil {
		return nil, fmt.Errorf("irr cache %s: %w", p, err)
	}
	return r, nil
}

// decodeCached parses a cache file strictly (no unknown fields, nothing
// after the object; prefixes canonical) and validates it like fresh data:
// a cache is a filter waiting to be applied, and a hand-edited one (a
// 0.0.0.0/0{0,32} entry) must not open it.
func decodeCached(data []byte) (*Result, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Result
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the result object")
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	// The decoder grows the lists by append; the syncer keeps this result
	// as its last-good data, so keep it without the spare capacity (issue
	// 11: 47 → 40 B per prefix).
	r.IPv4, r.IPv6 = slices.Clone(r.IPv4), slices.Clone(r.IPv6)
	return &r, nil
}
