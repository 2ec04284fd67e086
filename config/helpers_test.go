package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baseGlobal is the smallest valid [global] table; cases append to it.
const baseGlobal = `[global]
asn = 21000
router_id = "127.0.0.1"
`

// lineOf returns the 1-based line of the first line containing marker, so
// expectations follow the document instead of hard-coded numbers.
func lineOf(t *testing.T, doc, marker string) int {
	t.Helper()
	for i, l := range strings.Split(doc, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("marker %q not in document:\n%s", marker, doc)
	return 0
}

// asErrors unwraps err into the collected list, failing on any other type.
func asErrors(t *testing.T, err error) []*Error {
	t.Helper()
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not *config.Errors", err, err)
	}
	return errs.List
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustParse(t *testing.T, doc, dir string) *Config {
	t.Helper()
	c, err := Parse([]byte(doc), "test.toml", dir)
	if err != nil {
		t.Fatalf("Parse: %v\n--- document:\n%s", err, doc)
	}
	return c
}
