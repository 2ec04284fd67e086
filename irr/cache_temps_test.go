package irr

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestCacheRemoveTemps: the temporary file of a write cut short by a
// crash is removed; caches, including one of a peer whose name looks like
// a temporary file, are kept.
func TestCacheRemoveTemps(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	for _, key := range []string{"peer-a", ".tmp-peer"} {
		if err := c.Save(key, sampleResult(2)); err != nil {
			t.Fatal(err)
		}
	}
	// What Save leaves when killed between CreateTemp and Rename.
	half, err := os.CreateTemp(c.Dir, cacheTempPattern)
	if err != nil {
		t.Fatal(err)
	}
	half.WriteString(`{"target": "AS-FOO", "ipv4": [`)
	half.Close()
	removed, err := c.RemoveTemps()
	if err != nil || !slices.Equal(removed, []string{filepath.Base(half.Name())}) {
		t.Fatalf("RemoveTemps = %v, %v; want [%s]", removed, err, filepath.Base(half.Name()))
	}
	for _, key := range []string{"peer-a", ".tmp-peer"} {
		if _, err := c.Load(key); err != nil {
			t.Errorf("cache %s lost: %v", key, err)
		}
	}
	if removed, err := (Cache{Dir: filepath.Join(c.Dir, "absent")}).RemoveTemps(); err != nil || len(removed) != 0 {
		t.Errorf("no directory yet: %v, %v", removed, err)
	}
}
