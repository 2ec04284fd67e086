package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
)

// repoRoot walks up from the package directory to go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// TestShippedConfigsLoad: every file in configs/ must load, as OpenBGPD
// checks its shipped example.
func TestShippedConfigsLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "configs", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no configs/*.toml found")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := Load(f); err != nil {
				t.Errorf("%v", err)
			}
		})
	}
}

func TestExampleContents(t *testing.T) {
	c, err := Load(filepath.Join(repoRoot(t), "configs", "rsguard.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Peers) != 3 {
		t.Fatalf("example has %d peers, want 3", len(c.Peers))
	}
	var withSet, withPassword int
	for i, p := range c.Peers {
		if want := uint32(21001 + i); p.ASN != want {
			t.Errorf("peer %s: asn %d, want %d", p.Name, p.ASN, want)
		}
		if p.ASSet != "" {
			withSet++
		}
		if p.Password != "" {
			withPassword++
		}
	}
	if withSet == 0 || withPassword == 0 {
		t.Errorf("example should show as_set (%d peers) and passwords (%d peers)", withSet, withPassword)
	}
}

// TestExampleDocumentsEveryKey: each key the loader knows appears in the
// example, written or commented out, so the example stays the reference.
func TestExampleDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "configs", "rsguard.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	keys := tomlKeys(reflect.TypeOf(renderConfig{}))
	if len(keys) < 40 {
		t.Fatalf("found only %d keys in the render types; the walk is broken", len(keys))
	}
	for _, k := range keys {
		re := regexp.MustCompile(`(?m)^(#\s*)?` + regexp.QuoteMeta(k) + `\s*=`)
		if !re.Match(data) {
			t.Errorf("key %q is not shown in configs/rsguard.example.toml", k)
		}
	}
}

// tomlKeys lists the leaf key names of the render types.
func tomlKeys(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := cutComma(f.Tag.Get("toml"))
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			out = append(out, tomlKeys(ft)...)
			continue
		}
		out = append(out, name)
	}
	return out
}

func cutComma(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
