package routeserver

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

// diffRPKI is the [rpki] section of the differential test: VRPs that make
// the fixtures valid, invalid by origin, invalid by length (also through an
// AS 0 VRP) and not found (45.1.128.0/17 and half of 2a0a:1::/32 are
// not covered), so GoBGP's RpkiResult statement and the
// evaluator's check 14 are compared route by route.
func diffRPKI(t *testing.T) string {
	t.Helper()
	vrps := `{"roas":[
		{"prefix":"45.1.0.0/17","maxLength":20,"asn":21001},
		{"prefix":"45.1.0.0/18","maxLength":24,"asn":21011},
		{"prefix":"45.1.64.0/18","maxLength":24,"asn":0},
		{"prefix":"45.3.0.0/20","maxLength":24,"asn":"AS21012"},
		{"prefix":"2a0a:1::/33","maxLength":40,"asn":21001}]}`
	path := filepath.Join(t.TempDir(), "vrps.json")
	if err := os.WriteFile(path, []byte(vrps), 0o644); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("\n[rpki]\nfiles = [%q]\n", path)
}

// checkRPKIMix: the fixtures must make check 14 decide acceptance on its
// own (routes rejected only for rpki_invalid, accepted valid routes and
// accepted not-found routes), or agreement would prove little.
func checkRPKIMix(t *testing.T, want map[netip.Prefix]filters.Verdict) {
	t.Helper()
	var onlyInvalid, acceptedValid, acceptedNotFound int
	for _, v := range want {
		switch {
		case len(v.Rejections) == 1 && v.Has(filters.ReasonRPKIInvalid):
			onlyInvalid++
		case v.Accepted() && v.RPKI == rpki.StateValid:
			acceptedValid++
		case v.Accepted() && v.RPKI == rpki.StateNotFound:
			acceptedNotFound++
		}
	}
	t.Logf("rpki: %d rejected only as invalid, %d accepted valid, %d accepted not-found", onlyInvalid, acceptedValid, acceptedNotFound)
	if onlyInvalid == 0 || acceptedValid == 0 || acceptedNotFound == 0 {
		t.Fatal("the fixtures do not exercise check 14 on its own")
	}
}
