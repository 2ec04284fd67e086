package apiserver

import (
	"context"
	"errors"

	"github.com/rsguard/rsguard/apiconv"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Sentinels a Backend wraps with %w so the client gets a precise code.
var (
	ErrNotFound           = errors.New("not found")
	ErrInvalidArgument    = apiconv.ErrInvalidArgument // one value: conversions wrap it too
	ErrFailedPrecondition = errors.New("failed precondition")
)

// toStatus maps a backend or handler error to a gRPC status error, keeping
// the full message. Errors that already are statuses pass unchanged.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	return status.Error(codeOf(err), err.Error())
}

func codeOf(err error) codes.Code {
	switch {
	case errors.Is(err, ErrNotFound):
		return codes.NotFound
	case errors.Is(err, ErrInvalidArgument):
		return codes.InvalidArgument
	case errors.Is(err, ErrFailedPrecondition):
		return codes.FailedPrecondition
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	}
	return codes.Internal
}
