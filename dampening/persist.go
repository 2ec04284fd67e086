package dampening

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"slices"
	"time"
)

// The state file is one JSON object:
//
//	{"format":"rsguard-dampening-state","version":1,"saved_at":"…",
//	 "routes":[{"peer":"…","prefix":"45.0.0.0/24","path_id":0,"penalty":1234.5,
//	            "updated":"…","suppressed_since":"…","flaps":3}, …]}
//
// Only routes with history are stored: presence is rebuilt by the sessions
// re-announcing after a restart. Bump stateVersion on any incompatible change.
const (
	stateFormat  = "rsguard-dampening-state"
	stateVersion = 1
)

var (
	// ErrCorrupt marks a state document that cannot be trusted: not JSON,
	// not a dampening state, or a field out of range.
	ErrCorrupt = errors.New("corrupt dampening state")
	// ErrUnsupportedVersion marks a state document of another format version.
	ErrUnsupportedVersion = errors.New("unsupported dampening state version")
)

type stateHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

type stateDoc struct {
	Format  string       `json:"format"`
	Version int          `json:"version"`
	SavedAt string       `json:"saved_at"`
	Routes  []savedRoute `json:"routes"`
}

// Times and prefixes are strings so that a bad value gets an error naming
// its route and field, not a generic decoder message.
type savedRoute struct {
	Peer            string  `json:"peer"`
	Prefix          string  `json:"prefix"`
	PathID          uint32  `json:"path_id,omitempty"`
	Penalty         float64 `json:"penalty"`
	Updated         string  `json:"updated"`
	SuppressedSince string  `json:"suppressed_since,omitempty"`
	Flaps           uint32  `json:"flaps,omitempty"`
}

// Save writes the damping history (penalties, last update and suppression
// times, flap counts) of every route that has one. Modes and counters are
// configuration and metrics, not state, and are not saved.
func (e *Engine) Save(w io.Writer, now time.Time) error {
	e.mu.Lock()
	routes := e.snapshotLocked()
	e.mu.Unlock()
	return writeState(w, routes, now)
}

func writeState(w io.Writer, routes []savedRoute, now time.Time) error {
	doc := stateDoc{
		Format:  stateFormat,
		Version: stateVersion,
		SavedAt: now.UTC().Format(time.RFC3339Nano),
		Routes:  routes,
	}
	enc := json.NewEncoder(w)
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("save dampening state: %w", err)
	}
	return nil
}

// snapshotLocked copies the history of every route; the caller holds e.mu.
func (e *Engine) snapshotLocked() []savedRoute {
	type entry struct {
		k Key
		r savedRoute
	}
	var entries []entry
	for name, ps := range e.peers {
		for rk, r := range ps.routes {
			entries = append(entries, entry{rk.key(name), savedRouteOf(name, rk, &r)})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return compareKeys(a.k, b.k) })
	out := make([]savedRoute, len(entries))
	for i, en := range entries {
		out[i] = en.r
	}
	return out
}

// savedRouteOf is the stored form of one route, in snapshots and journal
// records alike.
func savedRouteOf(peer string, rk routeKey, r *route) savedRoute {
	sr := savedRoute{
		Peer:    peer,
		Prefix:  rk.prefix().String(),
		PathID:  rk.pathID,
		Penalty: float64(r.penalty),
		Updated: formatNanos(r.updated),
		Flaps:   uint32(r.flaps()),
	}
	if r.suppressed() {
		sr.SuppressedSince = formatNanos(r.since)
	}
	return sr
}

func formatNanos(n int64) string { return fromNanos(n).UTC().Format(time.RFC3339Nano) }

// Load builds an engine with parameters p from a document written by Save.
// Penalties above the new ceiling are capped; times after now (the clock
// stepped back across the restart) are moved to now so no penalty grows;
// every route is marked withdrawn by a session reset, so the sessions'
// initial announcements add no penalty. Suppression episodes in the
// document count as Suppressions in the new engine's counters. Errors wrap
// ErrCorrupt or ErrUnsupportedVersion and name the offending route and field.
func Load(r io.Reader, p Params, now time.Time, opts ...Option) (*Engine, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("load dampening state: %w", err)
	}
	e, _, err := load(raw, p, now, opts...)
	return e, err
}

// load is Load from bytes, also returning when the document was saved.
func load(raw []byte, p Params, now time.Time, opts ...Option) (*Engine, time.Time, error) {
	e, err := New(p, opts...)
	if err != nil {
		return nil, time.Time{}, err
	}
	doc, err := decodeState(raw)
	if err != nil {
		return nil, time.Time{}, err
	}
	savedAt, err := parseTime(doc.SavedAt)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("%w: saved_at: %v", ErrCorrupt, err)
	}
	t := nanos(now)
	e.mu.Lock()
	defer e.mu.Unlock()
	seen := make(map[Key]int, len(doc.Routes))
	for i, sr := range doc.Routes {
		k, r, err := e.restore(sr, t)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("%w: routes[%d]%s", ErrCorrupt, i, err)
		}
		if j, dup := seen[k]; dup {
			return nil, time.Time{}, fmt.Errorf("%w: routes[%d]: duplicate of routes[%d] (peer %q, prefix %s, path_id %d)", ErrCorrupt, i, j, k.Peer, k.Prefix, k.PathID)
		}
		seen[k] = i
		e.putRestored(k, r)
	}
	return e, fromNanos(savedAt), nil
}

func decodeState(raw []byte) (*stateDoc, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: empty document", ErrCorrupt)
	}
	// The header first, leniently, so a newer version is reported as such
	// rather than as an unknown field. Unmarshal also rejects trailing data.
	var h stateHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if h.Format != stateFormat {
		return nil, fmt.Errorf("%w: format is %q, want %q", ErrCorrupt, h.Format, stateFormat)
	}
	if h.Version != stateVersion {
		return nil, fmt.Errorf("%w: version %d (this build reads %d)", ErrUnsupportedVersion, h.Version, stateVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var doc stateDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return &doc, nil
}

// restore validates one saved route; errors start with ".field" so the
// caller can prefix the route index.
func (e *Engine) restore(sr savedRoute, now int64) (Key, route, error) {
	if sr.Peer == "" {
		return Key{}, route{}, fmt.Errorf(".peer: empty; every route is learnt from a named peer")
	}
	prefix, err := netip.ParsePrefix(sr.Prefix)
	if err != nil {
		return Key{}, route{}, fmt.Errorf(".prefix: %v", err)
	}
	k := Key{Peer: sr.Peer, Prefix: prefix.Masked(), PathID: sr.PathID}
	if math.IsNaN(sr.Penalty) || sr.Penalty < 0 {
		return k, route{}, fmt.Errorf(".penalty: must be a number >= 0, got %g", sr.Penalty)
	}
	updated, err := parseTime(sr.Updated)
	if err != nil {
		return k, route{}, fmt.Errorf(".updated: %v", err)
	}
	r := route{
		updated: min(updated, now),
		penalty: e.calc.capped(sr.Penalty),
		meta:    flagReset | min(sr.Flaps, flapMask),
	}
	if sr.SuppressedSince != "" {
		since, err := parseTime(sr.SuppressedSince)
		if err != nil {
			return k, route{}, fmt.Errorf(".suppressed_since: %v", err)
		}
		if since > updated {
			return k, route{}, fmt.Errorf(".suppressed_since: %s is after updated %s; a suppression starts at a penalty event", sr.SuppressedSince, sr.Updated)
		}
		if r.penalty == 0 {
			return k, route{}, fmt.Errorf(".suppressed_since: set on a route with no penalty")
		}
		r.meta |= flagSuppressed
		r.since = min(since, r.updated)
	}
	return k, r, nil
}

func parseTime(s string) (int64, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, err
	}
	return nanos(t), nil
}
