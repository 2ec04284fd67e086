package apiserver_test

import (
	"context"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc/health/grpc_health_v1"
)

func TestUnixSocketPermissions(t *testing.T) {
	dir := filepath.Join(apiservertest.SocketDir(t), "run", "rsguard") // does not exist yet
	path := filepath.Join(dir, "rsguard.sock")
	l := apiservertest.Serve(t, apiserver.NewServer(apiservertest.NewMemBackend()), apiserver.ListenConfig{Socket: path})
	if l.SocketPath() != path {
		t.Errorf("SocketPath() = %q, want %q", l.SocketPath(), path)
	}
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Type() != fs.ModeSocket || st.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket with 0600", st.Mode())
	}
	dst, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if dst.Mode().Perm() != 0o750 {
		t.Errorf("socket directory mode %v, want 0750", dst.Mode().Perm())
	}
	if l.TCPAddr() != nil {
		t.Errorf("TCP listener %v without being asked for one", l.TCPAddr())
	}
	// Nothing but the socket is left in the directory (no temp name).
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("directory holds %v (%v), want only the socket", entries, err)
	}
}

func TestStaleSocketIsReplaced(t *testing.T) {
	path := filepath.Join(apiservertest.SocketDir(t), "rs.sock")
	// A socket nobody listens on, as a crashed daemon leaves behind.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	l := apiservertest.Serve(t, apiserver.NewServer(apiservertest.NewMemBackend()), apiserver.ListenConfig{Socket: path})
	conn := apiservertest.DialUnix(t, l.SocketPath())
	if _, err := rsguardv1.NewPeerServiceClient(conn).GetPeer(testCtx(t), &rsguardv1.GetPeerRequest{Name: "ix-a"}); err != nil {
		t.Fatalf("call over the replaced socket: %v", err)
	}
}

func TestLiveSocketIsNotStolen(t *testing.T) {
	path := filepath.Join(apiservertest.SocketDir(t), "rs.sock")
	apiservertest.Serve(t, apiserver.NewServer(apiservertest.NewMemBackend()), apiserver.ListenConfig{Socket: path})
	_, err := apiserver.NewServer(apiservertest.NewMemBackend()).Listen(apiserver.ListenConfig{Socket: path})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Listen on a live socket: %v, want an 'in use' error", err)
	}
}

func TestNonSocketIsNotReplaced(t *testing.T) {
	path := filepath.Join(apiservertest.SocketDir(t), "rs.sock")
	if err := os.WriteFile(path, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := apiserver.NewServer(apiservertest.NewMemBackend()).Listen(apiserver.ListenConfig{Socket: path})
	if err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("Listen over a regular file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Errorf("the file was touched: %q", b)
	}
}

func TestSocketRemovedOnShutdown(t *testing.T) {
	path := filepath.Join(apiservertest.SocketDir(t), "rs.sock")
	l, err := apiserver.NewServer(apiservertest.NewMemBackend()).Listen(apiserver.ListenConfig{Socket: path})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve and stop at once
	if err := l.Serve(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("socket still there after shutdown: %v", err)
	}
}

func TestHealthAndReflection(t *testing.T) {
	_, conn := memConn(t)
	ctx := testCtx(t)
	for _, svc := range []string{"", "rsguard.v1.PeerService", "rsguard.v1.EventService"} {
		resp, err := grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: svc})
		if err != nil || resp.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING {
			t.Errorf("health %q: %v, %v", svc, resp, err)
		}
	}
	services := reflectServices(t, ctx, conn)
	for _, want := range []string{"rsguard.v1.PeerService", "rsguard.v1.RouteService", "rsguard.v1.IRRService",
		"rsguard.v1.DampeningService", "rsguard.v1.ConfigService", "rsguard.v1.EventService", "grpc.health.v1.Health"} {
		if !services[want] {
			t.Errorf("reflection does not list %s (got %v)", want, services)
		}
	}
}
