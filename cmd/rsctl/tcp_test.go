package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
)

func TestTCPWithTLSAndToken(t *testing.T) {
	f := apiservertest.NewTLSFiles(t)
	l := apiservertest.Serve(t, apiserver.NewServer(apiservertest.NewMemBackend()), apiserver.ListenConfig{
		TCPAddr: "127.0.0.1:0", TLSCertFile: f.Cert, TLSKeyFile: f.Key, TokenFile: f.Token,
	})
	addr := l.TCPAddr().String()
	wrong := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrong, []byte("not-the-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &cli{t: t, socket: "/nonexistent/rsguard.sock"} // --addr wins over --socket

	r := c.run("peers", "--json", "--addr", addr, "--token-file", f.Token, "--ca", f.Cert)
	if r.code != 0 || !strings.Contains(r.stdout, `"name": "ix-a"`) {
		t.Errorf("right token: %+v", r)
	}
	r = c.run("peers", "--addr", addr, "--token-file", wrong, "--ca", f.Cert)
	if r.code != 1 || r.stderr != "rsctl: Unauthenticated: invalid bearer token\n" {
		t.Errorf("wrong token: %+v", r)
	}
	r = c.run("peers", "--addr", addr, "--token-file", f.Token) // system roots do not trust the test CA
	if r.code != 1 || !strings.HasPrefix(r.stderr, "rsctl: Unavailable: ") {
		t.Errorf("untrusted certificate: %+v", r)
	}
	r = c.run("peers", "--addr", addr, "--token-file", f.Token, "--ca", f.Token)
	if r.code != 1 || !strings.Contains(r.stderr, "no PEM certificate") {
		t.Errorf("bad CA file: %+v", r)
	}
}
