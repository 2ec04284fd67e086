package main

import (
	"context"
	"fmt"
	"io"

	"github.com/rsguard/rsguard/apiconv"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// configErrorJSON names the place of one config problem.
type configErrorJSON struct {
	File    string `json:"file"`
	Line    uint32 `json:"line"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

func toConfigErrorsJSON(errs []*rsguardv1.ConfigError) []configErrorJSON {
	out := make([]configErrorJSON, 0, len(errs))
	for _, e := range errs {
		out = append(out, configErrorJSON{File: e.GetFile(), Line: e.GetLine(), Key: e.GetKey(), Message: e.GetMessage()})
	}
	return out
}

// configErrorText renders "rs.toml:42: key: message" like the daemon logs it.
func configErrorText(e *rsguardv1.ConfigError) string {
	return apiconv.ConfigError{File: e.GetFile(), Line: int(e.GetLine()), Key: e.GetKey(), Message: e.GetMessage()}.Error()
}

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check or reload the daemon's configuration",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return usageErrorf("config: missing subcommand (check, reload)") },
	}
	cmd.AddCommand(a.configCheckCmd(), a.configReloadCmd())
	return cmd
}

type checkJSON struct {
	Path   string            `json:"path"`
	OK     bool              `json:"ok"`
	Errors []configErrorJSON `json:"errors"`
	Plan   []string          `json:"plan"` // what a reload of the file would do
}

func (a *app) configCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check [PATH]",
		Short: "Validate a config file on the server (default: the running one) and show what a reload would do; exit 1 if it would be refused",
		Args:  cobra.MaximumNArgs(1),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			req := &rsguardv1.CheckConfigRequest{}
			if len(args) == 1 {
				req.Path = args[0]
			}
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				resp, err := rsguardv1.NewConfigServiceClient(conn).CheckConfig(ctx, req)
				if err != nil {
					return err
				}
				n := len(resp.GetErrors())
				if a.json {
					if err := a.printer().object(checkJSON{Path: resp.GetPath(), OK: n == 0, Errors: toConfigErrorsJSON(resp.GetErrors()),
						Plan: append([]string{}, resp.GetPlan()...)}); err != nil {
						return err
					}
				} else {
					for _, e := range resp.GetErrors() {
						fmt.Fprintln(a.streams.Out, configErrorText(e))
					}
					printPlan(a.streams.Out, resp.GetPlan(), n == 0)
					if n == 0 {
						fmt.Fprintf(a.streams.Out, "%s: configuration OK\n", resp.GetPath())
					}
				}
				if n > 0 {
					return fmt.Errorf("%s: %d error(s)", resp.GetPath(), n)
				}
				return nil
			})
		}),
	}
}

// printPlan lists what a reload would do, one change a line.
func printPlan(w io.Writer, plan []string, ok bool) {
	switch {
	case len(plan) == 0 && ok:
		fmt.Fprintln(w, "a reload would change nothing")
	case len(plan) > 0:
		fmt.Fprintln(w, "a reload would:")
		for _, l := range plan {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

type reloadJSON struct {
	Path    string            `json:"path"`
	Applied bool              `json:"applied"`
	Errors  []configErrorJSON `json:"errors"`
	Changes []string          `json:"changes"`
}

func (a *app) configReloadCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reload",
		Short: "Reload the running config atomically; on any error the old one stays (exit 1)",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return a.withConn(cmd.Context(), callLong, func(ctx context.Context, conn *grpc.ClientConn) error {
				stop := a.progress().spin("reloading configuration")
				resp, err := rsguardv1.NewConfigServiceClient(conn).ReloadConfig(ctx, &rsguardv1.ReloadConfigRequest{})
				stop()
				if err != nil {
					return err
				}
				if a.json {
					if err := a.printer().object(reloadJSON{Path: resp.GetPath(), Applied: resp.GetApplied(),
						Errors: toConfigErrorsJSON(resp.GetErrors()), Changes: append([]string{}, resp.GetChanges()...)}); err != nil {
						return err
					}
				} else {
					for _, e := range resp.GetErrors() {
						fmt.Fprintln(a.streams.Out, configErrorText(e))
					}
					for _, c := range resp.GetChanges() {
						fmt.Fprintln(a.streams.Out, c)
					}
					if resp.GetApplied() {
						fmt.Fprintf(a.streams.Out, "%s: reloaded (%d change(s))\n", resp.GetPath(), len(resp.GetChanges()))
					}
				}
				if !resp.GetApplied() {
					return fmt.Errorf("%s: not reloaded, %d error(s); the running config is unchanged", resp.GetPath(), len(resp.GetErrors()))
				}
				return nil
			})
		}),
	}
}
