package apiserver

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// WithCallObserver has fn called once per finished API call with its full
// method name and status code (for the rsguard_api_calls_total metric).
// fn must not block.
func WithCallObserver(fn func(method string, code codes.Code)) Option {
	return func(s *Server) { s.onCall = fn }
}

// callObserverOptions are the interceptors reporting to the observer. They
// are chained after authentication and the stream limits: calls refused
// there (Unauthenticated, ResourceExhausted) are not counted.
func (s *Server) callObserverOptions() []grpc.ServerOption {
	if s.onCall == nil {
		return nil
	}
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			resp, err := h(ctx, req)
			s.onCall(info.FullMethod, status.Code(err))
			return resp, err
		}),
		grpc.ChainStreamInterceptor(func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			err := h(srv, ss)
			s.onCall(info.FullMethod, status.Code(err))
			return err
		}),
	}
}
