// Command rsctl controls a running rsguard route server over its gRPC API:
// by default through the daemon's unix socket, or over TCP with TLS and a
// bearer token. Every leaf command calls exactly one RPC. Output is a human
// table, or JSON with stable snake_case keys with --json.
//
// Exit status: 0 success, 1 the call failed (printed as
// "rsctl: <code>: <message>"), 2 usage error.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := NewRootCommand(Streams{Out: os.Stdout, Err: os.Stderr, ErrIsTerminal: isTerminal(os.Stderr)})
	code := Execute(ctx, root)
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device, which is what a
// terminal is; good enough to decide whether to draw progress.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
