package irrsync

import (
	"slices"
	"testing"

	"github.com/rsguard/rsguard/config"
)

// TestSplitAcrossFileAndServer: [irr] files and servers are one registry.
// AS-SPLIT is in the dump and names AS-SPLIT-SRV, which only the server
// (an in-process irr.Server) has; route objects are in both. The filter
// holds both halves; with the server gone the refresh fails and the
// filter does not change (no flip to the dump's half); with the server
// back it is the same filter again.
func TestSplitAcrossFileAndServer(t *testing.T) {
	w := startWhois(t, "127.21.8.3:0", "split-server.rpsl")
	peer := config.Peer{Name: "s", ASN: 21001, ASSet: "AS-SPLIT", IRRMaxLengthIPv4: 24, IRRMaxLengthIPv6: 48}
	cfg := testConfig(t, "", peer)
	cfg.IRR.Servers = []string{w.addr}
	cfg.IRR.Files = []string{testdata("split-file.rpsl")}
	s, app := newSyncer(t, cfg, nil, nil)

	r := refreshOne(t, s, "s", false)
	if !r.Applied || r.Origins != 2 || r.IPv4 != 3 || r.IPv6 != 1 {
		t.Fatalf("split set: %+v", r)
	}
	first := app.last(t, "s")
	for _, p := range []string{"45.91.1.0/24", "45.92.1.0/24", "45.95.1.0/24", "2a0a:4591:1::/48"} {
		if !admits(first.allowed, p) {
			t.Errorf("%s not admitted: %v", p, first.allowed)
		}
	}
	if got := first.origins.Sorted(); !slices.Equal(got, []uint32{21001, 21002}) {
		t.Errorf("origins %v", got)
	}

	w.stop()
	r = refreshOne(t, s, "s", false)
	if r.Err == "" || r.Applied || app.count("s") != 1 {
		t.Fatalf("server gone: want a failed refresh and no change, got %+v (%d applies)", r, app.count("s"))
	}
	if st := statusOf(t, s, "s"); !st.InForce || st.LastError == "" || st.Origins != 2 || st.IPv4 != 3 {
		t.Fatalf("status with the server gone: %+v", st)
	}

	w.start("split-server.rpsl")
	r = refreshOne(t, s, "s", false)
	if !r.Applied || r.Change.Added != 0 || r.Change.Deleted != 0 || app.count("s") != 1 {
		t.Fatalf("server back: want the same filter, nothing to apply; got %+v (%d applies)", r, app.count("s"))
	}
	if st := statusOf(t, s, "s"); st.LastError != "" || st.Origins != 2 || st.IPv4 != 3 || st.IPv6 != 1 {
		t.Fatalf("status with the server back: %+v", st)
	}
	if !slices.Equal(app.last(t, "s").allowed, first.allowed) {
		t.Fatalf("filter changed: %v, was %v", app.last(t, "s").allowed, first.allowed)
	}
}
