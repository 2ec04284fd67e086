package irrsync

import (
	"strings"
	"testing"

	"github.com/rsguard/rsguard/internal/speakers"
)

// TestWhoisClientPath uses no injected Source: the syncer builds a whois
// client from [irr] servers against an in-process IRRd-compatible server,
// fails (keeping the last good list) when it stops, also when [irr] files
// are configured (they are merged with the server, not a fallback), and
// picks up new data after a restart.
func TestWhoisClientPath(t *testing.T) {
	w := startWhois(t, speakers.Addr(speakers.PkgIRRSync, 30)+":0", "v1.rpsl")
	cfg := testConfig(t, "", peerA(t), peerB())
	cfg.IRR.Servers = []string{w.addr}
	cfg.IRR.Sources = []string{"TEST"}
	s, app := newSyncer(t, cfg, nil, nil)
	r := refreshOne(t, s, "a", false)
	if !r.Applied || r.Origins != 2 || r.IPv6 != 1 {
		t.Fatalf("refresh through whois: %+v", r)
	}
	if !admits(app.last(t, "a").allowed, "45.21.9.0/24") || admits(app.last(t, "a").allowed, "45.24.0.0/24") {
		t.Fatalf("allowed list from whois: %v", app.last(t, "a").allowed)
	}
	if st := statusOf(t, s, "a"); len(st.Sources) != 1 || st.Sources[0] != "TEST" {
		t.Errorf("sources = %v", st.Sources)
	}

	w.stop()
	r = refreshOne(t, s, "a", false)
	if r.Err == "" || app.count("a") != 1 {
		t.Fatalf("refresh with whois down: %+v", r)
	}
	if st := statusOf(t, s, "a"); st.LastError == "" || st.Origins != 2 {
		t.Fatalf("status with whois down: %+v", st)
	}

	// a new session after the restart sees the new data
	w.start("v2.rpsl")
	r = refreshOne(t, s, "a", false)
	if !r.Applied || r.Origins != 3 || !admits(app.last(t, "a").allowed, "45.24.0.0/24") {
		t.Fatalf("refresh after whois restart: %+v", r)
	}

	// servers and files are one registry: with the server down the
	// refresh fails (no fallback to the files' part of the data); with it
	// back, the server's AS-ALPHA (first in priority) is used
	w.stop()
	cfg2 := testConfig(t, "", peerA(t))
	cfg2.IRR.Servers = []string{w.addr}
	cfg2.IRR.Files = []string{testdata("v1.rpsl")}
	s2, app2 := newSyncer(t, cfg2, nil, nil)
	r = refreshOne(t, s2, "a", false)
	if r.Applied || r.Err == "" || app2.count("a") != 0 {
		t.Fatalf("server down, files up: want a failed refresh, got %+v", r)
	}
	w.start("v2.rpsl")
	r = refreshOne(t, s2, "a", false)
	if !r.Applied || r.Origins != 3 {
		t.Fatalf("server's set preferred over files: %+v", r)
	}

	// files only, a missing file: an error naming it, not a crash
	cfg3 := testConfig(t, "", peerA(t))
	cfg3.IRR.Files = []string{testdata("missing.rpsl")}
	s3, _ := newSyncer(t, cfg3, nil, nil)
	if r := refreshOne(t, s3, "a", false); r.Err == "" || !strings.Contains(r.Err, "missing.rpsl") {
		t.Fatalf("missing dump: %+v", r)
	}
}
