package main

import (
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc/status"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the call failed or reported failure
	exitUsage   = 2 // the command line was wrong
)

// exitError carries the exit code for an error. Errors cobra makes itself
// (unknown command, bad flag, wrong argument count) have none and count as
// usage errors.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// failure marks err as a failed operation (exit 1), keeping a usage error
// a usage error.
func failure(err error) error {
	var ee *exitError
	if err == nil || errors.As(err, &ee) {
		return err
	}
	return &exitError{code: exitFailure, err: err}
}

// reportError prints err as one line and returns the exit code. gRPC errors
// read "rsctl: NotFound: peer "x": not found".
func reportError(w io.Writer, err error) int {
	code := exitUsage
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if st, ok := status.FromError(errors.Unwrap(err)); ok && st != nil && code == exitFailure {
		fmt.Fprintf(w, "rsctl: %s: %s\n", st.Code(), st.Message())
		return code
	}
	fmt.Fprintf(w, "rsctl: %v\n", err)
	if code == exitUsage {
		fmt.Fprintln(w, "Run 'rsctl --help' for usage.")
	}
	return code
}
