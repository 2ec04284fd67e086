// Package shareddata finds the real-world test data set (RPSL dumps, VRP
// files, birdwatcher samples) that lives in ../shared next to the
// repository, outside it: a user's clone does not have it. Tests that read
// it skip without it, and fail instead when RSGUARD_REQUIRE_SHARED=1 (CI),
// so the data can never be silently left out there.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvDir overrides where the data set is; EnvRequire makes its absence a
// test failure.
const (
	EnvDir     = "RSGUARD_SHARED_DIR"
	EnvRequire = "RSGUARD_REQUIRE_SHARED"
)

// Dir returns the shared directory (the one holding data/): $EnvDir, or
// ../shared next to the repo root (the directory with go.mod, searched
// upwards from the test's working directory).
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	if d := find(); d != "" {
		return d
	}
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("shared test data not found (../shared next to the repo root, or %s) and %s=1", EnvDir, EnvRequire)
	}
	t.Skipf("shared test data not found (../shared next to the repo root, or set %s)", EnvDir)
	return ""
}

// File returns the path of rel inside the shared data/ directory.
func File(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(Dir(t), "data", rel)
}

func find() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for i := 0; i < 20; i++ {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(dir, "..", "shared")
			if st, err := os.Stat(filepath.Join(shared, "data")); err == nil && st.IsDir() {
				return shared
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	return ""
}
