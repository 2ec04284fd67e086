package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/spf13/cobra"
)

func newRunCommand() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "run -c FILE",
		Short: "Run the route server",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(path)
			if err != nil {
				return err
			}
			log := newLogger(cfg.Log)
			if err := os.MkdirAll(cfg.Global.StateDir, 0o750); err != nil {
				return fmt.Errorf("state_dir: %w", err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			rs := routeserver.New(cfg, routeserver.Options{Logger: log})
			if err := rs.Start(ctx); err != nil {
				return err
			}
			<-ctx.Done()
			log.Info("shutting down: sending Cease to every peer")
			rs.Stop()
			return nil
		},
	}
	cmd.Flags().StringVarP(&path, "config", "c", "/etc/rsguard/rsguard.toml", "config file")
	return cmd
}
