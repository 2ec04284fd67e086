package main

import (
	"errors"
	"fmt"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/daemon"
	"github.com/spf13/cobra"
)

func newCheckCommand() *cobra.Command {
	var path string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "check -c FILE",
		Short: "Validate a config file and print every error (exit 1 if any) and warning (exit 0)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(path)
			if err != nil {
				var errs *config.Errors
				if errors.As(err, &errs) {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					return fmt.Errorf("%s: %d error(s)", path, len(errs.List))
				}
				return err
			}
			// What `run` would refuse beyond the file itself (token, TLS
			// files, directories, IRR): the same function run calls.
			if errs := daemon.Preflight(cfg); len(errs) > 0 {
				for _, e := range errs {
					fmt.Fprintln(cmd.ErrOrStderr(), e)
				}
				return fmt.Errorf("%s: %d error(s): rsguard run would refuse it", path, len(errs))
			}
			if verbose {
				out, err := cfg.NormalizedTOML()
				if err != nil {
					return err
				}
				cmd.OutOrStdout().Write(out)
			}
			// Warnings go with errors on stderr but do not fail the check:
			// the config is valid, it just cannot do what it looks meant to.
			warnings := cfg.Warnings()
			for _, w := range warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), w)
			}
			if len(warnings) > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: OK (%d peers, %d warnings)\n", path, len(cfg.Peers), len(warnings))
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: OK (%d peers)\n", path, len(cfg.Peers))
			return nil
		},
	}
	cmd.Flags().StringVarP(&path, "config", "c", "/etc/rsguard/rsguard.toml", "config file")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print the normalized config (passwords redacted)")
	return cmd
}
