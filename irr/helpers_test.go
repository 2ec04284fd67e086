package irr

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/shareddata"
)

// sharedDir: the real-world data set next to the repo (internal/shareddata).
func sharedDir(t testing.TB) string { t.Helper(); return shareddata.Dir(t) }

func sharedFile(t testing.TB, rel string) string {
	return filepath.Join(sharedDir(t), "data", rel)
}

// needBinary returns the path of an external tool, skipping (or failing
// under RSGUARD_REQUIRE_SPEAKERS=1) when it is missing.
func needBinary(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("RSGUARD_REQUIRE_SPEAKERS") == "1" {
			t.Fatalf("%s not installed and RSGUARD_REQUIRE_SPEAKERS=1", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// startServer runs a whois server over db on a random loopback port and
// stops it when the test ends.
func startServer(t testing.TB, db *DB, opts ServerOptions) string {
	t.Helper()
	srv := NewServer(db, opts)
	addr, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("server did not stop within 10s")
		}
	})
	return addr.String()
}

func loadDB(t testing.TB, paths ...string) *DB {
	t.Helper()
	db, err := LoadFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// runCmd runs an external command with a deadline and returns stdout.
func runCmd(t testing.TB, timeout time.Duration, name string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "IRRD_SOURCES=")
	var stdout, stderr bytesBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\nstderr: %s", name, args, err, stderr.String())
	}
	return stdout.String(), stderr.String()
}
