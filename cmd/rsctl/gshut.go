package main

import (
	"context"
	"fmt"
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"
)

// peerShutdownCmd: `rsctl peer shutdown NAME [--graceful [--wait D]]`.
// Without --graceful it is `peer disable`; with it, the peer's routes are
// tagged GRACEFUL_SHUTDOWN (RFC 8326) toward the others, and the session
// ends after the wait with an RFC 8203 message.
func (a *app) peerShutdownCmd() *cobra.Command {
	var (
		message  string
		graceful bool
		wait     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "shutdown NAME",
		Short: "Shut a peer's session down; --graceful tags its routes GRACEFUL_SHUTDOWN first and waits",
		Args:  cobra.ExactArgs(1),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if !graceful && cmd.Flags().Changed("wait") {
				return usageErrorf("--wait needs --graceful")
			}
			return a.withConn(cmd.Context(), callLong, func(ctx context.Context, conn *grpc.ClientConn) error {
				c := rsguardv1.NewPeerServiceClient(conn)
				if !graceful {
					if _, err := c.DisablePeer(ctx, &rsguardv1.DisablePeerRequest{Name: args[0], Message: message}); err != nil {
						return err
					}
					return a.printAction(args[0], "disable", "disabled")
				}
				if !a.json {
					fmt.Fprintf(a.streams.Out, "peer %s: routes tagged GRACEFUL_SHUTDOWN, session ends in %s\n", args[0], wait)
				}
				req := &rsguardv1.GracefulShutdownRequest{Name: args[0], Wait: durationpb.New(wait), Message: message}
				if _, err := c.GracefulShutdown(ctx, req); err != nil {
					return err
				}
				return a.printAction(args[0], "graceful_shutdown", "shut down gracefully")
			})
		}),
	}
	cmd.Flags().StringVar(&message, "message", "", "shutdown communication sent to the peer (RFC 8203, at most 255 bytes)")
	cmd.Flags().BoolVar(&graceful, "graceful", false, "tag the peer's routes GRACEFUL_SHUTDOWN (RFC 8326) and wait before ending the session")
	cmd.Flags().DurationVar(&wait, "wait", 30*time.Second, "with --graceful: time between tagging and ending the session")
	return cmd
}

// shutdownCmd: `rsctl shutdown --graceful [--undo]` tags every route the
// route server announces, for its own maintenance; stop the daemon when
// the clients have moved their traffic.
func (a *app) shutdownCmd() *cobra.Command {
	var graceful, undo bool
	cmd := &cobra.Command{
		Use:   "shutdown --graceful [--undo]",
		Short: "Tag every route the route server announces GRACEFUL_SHUTDOWN (RFC 8326) before its maintenance",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if !graceful {
				return usageErrorf("shutdown: only --graceful is supported (stop the daemon itself with SIGTERM)")
			}
			return a.withConn(cmd.Context(), callLong, func(ctx context.Context, conn *grpc.ClientConn) error {
				if _, err := rsguardv1.NewPeerServiceClient(conn).GracefulShutdown(ctx, &rsguardv1.GracefulShutdownRequest{Undo: undo}); err != nil {
					return err
				}
				action, human := "graceful_shutdown", "every route tagged GRACEFUL_SHUTDOWN; stop rsguard once traffic has moved"
				if undo {
					action, human = "graceful_shutdown_undo", "GRACEFUL_SHUTDOWN tag lifted"
				}
				if a.json {
					return a.printer().object(actionJSON{Peer: "", Action: action, OK: true})
				}
				_, err := fmt.Fprintf(a.streams.Out, "route server: %s\n", human)
				return err
			})
		}),
	}
	cmd.Flags().BoolVar(&graceful, "graceful", false, "tag every route GRACEFUL_SHUTDOWN (RFC 8326)")
	cmd.Flags().BoolVar(&undo, "undo", false, "lift the tag again")
	return cmd
}
