package config

import (
	"testing"
)

// TestParseMemoryLimit: GOMEMLIMIT's units, "" and "0" for none; anything
// else (no unit, decimal units, fractions, signs, overflow) is refused.
func TestParseMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true}, {"0", 0, true},
		{"512MiB", 512 << 20, true}, {"1GiB", 1 << 30, true}, {"2TiB", 2 << 40, true},
		{"65536KiB", 64 << 20, true}, {"1048576B", 1 << 20, true},
		{"512", 0, false}, {"512MB", 0, false}, {"1.5GiB", 0, false}, {"GiB", 0, false},
		{"-1GiB", 0, false}, {"+1GiB", 0, false}, {" 1GiB", 0, false}, {"1gib", 0, false},
		{"9999999999TiB", 0, false},
	} {
		got, err := ParseMemoryLimit(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

// TestRuntimeKeys: defaults (no limit, Go's GC percent), decoding,
// the normalized round trip, and errors naming file, line and key.
func TestRuntimeKeys(t *testing.T) {
	d := mustParse(t, baseGlobal, t.TempDir())
	if d.Global.MemoryLimit != 0 || d.Global.GCPercent != DefaultGCPercent {
		t.Fatalf("defaults: memory_limit %d gc_percent %d", d.Global.MemoryLimit, d.Global.GCPercent)
	}
	for doc, want := range map[string][2]int64{
		baseGlobal + "memory_limit = \"768MiB\"\ngc_percent = 200\n": {768 << 20, 200},
		baseGlobal + "memory_limit = \"2GiB\"\ngc_percent = -1\n":    {2 << 30, -1},
		baseGlobal + "memory_limit = 0\n":                            {0, DefaultGCPercent},
		baseGlobal + "memory_limit = \"\"\n":                         {0, DefaultGCPercent},
	} {
		c := mustParse(t, doc, t.TempDir())
		if c.Global.MemoryLimit != want[0] || int64(c.Global.GCPercent) != want[1] {
			t.Errorf("%s: got %d, %d; want %v", doc, c.Global.MemoryLimit, c.Global.GCPercent, want)
			continue
		}
		out, err := c.NormalizedTOML()
		if err != nil {
			t.Fatal(err)
		}
		back := mustParse(t, string(out), t.TempDir())
		if back.Global.MemoryLimit != c.Global.MemoryLimit || back.Global.GCPercent != c.Global.GCPercent {
			t.Errorf("round trip lost the runtime keys:\n%s", out)
		}
	}
	for _, tc := range []struct {
		name, doc string
		want      wantErr
	}{
		{"no unit", baseGlobal + "memory_limit = 1073741824 # E\n", wantErr{"# E", "global.memory_limit", "has no unit"}},
		{"decimal unit", baseGlobal + "memory_limit = \"1GB\" # E\n", wantErr{"# E", "global.memory_limit", "is not a size"}},
		{"too small", baseGlobal + "memory_limit = \"16MiB\" # E\n", wantErr{"# E", "global.memory_limit", "below 64MiB"}},
		{"wrong type", baseGlobal + "memory_limit = true # E\n", wantErr{"# E", "global.memory_limit", "want a size string"}},
		{"gc too low", baseGlobal + "gc_percent = 5 # E\n", wantErr{"# E", "global.gc_percent", "almost continuously"}},
		{"gc out of range", baseGlobal + "gc_percent = -2 # E\n", wantErr{"# E", "global.gc_percent", "out of range"}},
		{"gc as string", baseGlobal + "gc_percent = \"off\" # E\n", wantErr{"# E", "global.gc_percent", "want an integer"}},
		{"gc off without a limit", baseGlobal + "gc_percent = -1 # E\n", wantErr{"# E", "global.gc_percent", "needs a memory_limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), "test.toml", t.TempDir())
			if err == nil {
				t.Fatal("no error")
			}
			checkHasError(t, asErrors(t, err), "test.toml", lineOf(t, tc.doc, tc.want.marker), tc.want.key, tc.want.msg)
		})
	}
}

// FuzzParseMemoryLimit: whatever is accepted formats back to a string that
// parses to the same bytes, and is never negative.
func FuzzParseMemoryLimit(f *testing.F) {
	for _, s := range []string{"", "0", "512MiB", "1GiB", "3B", "1.5GiB", "-1KiB", "18446744073709551615B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseMemoryLimit(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseMemoryLimit(%q) = %d", s, n)
		}
		if again, err := ParseMemoryLimit(FormatMemoryLimit(n)); err != nil || again != n {
			t.Fatalf("%q → %d → %q → %d, %v", s, n, FormatMemoryLimit(n), again, err)
		}
	})
}
