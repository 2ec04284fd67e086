package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver/apiservertest"
)

// TestCheckRefusesWhatRunRefuses: a config that loads but that `run`
// refuses (token, TLS files, state_dir) must fail `check` with the same
// message. Before, check said OK and only run failed.
func TestCheckRefusesWhatRunRefuses(t *testing.T) {
	dir := t.TempDir()
	tlsFiles := apiservertest.NewTLSFiles(t)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.token", "")
	short := write("short.token", "abc\n")
	good := write("good.token", "0123456789abcdef0123456789abcdef\n")
	notDir := write("state-is-a-file", "x")
	withSocket := func(stateDir, socket, api string) string {
		return fmt.Sprintf(`[global]
asn = 21000
router_id = "127.0.0.1"
listen_addresses = ["127.0.0.1"]
listen_port = 0
state_dir = %q

[api]
socket = %q
%s
`, stateDir, socket, api)
	}
	base := func(stateDir, api string) string {
		return withSocket(stateDir, filepath.Join(dir, "run", "rs.sock"), api)
	}
	tcp := func(token, cert string) string {
		return fmt.Sprintf("listen = \"127.0.0.1:20601\"\ntls_cert = %q\ntls_key = %q\ntoken_file = %q\n", cert, tlsFiles.Key, token)
	}
	for _, c := range []struct{ name, cfg, want string }{
		{"empty token", base(filepath.Join(dir, "s1"), tcp(empty, tlsFiles.Cert)), "token has 0 characters"},
		{"short token", base(filepath.Join(dir, "s2"), tcp(short, tlsFiles.Cert)), "token has 3 characters"},
		{"key pair", base(filepath.Join(dir, "s3"), tcp(good, good)), "TLS certificate/key"},
		{"state_dir", base(filepath.Join(notDir, "sub"), ""), "is not a directory"},
		{"socket taken", withSocket(filepath.Join(dir, "s5"), notDir, ""), "exists and is not a socket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := write(strings.ReplaceAll(c.name, " ", "-")+".toml", c.cfg)
			_, stderr, err := runCmd(t, "check", "-c", path)
			if err == nil || !strings.Contains(stderr, c.want) || !strings.Contains(err.Error(), "run would refuse") {
				t.Fatalf("check: %v\n%s", err, stderr)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := newRootCommand()
			cmd.SetArgs([]string{"run", "-c", path})
			if err := cmd.ExecuteContext(ctx); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run: %v, want an error with %q", err, c.want)
			}
		})
	}
	ok := write("ok.toml", base(filepath.Join(dir, "s4"), tcp(good, tlsFiles.Cert)))
	if out, stderr, err := runCmd(t, "check", "-c", ok); err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("a good config: %v %s %s", err, out, stderr)
	}
}
