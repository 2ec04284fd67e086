package apiserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// minTokenLen refuses tokens short enough to guess.
const minTokenLen = 16

// readTokenFile reads a bearer token: the file's content without
// surrounding whitespace.
func readTokenFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < minTokenLen {
		return nil, fmt.Errorf("token file %s: token has %d characters, want at least %d", path, len(tok), minTokenLen)
	}
	if strings.ContainsAny(tok, " \t\r\n") {
		return nil, fmt.Errorf("token file %s: token must be one word", path)
	}
	return []byte(tok), nil
}

// tokenAuth checks "authorization: Bearer <token>" on every call.
type tokenAuth struct {
	// sum of the token: hashing both sides makes the compare
	// length-independent. Atomic so a config reload can change the token
	// under a running listener.
	sum atomic.Pointer[[sha256.Size]byte]
	s   *Server
}

func newTokenAuth(token []byte, s *Server) *tokenAuth {
	a := &tokenAuth{s: s}
	a.set(token)
	return a
}

func (a *tokenAuth) set(token []byte) {
	sum := sha256.Sum256(token)
	a.sum.Store(&sum)
}

func (a *tokenAuth) check(ctx context.Context, method string) error {
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get("authorization")
	var presented string
	if len(vals) == 1 {
		scheme, tok, ok := strings.Cut(vals[0], " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			presented = strings.TrimSpace(tok)
		}
	}
	if presented == "" {
		a.deny(ctx, method, "missing bearer token")
		return status.Error(codes.Unauthenticated, "missing bearer token (authorization: Bearer <token>)")
	}
	sum := sha256.Sum256([]byte(presented))
	if subtle.ConstantTimeCompare(sum[:], a.sum.Load()[:]) != 1 {
		a.deny(ctx, method, "wrong bearer token")
		return status.Error(codes.Unauthenticated, "invalid bearer token")
	}
	return nil
}

func (a *tokenAuth) deny(ctx context.Context, method, why string) {
	remote := "unknown"
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		remote = p.Addr.String()
	}
	a.s.log.WithField("remote", remote).WithField("method", method).Warn("API call refused: " + why)
}

func (a *tokenAuth) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := a.check(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (a *tokenAuth) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if err := a.check(ss.Context(), info.FullMethod); err != nil {
		return err
	}
	return handler(srv, ss)
}
