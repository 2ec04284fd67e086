package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// connect opens a client connection: TCP+TLS with a bearer token when
// --addr is given, else the unix socket, which needs no token because its
// file permissions are the access control.
func (a *app) connect() (*grpc.ClientConn, error) {
	if a.addr == "" {
		path, err := filepath.Abs(a.socket)
		if err != nil {
			return nil, usageErrorf("--socket %s: %v", a.socket, err)
		}
		return grpc.NewClient("unix://"+path, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	if a.tokenFile == "" {
		return nil, usageErrorf("--addr needs --token-file (the API refuses calls over TCP without a token)")
	}
	raw, err := os.ReadFile(a.tokenFile)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	tok := strings.TrimSpace(string(raw))
	if tok == "" {
		return nil, fmt.Errorf("token file %s is empty", a.tokenFile)
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if a.caFile != "" {
		pem, err := os.ReadFile(a.caFile)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate in it", a.caFile)
		}
		tlsCfg.RootCAs = pool
	}
	return grpc.NewClient(a.addr,
		grpc.WithTransportCredentials(credentials.NewTLS(tlsCfg)),
		grpc.WithPerRPCCredentials(bearerToken(tok)))
}

// bearerToken sends "authorization: Bearer <token>" with every call, and
// only over TLS.
type bearerToken string

func (t bearerToken) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(t)}, nil
}

func (bearerToken) RequireTransportSecurity() bool { return true }

// withConn runs fn with a fresh connection and a call context of kind.
func (a *app) withConn(parent context.Context, kind callKind, fn func(ctx context.Context, conn *grpc.ClientConn) error) error {
	conn, err := a.connect()
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := a.callContext(parent, kind)
	defer cancel()
	return fn(ctx, conn)
}
