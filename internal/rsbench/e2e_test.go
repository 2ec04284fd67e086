package rsbench

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// TestRSBenchEndToEnd runs the benchmark for real at 2 clients x 100
// routes against rsguard (its real binary) and BIRD: both must converge
// with exactly the valid routes. Then one client's filter is holed on
// every route server and the check must report the leaked route.
func TestRSBenchEndToEnd(t *testing.T) {
	speakers.Require(t, "bird")
	speakers.Require(t, "birdc")
	speakers.RequirePort179(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	dir := t.TempDir()
	root, _ := filepath.Abs("../..")
	bins, err := FindBins(ctx, root, dir, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	defer func() {
		if t.Failed() {
			t.Logf("rsbench log:\n%s", log.String())
		}
	}()
	opt := Options{Bins: bins, Dir: dir, PhaseTimeout: time.Minute, Log: &log}
	servers, err := ParseServers("rsguard,bird")
	if err != nil {
		t.Fatal(err)
	}

	s, err := Build("e2e", []int{100, 100})
	if err != nil {
		t.Fatal(err)
	}
	results := Bench(ctx, s, servers, 1, opt)
	if len(results) != 2 {
		t.Fatalf("%d results, want 2", len(results))
	}
	for _, r := range results {
		if !r.OK() {
			t.Errorf("%s: %s %s", r.Server, r.Error, r.Check)
			continue
		}
		// Each client holds the other's 95 valid routes and was sent
		// nothing else.
		if r.Check.Routes != 2*95 || r.UpdatesPerClient != 95 || r.WithdrawsPerClient != 95 {
			t.Errorf("%s: %d routes held, %.0f updates and %.0f withdraws per client; want 190, 95, 95",
				r.Server, r.Check.Routes, r.UpdatesPerClient, r.WithdrawsPerClient)
		}
		if r.PeakRSSMiB <= 0 || r.ConvergeSeconds <= 0 || r.WithdrawSeconds <= 0 {
			t.Errorf("%s: unmeasured: %+v", r.Server, r)
		}
	}

	leaky, err := Build("e2e-leak", []int{100, 100})
	if err != nil {
		t.Fatal(err)
	}
	leaked, err := leaky.InjectLeak()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range servers {
		r := RunOne(ctx, leaky, d, opt, 1)
		if r.Error != "" {
			t.Errorf("%s with a leak: run failed: %s", d.Name, r.Error)
			continue
		}
		if r.OK() || r.Check.Leaked != 1 || r.Check.Missing != 0 {
			t.Errorf("%s: check with %s leaked: %s; want exactly 1 leaked", d.Name, leaked, r.Check)
		}
	}
}
