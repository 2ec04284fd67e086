package rpki

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// sharedDir finds ../shared next to the repo root, or RSGUARD_SHARED_DIR;
// it skips without it unless RSGUARD_REQUIRE_SHARED=1.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("RSGUARD_SHARED_DIR"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir != filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(dir, "..", "shared")
			if st, err := os.Stat(filepath.Join(shared, "data")); err == nil && st.IsDir() {
				return shared
			}
			break
		}
		dir = filepath.Dir(dir)
	}
	if os.Getenv("RSGUARD_REQUIRE_SHARED") == "1" {
		t.Fatal("shared test data not found and RSGUARD_REQUIRE_SHARED=1")
	}
	t.Skip("shared test data not found (../shared next to the repo root, or set RSGUARD_SHARED_DIR)")
	return ""
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "data", "rpki", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func vrp(p string, maxLen uint8, asn uint32) VRP {
	return VRP{Prefix: netip.MustParsePrefix(p), MaxLen: maxLen, ASN: asn}
}
