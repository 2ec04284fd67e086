package dampening

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoWallClock enforces the injected clock: no non-test source of the
// package may read the wall clock or start timers.
func TestNoWallClock(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"time.Now(", "time.Since(", "time.Until(", "time.Sleep(", "time.After(", "time.Tick(", "time.NewTimer(", "time.NewTicker(", "time.AfterFunc("}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, bad := range forbidden {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s calls %s: take the time as an argument instead", f, bad)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d source files; run from the package directory", checked)
	}
}
