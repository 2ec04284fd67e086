package irrsync

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCacheValidatedLikeFreshData: fresh data loses its bogons, default
// routes and over-broad ranges (with warnings); a hand-edited cache that
// holds any of them, or is not strictly the file a refresh writes, is
// refused whole: the peer starts at default deny and Status says why.
func TestCacheValidatedLikeFreshData(t *testing.T) {
	state := t.TempDir()
	cfg := testConfig(t, state, peerA(t))
	s, app := newSyncer(t, cfg, newSwapSource(t, "bogons.rpsl"), nil)
	r := refreshOne(t, s, "a", false)
	if !r.Applied || r.IPv4 != 1 {
		t.Fatalf("fresh data with junk route objects: %+v", r)
	}
	allowed := app.last(t, "a").allowed
	for _, p := range []string{"1.1.1.0/24", "10.1.0.0/16", "44.1.0.0/16"} {
		if admits(allowed, p) {
			t.Errorf("fresh junk admitted %s: %v", p, allowed)
		}
	}
	if !admits(allowed, "45.21.1.0/24") {
		t.Errorf("the good route object is missing: %v", allowed)
	}

	// the cache as a refresh writes it, for another state_dir
	cacheState := t.TempDir()
	cfg = testConfig(t, cacheState, peerA(t))
	file := filepath.Join(cacheState, "irr", "a.json")
	good := []byte(`{
  "target": "AS-ALPHA",
  "origins": [21001],
  "ipv4": ["45.21.0.0/16{16,24}"],
  "ipv6": ["2a0a:21::/32{32,48}"],
  "sources": ["TEST"],
  "fetched_at": "2025-06-01T12:00:00Z"
}
`)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, edit, want string }{
		{"default route", `"45.21.0.0/16{16,24}"`, "default route"},
		{"private range", `"10.0.0.0/8{8,24}"`, "bogon (10.0.0.0/8"},
		{"over-broad", `"44.0.0.0/7{7,24}"`, "broader than /8"},
		{"unknown field", `"45.21.0.0/16{16,24}"], "allow_all": [true`, "unknown field"},
		{"bogon origin", "", "bogon origin AS64512"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := string(good)
			switch tc.name {
			case "default route":
				text = strings.Replace(text, `"45.21.0.0/16{16,24}"`, `"0.0.0.0/0{0,32}"`, 1)
			case "bogon origin":
				text = strings.Replace(text, "21001", "64512", 1)
			default:
				text = strings.Replace(text, `"45.21.0.0/16{16,24}"`, tc.edit, 1)
			}
			if text == string(good) {
				t.Fatalf("edit did not apply to %s", good)
			}
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			s2, _ := newSyncer(t, cfg, newSwapSource(t, "v1.rpsl"), nil)
			if allowed, origins := s2.InitialFilter(peerA(t)); allowed != nil || origins != nil {
				t.Fatalf("edited cache handed to the route server: %v %v", allowed, origins)
			}
			st := statusOf(t, s2, "a")
			if st.InForce || st.FromCache || !strings.Contains(st.LastError, "irr cache refused") || !strings.Contains(st.LastError, tc.want) {
				t.Fatalf("status after a refused cache: %+v", st)
			}
		})
	}
	// the untouched file is accepted
	if err := os.WriteFile(file, good, 0o644); err != nil {
		t.Fatal(err)
	}
	s3, _ := newSyncer(t, cfg, newSwapSource(t, "v1.rpsl"), nil)
	if allowed, _ := s3.InitialFilter(peerA(t)); allowed == nil || statusOf(t, s3, "a").LastError != "" {
		t.Fatalf("the cache as written was refused: %+v", statusOf(t, s3, "a"))
	}
}
