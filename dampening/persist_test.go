package dampening

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// populated returns an engine with a mix of suppressed, penalized and
// merely announced routes over two peers and both families.
func populated(t *testing.T) *Engine {
	t.Helper()
	e := mustNew(t, DefaultParams(), WithDefaultMode(ModeEnforce))
	suppressOne(e, key("p1", "45.0.0.0/24"))
	suppressOne(e, Key{Peer: "p2", Prefix: netip.MustParsePrefix("2a0a:1::/32"), PathID: 9})
	announce(e, key("p1", "45.0.1.0/24"), 1, base)
	withdraw(e, key("p1", "45.0.1.0/24"), at(time.Minute))
	announce(e, key("p2", "45.0.2.0/24"), 1, base)
	announce(e, key("p2", "45.0.2.0/24"), 2, at(time.Minute))
	announce(e, key("p2", "45.0.3.0/24"), 1, base) // no history: not saved
	return e
}

func TestSaveLoadRoundTrip(t *testing.T) {
	e := populated(t)
	var buf bytes.Buffer
	if err := e.Save(&buf, at(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := Load(bytes.NewReader(buf.Bytes()), DefaultParams(), at(2*time.Minute), WithDefaultMode(ModeEnforce))
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, buf.String())
	}
	for _, now := range []time.Time{at(2 * time.Minute), at(20 * time.Minute), at(2 * time.Hour)} {
		want, have := e.List(now, nil), got.List(now, nil)
		if len(want) != 4 || len(have) != len(want) {
			t.Fatalf("at %s: %d routes after load, %d before (want 4)", now.Sub(base), len(have), len(want))
		}
		for i := range want {
			w, h := want[i], have[i]
			if h.Key != w.Key || math.Abs(h.Penalty-w.Penalty) > 1e-3 || h.Suppressed != w.Suppressed ||
				h.WouldSuppress != w.WouldSuppress || !h.SuppressedSince.Equal(w.SuppressedSince) ||
				!h.ReuseAt.Equal(w.ReuseAt) || h.Flaps != w.Flaps || !h.LastUpdate.Equal(w.LastUpdate) {
				t.Errorf("at %s route %d:\n got  %+v\n want %+v", now.Sub(base), i, h, w)
			}
			if h.Announced {
				t.Errorf("%v: loaded as announced; sessions re-announce after a restart", h.Key)
			}
		}
	}
	if c := got.Counters("p1"); c.Suppressions != 1 || c.Suppressed != 1 {
		t.Errorf("loaded counters %+v", c)
	}
	// A restart is a session reset: the initial re-announcement is free.
	k := key("p1", "45.0.1.0/24")
	before := mustState(t, got, k, at(3*time.Minute)).Penalty
	announce(got, k, 1, at(3*time.Minute))
	if after := mustState(t, got, k, at(3*time.Minute)).Penalty; after > before+1e-3 {
		t.Errorf("re-announcement after load added penalty: %.1f → %.1f", before, after)
	}
	if err := checkInvariants(got); err != nil {
		t.Fatal(err)
	}
	// Saving the loaded engine gives the same document.
	var again bytes.Buffer
	if err := got.Save(&again, at(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("second save differs:\n%s\n%s", buf.String(), again.String())
	}
}

func TestLoadAdjusts(t *testing.T) {
	doc := func(penalty, updated, since string) string {
		s := `{"format":"rsguard-dampening-state","version":1,"saved_at":"2026-03-01T12:00:00Z","routes":[` +
			`{"peer":"p1","prefix":"45.0.0.0/24","penalty":` + penalty + `,"updated":"` + updated + `"`
		if since != "" {
			s += `,"suppressed_since":"` + since + `"`
		}
		return s + `}]}`
	}
	k := key("p1", "45.0.0.0/24")
	t.Run("penalty capped at new ceiling", func(t *testing.T) {
		e, err := Load(strings.NewReader(doc("50000", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z")), DefaultParams(), base)
		if err != nil {
			t.Fatal(err)
		}
		if s := mustState(t, e, k, base); s.Penalty > 12000+1e-3 || !s.WouldSuppress || s.ReuseAt.Sub(base) > time.Hour {
			t.Errorf("%+v", s)
		}
	})
	t.Run("future times moved to now", func(t *testing.T) {
		e, err := Load(strings.NewReader(doc("6000", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z")), DefaultParams(), base)
		if err != nil {
			t.Fatal(err)
		}
		s := mustState(t, e, k, base)
		if !s.LastUpdate.Equal(base) || !s.SuppressedSince.Equal(base) || s.Penalty > 6000+1e-3 {
			t.Errorf("%+v", s)
		}
	})
	t.Run("mode off drops state", func(t *testing.T) {
		e, err := Load(strings.NewReader(doc("6000", "2026-03-01T12:00:00Z", "")), DefaultParams(), base, WithDefaultMode(ModeOff))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := e.State(k, base); ok {
			t.Error("state loaded for a peer in mode off")
		}
	})
	t.Run("invalid params", func(t *testing.T) {
		p := DefaultParams()
		p.Reuse = 0
		if _, err := Load(strings.NewReader(doc("1", "2026-03-01T12:00:00Z", "")), p, base); err == nil {
			t.Error("no error")
		}
	})
}

func TestLoadRejectsGarbage(t *testing.T) {
	const head = `{"format":"rsguard-dampening-state","version":1,"saved_at":"2026-03-01T12:00:00Z","routes":[`
	route := func(fields string) string { return head + `{"peer":"p1",` + fields + `}]}` }
	tests := []struct {
		name    string
		in      string
		wantIs  error
		wantErr string
	}{
		{"empty", "", ErrCorrupt, "empty document"},
		{"blank", " \n\t", ErrCorrupt, "empty document"},
		{"not json", "penalty=5", ErrCorrupt, "invalid character"},
		{"array", "[1,2]", ErrCorrupt, "cannot unmarshal"},
		{"truncated", head, ErrCorrupt, "unexpected end"},
		{"other format", `{"format":"something","version":1}`, ErrCorrupt, `format is "something"`},
		{"no format", `{"version":1}`, ErrCorrupt, `format is ""`},
		{"future version", `{"format":"rsguard-dampening-state","version":2,"new_field":1}`, ErrUnsupportedVersion, "version 2"},
		{"unknown field", `{"format":"rsguard-dampening-state","version":1,"saved_at":"2026-03-01T12:00:00Z","routes":[],"x":1}`, ErrCorrupt, `unknown field "x"`},
		{"bad saved_at", `{"format":"rsguard-dampening-state","version":1,"saved_at":"yesterday","routes":[]}`, ErrCorrupt, "saved_at"},
		{"trailing data", head + `]} {}`, ErrCorrupt, "after top-level value"},
		{"bad prefix", route(`"prefix":"45.0.0.0/33","penalty":1,"updated":"2026-03-01T12:00:00Z"`), ErrCorrupt, "routes[0].prefix"},
		{"missing prefix", route(`"penalty":1,"updated":"2026-03-01T12:00:00Z"`), ErrCorrupt, "routes[0].prefix"},
		{"negative penalty", route(`"prefix":"45.0.0.0/24","penalty":-1,"updated":"2026-03-01T12:00:00Z"`), ErrCorrupt, "routes[0].penalty"},
		{"string penalty", route(`"prefix":"45.0.0.0/24","penalty":"1","updated":"2026-03-01T12:00:00Z"`), ErrCorrupt, "penalty"},
		{"huge penalty", route(`"prefix":"45.0.0.0/24","penalty":1e999,"updated":"2026-03-01T12:00:00Z"`), ErrCorrupt, "penalty"},
		{"bad updated", route(`"prefix":"45.0.0.0/24","penalty":1,"updated":"noon"`), ErrCorrupt, "routes[0].updated"},
		{"missing updated", route(`"prefix":"45.0.0.0/24","penalty":1`), ErrCorrupt, "routes[0].updated"},
		{"bad suppressed_since", route(`"prefix":"45.0.0.0/24","penalty":7000,"updated":"2026-03-01T12:00:00Z","suppressed_since":"x"`), ErrCorrupt, "routes[0].suppressed_since"},
		{"suppressed after update", route(`"prefix":"45.0.0.0/24","penalty":7000,"updated":"2026-03-01T12:00:00Z","suppressed_since":"2026-03-01T13:00:00Z"`), ErrCorrupt, "is after updated"},
		{"suppressed without penalty", route(`"prefix":"45.0.0.0/24","penalty":0,"updated":"2026-03-01T12:00:00Z","suppressed_since":"2026-03-01T12:00:00Z"`), ErrCorrupt, "no penalty"},
		{"negative path id", route(`"prefix":"45.0.0.0/24","path_id":-1,"penalty":1,"updated":"2026-03-01T12:00:00Z"`), ErrCorrupt, "path_id"},
		{"empty peer", head + `{"peer":"","prefix":"45.0.0.0/24","penalty":1,"updated":"2026-03-01T12:00:00Z"}]}`, ErrCorrupt, "routes[0].peer: empty"},
		{"duplicate", head + `{"peer":"p1","prefix":"45.0.0.0/24","penalty":1,"updated":"2026-03-01T12:00:00Z"},` +
			`{"peer":"p1","prefix":"45.0.0.1/24","penalty":2,"updated":"2026-03-01T12:00:00Z"}]}`, ErrCorrupt, "routes[1]: duplicate of routes[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.in), DefaultParams(), base)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.wantIs) {
				t.Errorf("error %q does not wrap %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestSaveFileLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dampening.json")
	if _, err := LoadFile(path, DefaultParams(), base); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadFile of a missing file: %v, want fs.ErrNotExist", err)
	}
	e := populated(t)
	if err := e.SaveFile(path, at(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := e.SaveFile(path, at(3*time.Minute)); err != nil { // overwrite
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the state file (no temporaries)", len(entries))
	}
	got, err := LoadFile(path, DefaultParams(), at(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.List(at(3*time.Minute), nil)); n != 4 {
		t.Errorf("loaded %d routes, want 4", n)
	}
	if err := os.WriteFile(path, []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(path, DefaultParams(), base)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadFile of garbage: %v, want ErrCorrupt naming %s", err, path)
	}
	if err := e.SaveFile(filepath.Join(dir, "missing-dir", "x.json"), base); err == nil {
		t.Error("SaveFile into a missing directory: no error")
	}
}
