package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/internal/buildinfo"
	"github.com/rsguard/rsguard/internal/clihelp"
	"github.com/spf13/cobra"
)

// Streams are where rsctl writes. ErrIsTerminal turns on progress display
// (on Err) for long operations.
type Streams struct {
	Out, Err      io.Writer
	ErrIsTerminal bool
}

// app holds the global flags and streams every command shares; commands
// get it explicitly rather than through package globals.
type app struct {
	streams Streams

	socket    string
	addr      string
	tokenFile string
	caFile    string
	timeout   time.Duration
	json      bool
}

// NewRootCommand builds the whole command tree. Tests run it in-process
// with SetArgs and their own Streams.
func NewRootCommand(s Streams) *cobra.Command {
	a := &app{streams: s}
	root := &cobra.Command{
		Use:   "rsctl",
		Short: "Control a running rsguard route server",
		Long: "rsctl talks to rsguard's gRPC API: by default over the daemon's unix socket,\n" +
			"or with --addr over TCP with TLS and a bearer token (--token-file, --ca).",
		SilenceErrors: true,
		SilenceUsage:  true,
		// `rsctl completion bash|zsh|fish|powershell` (cobra's own).
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
		Version:           buildinfo.Version(),
	}
	root.SetVersionTemplate("rsctl {{.Version}}\n")
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	pf := root.PersistentFlags()
	pf.StringVar(&a.socket, "socket", defaultSocket(), "unix socket of the daemon (default from $"+socketEnv+" when set)")
	pf.StringVar(&a.addr, "addr", "", "host:port of the daemon's TCP listener (TLS; needs --token-file)")
	pf.StringVar(&a.tokenFile, "token-file", "", "file holding the bearer token for --addr")
	pf.StringVar(&a.caFile, "ca", "", "PEM CA certificate to verify the server with --addr (default: system roots)")
	pf.DurationVar(&a.timeout, "timeout", 0, "deadline per call (default 30s, 10m for refreshes and reloads; events never time out)")
	pf.BoolVar(&a.json, "json", false, "print JSON with snake_case keys instead of tables")

	root.AddCommand(
		a.peersCmd(), a.peerCmd(),
		a.routesCmd(), a.rejectedCmd(), a.explainCmd(),
		a.irrCmd(),
		a.dampenedCmd(), a.dampeningCmd(),
		a.configCmd(),
		a.eventsCmd(),
		a.aclCmd(),
		a.shutdownCmd(),
		a.rpkiCmd(),
	)
	clihelp.Apply(root, helpTexts) // help.go
	return root
}

// Execute runs root with ctx (cancelled on Ctrl-C), prints any error as one
// line on the error stream and returns the exit code.
func Execute(ctx context.Context, root *cobra.Command) int {
	if err := root.ExecuteContext(ctx); err != nil {
		return reportError(root.ErrOrStderr(), err)
	}
	return exitOK
}

// run adapts a command body: errors it returns are operation failures
// (exit 1) unless they are marked as usage errors.
func run(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		return failure(fn(cmd, args))
	}
}

// callKind picks the default deadline of a command.
type callKind int

const (
	callQuick  callKind = iota // queries and small writes
	callLong                   // IRR refresh, config reload
	callFollow                 // events: until the user stops it
)

func (a *app) callContext(parent context.Context, kind callKind) (context.Context, context.CancelFunc) {
	var d time.Duration
	switch kind {
	case callQuick:
		d = 30 * time.Second
	case callLong:
		d = 10 * time.Minute
	case callFollow:
		return context.WithCancel(parent)
	}
	if a.timeout > 0 {
		d = a.timeout
	}
	return context.WithTimeout(parent, d)
}

// socketEnv names the variable that moves rsctl's default socket, for
// hosts that run the daemon elsewhere than /run/rsguard.
const socketEnv = "RSGUARD_SOCKET"

func defaultSocket() string {
	if s := os.Getenv(socketEnv); s != "" {
		return s
	}
	return config.DefaultSocket
}
