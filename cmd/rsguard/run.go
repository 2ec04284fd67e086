package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/daemon"
	"github.com/spf13/cobra"
)

func newRunCommand() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "run -c FILE",
		Short: "Run the route server (SIGHUP reloads the config, SIGTERM/SIGINT stop it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(path)
			if err != nil {
				return err
			}
			if errs := daemon.Preflight(cfg); len(errs) > 0 {
				return errors.Join(errs...)
			}
			log := newLogger(cfg.Log)
			if err := startPprof(log); err != nil {
				return err
			}
			d, err := daemon.New(path, cfg, log)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			go func() {
				for {
					select {
					case <-ctx.Done():
						return
					case <-hup:
						log.Info("SIGHUP: reloading the config")
						if res, err := d.ReloadConfig(ctx); err == nil && !res.Applied {
							for _, e := range res.Errors {
								log.Error(e.Error())
							}
						}
					}
				}
			}()
			return d.Run(ctx)
		},
	}
	cmd.Flags().StringVarP(&path, "config", "c", "/etc/rsguard/rsguard.toml", "config file")
	return cmd
}
