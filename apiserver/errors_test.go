package apiserver

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestToStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code codes.Code
		msg  string
	}{
		{"not found", fmt.Errorf("peer %q: %w", "x", ErrNotFound), codes.NotFound, `peer "x": not found`},
		{"invalid", fmt.Errorf("prefix: %w", ErrInvalidArgument), codes.InvalidArgument, "prefix: invalid argument"},
		{"precondition", fmt.Errorf("peer is up: %w", ErrFailedPrecondition), codes.FailedPrecondition, "peer is up: failed precondition"},
		{"deeply wrapped", fmt.Errorf("a: %w", fmt.Errorf("b: %w", ErrNotFound)), codes.NotFound, "a: b: not found"},
		{"joined", errors.Join(errors.New("x"), ErrInvalidArgument), codes.InvalidArgument, "x\ninvalid argument"},
		{"plain", errors.New("boom"), codes.Internal, "boom"},
		{"canceled", fmt.Errorf("walk: %w", context.Canceled), codes.Canceled, "walk: context canceled"},
		{"deadline", context.DeadlineExceeded, codes.DeadlineExceeded, "context deadline exceeded"},
		{"status passes", status.Error(codes.Unavailable, "later"), codes.Unavailable, "later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, ok := status.FromError(toStatus(tt.err))
			if !ok || st.Code() != tt.code || st.Message() != tt.msg {
				t.Errorf("toStatus(%v) = %v %q, want %v %q", tt.err, st.Code(), st.Message(), tt.code, tt.msg)
			}
		})
	}
	if toStatus(nil) != nil {
		t.Error("toStatus(nil) != nil")
	}
}
