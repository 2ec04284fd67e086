package apiservertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// SocketDir returns a fresh short directory for a unix socket (t.TempDir
// paths can exceed the 108-byte sun_path limit) and removes it at cleanup.
func SocketDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "rsapi")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// Serve runs srv with cfg (Socket defaults to a fresh temp socket) until the
// test ends, and returns the bound listeners.
func Serve(t testing.TB, srv *apiserver.Server, cfg apiserver.ListenConfig) *apiserver.Listening {
	t.Helper()
	if cfg.Socket == "" {
		cfg.Socket = filepath.Join(SocketDir(t), "api", "rsguard.sock")
	}
	l, err := srv.Listen(cfg)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("server did not stop within 30s")
		}
	})
	return l
}

// ServeMem serves a fresh fixture backend on a temp unix socket.
func ServeMem(t testing.TB) (*MemBackend, *apiserver.Listening) {
	t.Helper()
	b := NewMemBackend()
	l := Serve(t, apiserver.NewServer(b, apiserver.WithClock(func() time.Time { return Epoch })), apiserver.ListenConfig{})
	return b, l
}

// DialUnix connects to a unix socket and closes the connection at cleanup.
func DialUnix(t testing.TB, path string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient("unix://"+path, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
