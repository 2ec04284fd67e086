package rpki

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/rsguard/rsguard/internal/shareddata"
)

// sharedDir: the real-world data set next to the repo (internal/shareddata).
func sharedDir(t testing.TB) string { t.Helper(); return shareddata.Dir(t) }

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
