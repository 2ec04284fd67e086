package apiserver_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health/grpc_health_v1"
)

const testToken = apiservertest.Token

// tlsFiles writes a fresh self-signed certificate, key and token file.
func tlsFiles(t *testing.T) (certFile, keyFile, tokenFile string, pool *x509.CertPool) {
	t.Helper()
	f := apiservertest.NewTLSFiles(t)
	return f.Cert, f.Key, f.Token, f.Pool
}

// tokenCreds sends a fixed authorization header.
type tokenCreds string

func (c tokenCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": string(c)}, nil
}
func (tokenCreds) RequireTransportSecurity() bool { return true }

func serveTCP(t *testing.T) (addr string, pool *x509.CertPool) {
	t.Helper()
	cert, key, token, pool := tlsFiles(t)
	l := apiservertest.Serve(t, apiserver.NewServer(apiservertest.NewMemBackend()), apiserver.ListenConfig{
		TCPAddr: "127.0.0.1:0", TLSCertFile: cert, TLSKeyFile: key, TokenFile: token,
	})
	if l.TCPAddr() == nil {
		t.Fatal("no TCP listener")
	}
	return l.TCPAddr().String(), pool
}

func dialTLS(t *testing.T, addr string, pool *x509.CertPool, auth string) *grpc.ClientConn {
	t.Helper()
	opts := []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))}
	if auth != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(tokenCreds(auth)))
	}
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestTCPTokenAuth(t *testing.T) {
	addr, pool := serveTCP(t)
	tests := []struct {
		name string
		auth string // the whole authorization header; "" sends none
		code codes.Code
	}{
		{"no token", "", codes.Unauthenticated},
		{"wrong token", "Bearer wrong-token-0123456789abcdef", codes.Unauthenticated},
		{"token prefix only", "Bearer " + testToken[:10], codes.Unauthenticated},
		{"wrong scheme", "Basic " + testToken, codes.Unauthenticated},
		{"right token", "Bearer " + testToken, codes.OK},
		{"scheme is case-insensitive", "bearer " + testToken, codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := dialTLS(t, addr, pool, tt.auth)
			ctx := testCtx(t)
			_, err := rsguardv1.NewPeerServiceClient(conn).GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: "ix-a"})
			checkCode(t, "unary", err, tt.code)
			stream, err := rsguardv1.NewPeerServiceClient(conn).ListPeers(ctx, &rsguardv1.ListPeersRequest{})
			if err == nil {
				_, err = recvAll(t, stream)
			}
			checkCode(t, "stream", err, tt.code)
			_, err = grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{})
			checkCode(t, "health", err, tt.code)
		})
	}
}

func checkCode(t *testing.T, what string, err error, want codes.Code) {
	t.Helper()
	if want == codes.OK {
		if err != nil {
			t.Errorf("%s: %v, want success", what, err)
		}
		return
	}
	wantCode(t, err, want, "")
}

func TestTCPRefusesPlaintext(t *testing.T) {
	addr, _ := serveTCP(t)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = rsguardv1.NewPeerServiceClient(conn).GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: "ix-a"})
	if err == nil {
		t.Fatal("plaintext call over the TLS listener succeeded")
	}
}

func TestTCPRequiresTLSAndToken(t *testing.T) {
	cert, key, token, _ := tlsFiles(t)
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cfg    apiserver.ListenConfig
		substr string
	}{
		{"nothing", apiserver.ListenConfig{TCPAddr: "127.0.0.1:0"}, "TLS certificate"},
		{"no token", apiserver.ListenConfig{TCPAddr: "127.0.0.1:0", TLSCertFile: cert, TLSKeyFile: key}, "bearer token"},
		{"no key", apiserver.ListenConfig{TCPAddr: "127.0.0.1:0", TLSCertFile: cert, TokenFile: token}, "TLS key"},
		{"no cert", apiserver.ListenConfig{TCPAddr: "127.0.0.1:0", TLSKeyFile: key, TokenFile: token}, "TLS certificate"},
		{"short token", apiserver.ListenConfig{TCPAddr: "127.0.0.1:0", TLSCertFile: cert, TLSKeyFile: key, TokenFile: short}, "at least 16"},
		{"missing token file", apiserver.ListenConfig{TCPAddr: "127.0.0.1:0", TLSCertFile: cert, TLSKeyFile: key, TokenFile: short + ".nope"}, "token file"},
		{"key is not a key", apiserver.ListenConfig{TCPAddr: "127.0.0.1:0", TLSCertFile: cert, TLSKeyFile: token, TokenFile: token}, "TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Socket = filepath.Join(apiservertest.SocketDir(t), "rs.sock")
			l, err := apiserver.NewServer(apiservertest.NewMemBackend()).Listen(tt.cfg)
			if err == nil {
				l.Close()
				t.Fatal("Listen accepted an unsafe TCP listener")
			}
			if !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("error %q does not mention %q", err, tt.substr)
			}
			if _, serr := os.Lstat(tt.cfg.Socket); !os.IsNotExist(serr) {
				t.Errorf("a refused Listen left the socket behind")
			}
		})
	}
}

// The unix socket needs no token even when TCP requires one.
func TestUnixNeedsNoTokenBesideTCP(t *testing.T) {
	cert, key, token, _ := tlsFiles(t)
	l := apiservertest.Serve(t, apiserver.NewServer(apiservertest.NewMemBackend()), apiserver.ListenConfig{
		TCPAddr: "127.0.0.1:0", TLSCertFile: cert, TLSKeyFile: key, TokenFile: token,
	})
	conn := apiservertest.DialUnix(t, l.SocketPath())
	if _, err := rsguardv1.NewPeerServiceClient(conn).GetPeer(testCtx(t), &rsguardv1.GetPeerRequest{Name: "ix-a"}); err != nil {
		t.Fatal(err)
	}
}
