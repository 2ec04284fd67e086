package daemon

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver/apiservertest"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// This file's API TCP address (octet 6 of the daemon block).
var eqAPIAddr = eqAddr(1) + ":20611"

type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (bearer) RequireTransportSecurity() bool { return true }

// healthOver asks the gRPC health service over conn: "SERVING", or the
// error's status code.
func healthOver(conn *grpc.ClientConn) string {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	r, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(false))
	if err != nil {
		return status.Code(err).String()
	}
	return r.GetStatus().String()
}

// tcpHealth: the API over TLS at addr with token ("" sends none).
func tcpHealth(t *testing.T, addr string, pool *x509.CertPool, token string) string {
	t.Helper()
	opts := []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}))}
	if token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer(token)))
	}
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return healthOver(conn)
}

func unixHealth(t *testing.T, socket string) string {
	t.Helper()
	conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return healthOver(conn)
}

// apiTable renders [api] with a TCP listener.
func apiTCP(tf apiservertest.TLSFiles, token string) string {
	return fmt.Sprintf("listen = %q\ntls_cert = %q\ntls_key = %q\ntoken_file = %q\n", eqAPIAddr, tf.Cert, tf.Key, token)
}

// TestReloadAPIListeners: [api] follows a reload as at start. A TCP
// listener is added, its token swapped in place, the unix socket moved (by
// a reload called over that very socket) and the TCP listener removed,
// each without a restart and without touching the other listener.
func TestReloadAPIListeners(t *testing.T) {
	root := t.TempDir()
	tf := apiservertest.NewTLSFiles(t)
	tokenA, tokenB := "token-a-0123456789abcdef", "token-b-0123456789abcdef"
	fileA, fileB := filepath.Join(root, "a.token"), filepath.Join(root, "b.token")
	os.WriteFile(fileA, []byte(tokenA), 0o600)
	os.WriteFile(fileB, []byte(tokenB), 0o600)
	state := filepath.Join(root, "state")
	sock1 := filepath.Join(root, "run", "rs.sock")
	sock2 := filepath.Join(root, "run2", "rs.sock")
	head := func(socket, api string) string {
		return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 0
state_dir = %[2]q

[log]
level = "warning"

[api]
socket = %[3]q
%[4]s`, eqAddr(1), state, socket, api)
	}
	d := runDaemon(t, writeConfig(t, root, head(sock1, "")))
	reload := func(step, cfg string) {
		t.Helper()
		writeConfig(t, root, cfg)
		res, err := d.ReloadConfig(context.Background())
		if err != nil || !res.Applied {
			t.Fatalf("%s: %v %+v", step, err, res)
		}
	}
	if got := tcpHealth(t, eqAPIAddr, tf.Pool, tokenA); got != "Unavailable" {
		t.Fatalf("TCP API before it is configured: %s", got)
	}
	reload("add TCP", head(sock1, apiTCP(tf, fileA)))
	for token, want := range map[string]string{tokenA: "SERVING", tokenB: "Unauthenticated", "": "Unauthenticated"} {
		if got := tcpHealth(t, eqAPIAddr, tf.Pool, token); got != want {
			t.Fatalf("after adding TCP, token %q: %s, want %s", token, got, want)
		}
	}
	reload("swap token", head(sock1, apiTCP(tf, fileB)))
	for token, want := range map[string]string{tokenA: "Unauthenticated", tokenB: "SERVING"} {
		if got := tcpHealth(t, eqAPIAddr, tf.Pool, token); got != want {
			t.Fatalf("after the token change, token %q: %s, want %s", token, got, want)
		}
	}
	// move the socket by a reload called over the socket being retired
	writeConfig(t, root, head(sock2, apiTCP(tf, fileB)))
	conn := apiservertest.DialUnix(t, sock1)
	resp, err := rsguardv1.NewConfigServiceClient(conn).ReloadConfig(context.Background(), &rsguardv1.ReloadConfigRequest{})
	if err != nil || !resp.GetApplied() {
		t.Fatalf("reload over the old socket: %v %+v", err, resp)
	}
	if got := unixHealth(t, sock2); got != "SERVING" {
		t.Fatalf("new socket: %s", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(sock1); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the old socket %s is still there", sock1)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d.SocketPath() != sock2 || tcpHealth(t, eqAPIAddr, tf.Pool, tokenB) != "SERVING" {
		t.Fatalf("after the socket move: socket %s, TCP %s", d.SocketPath(), tcpHealth(t, eqAPIAddr, tf.Pool, tokenB))
	}
	// a bad token file refuses the reload, and the listeners stay as they are
	short := filepath.Join(root, "short.token")
	os.WriteFile(short, []byte("abc"), 0o600)
	writeConfig(t, root, head(sock2, apiTCP(tf, short)))
	if res, err := d.ReloadConfig(context.Background()); err != nil || res.Applied {
		t.Fatalf("a short token was accepted: %v %+v", err, res)
	}
	if got := tcpHealth(t, eqAPIAddr, tf.Pool, tokenB); got != "SERVING" {
		t.Fatalf("after a refused reload: %s", got)
	}
	// a TCP address in use: check says so, and the reload refuses it as a
	// whole (the running listener stays)
	busy, err := net.Listen("tcp", eqAddr(1)+":20612")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	moved := strings.Replace(apiTCP(tf, fileB), eqAPIAddr, eqAddr(1)+":20612", 1)
	writeConfig(t, root, head(sock2, moved))
	chk, err := d.CheckConfig(context.Background(), "")
	if err != nil || len(chk.Errors) != 1 || !strings.Contains(chk.Errors[0].Message, "address already in use") {
		t.Fatalf("check of a busy TCP address: %v %+v", err, chk)
	}
	if res, err := d.ReloadConfig(context.Background()); err != nil || res.Applied || len(res.Errors) != 1 ||
		!strings.Contains(res.Errors[0].Message, "address already in use") {
		t.Fatalf("reload to a busy TCP address: %v %+v", err, res)
	}
	if got := tcpHealth(t, eqAPIAddr, tf.Pool, tokenB); got != "SERVING" {
		t.Fatalf("after a refused move: %s", got)
	}
	reload("drop TCP", head(sock2, ""))
	deadline = time.Now().Add(10 * time.Second)
	for tcpHealth(t, eqAPIAddr, tf.Pool, tokenB) != "Unavailable" {
		if time.Now().After(deadline) {
			t.Fatal("the TCP listener still answers after it was removed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := unixHealth(t, sock2); got != "SERVING" {
		t.Fatalf("socket after dropping TCP: %s", got)
	}
}
