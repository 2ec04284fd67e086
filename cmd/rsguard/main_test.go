package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := newRootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestCheckReportsEveryError(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte(`[global]
asn = 21000
router_id = "127.0.0.1"
colour = "blue"

[[peers]]
name = "a"
address = "127.0.0.2"
asn = 21001
prefixes = ["45.1.0.0/33"]

[[peers]]
name = "a"
address = "127.0.0.3"
asn = 21002
password_file = "missing.secret"
`), 0o600)
	_, stderr, err := runCmd(t, "check", "-c", bad)
	if err == nil {
		t.Fatal("check accepted a broken config")
	}
	for _, want := range []string{"bad.toml:4", "colour", "bad.toml:10", "prefixes", "bad.toml:13", "name", "bad.toml:16", "password_file"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("check output lacks %q:\n%s", want, stderr)
		}
	}
	out, _, err := runCmd(t, "check", "-c", "../../configs/rsguard.example.toml")
	if err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("example config: %v %s", err, out)
	}
}

// TestDemo runs the README's first command for a few seconds and checks it
// shows accepted routes and rejected ones with their reasons.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := runDemo(ctx, &out, false); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"session ESTABLISHED",
		"accept   45.1.0.0/24",
		"2 bogon_prefix: inside 10.0.0.0/8",
		"13 prefix_length",
		"12 prefix_not_registered",
		"7 bogon_asn: AS64512",
		"5 next_hop_mismatch",
		"6 first_as_mismatch: left-most AS21009",
		"what isp-b received from the route server (4 routes",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(s)
	}
}

// TestCheckWarnsButPasses: a dead peer is reported with file:line:key on
// stderr, and the check still succeeds.
func TestCheckWarnsButPasses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "warn.toml")
	os.WriteFile(path, []byte(`[global]
asn = 21000
router_id = "127.0.0.1"

[[peers]]
name = "private"
address = "127.0.0.2"
asn = 64512
prefixes = ["45.1.0.0/16{16,24}"]

[[peers]]
name = "nothing"
address = "127.0.0.3"
asn = 21002
`), 0o600)
	out, stderr, err := runCmd(t, "check", "-c", path)
	if err != nil {
		t.Fatalf("check failed on warnings only: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "OK (2 peers, 2 warnings)") {
		t.Errorf("stdout %q", out)
	}
	for _, want := range []string{
		"warn.toml:8: warning: peers[0] (private).asn: AS64512 is a bogon ASN",
		"warn.toml:11: warning: peers[1] (nothing): neither prefixes nor as_set",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
