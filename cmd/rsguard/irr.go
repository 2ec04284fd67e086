package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/irr"
	"github.com/rsguard/rsguard/irrsync"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
)

func init() { extraCommands = append(extraCommands, newIRRCommand) }

// newIRRCommand groups the IRR tools: a whois server over local dumps and
// an expander that prints what an AS-SET resolves to.
func newIRRCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "irr",
		Short: "IRR tools: serve RPSL dumps over whois, expand AS-SETs",
	}
	cmd.AddCommand(newIRRServeCommand(), newIRRExpandCommand())
	return cmd
}

func newIRRServeCommand() *cobra.Command {
	var listen string
	var maxConns int
	cmd := &cobra.Command{
		Use:   "serve [--listen 127.0.0.1:4343] FILE...",
		Short: "Serve RPSL dump files (plain or .gz) with the IRRd whois protocol (bgpq4 -h host:port works)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			log := logrus.New()
			log.SetOutput(cmd.ErrOrStderr())
			log.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
			entry := log.WithField("component", "irr-server")
			db, err := irr.LoadFiles(files...)
			if err != nil {
				return err
			}
			for _, w := range db.Warnings {
				entry.WithFields(logrus.Fields{"file": w.File, "line": w.Line}).Warn(w.Msg)
			}
			entry.WithFields(logrus.Fields{"objects": db.Counts(), "sources": strings.Join(db.Sources(), ","), "warnings": len(db.Warnings)}).Info("loaded RPSL")
			srv := irr.NewServer(db, irr.ServerOptions{MaxConns: maxConns, Logf: func(f string, a ...any) { entry.Warnf(f, a...) }})
			addr, err := srv.Listen(listen)
			if err != nil {
				return err
			}
			entry.WithField("listen", addr.String()).Info("whois server running")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			err = srv.Serve(ctx)
			entry.Info("whois server stopped")
			return err
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:4343", "address to listen on")
	cmd.Flags().IntVar(&maxConns, "max-conns", 64, "maximum concurrent connections")
	return cmd
}

type expandFlags struct {
	config     string
	ipv6       bool
	jsonOut    bool
	servers    []string
	sources    []string
	files      []string
	maxLength  int
	keepBogons bool
	timeout    time.Duration
}

func newIRRExpandCommand() *cobra.Command {
	var f expandFlags
	cmd := &cobra.Command{
		Use:   "expand AS-SET|ASN [-c CONFIG | --server ADDR... --file DUMP...]",
		Short: "Expand an AS-SET or ASN into origins and prefixes, against the registry the daemon uses",
		Long: `Expand an AS-SET or ASN into origins and prefixes against the registry the
daemon uses: whois servers (tried in order) and local dumps read as one
(a set from the first that has it, route objects from all; any part
failing fails the expansion). -c takes [irr] servers, sources, files and
query_timeout from a config file; else --server/--source/--file say them.
"RIPE::AS-FOO" pins the expansion to one IRR source. An AS-SET that no
part of the registry has is an error (exit status 1).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIRRExpand(cmd.Context(), cmd.OutOrStdout(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.config, "config", "c", "", "take [irr] servers, sources and files from this config file, as the daemon does")
	fl.BoolVar(&f.ipv6, "ipv6", false, "print IPv6 prefixes instead of IPv4")
	fl.BoolVar(&f.jsonOut, "json", false, "print JSON")
	fl.StringSliceVar(&f.servers, "server", nil, "whois server host:port, tried in order (repeatable)")
	fl.StringSliceVar(&f.sources, "source", nil, "IRR source in priority order (repeatable), e.g. RIPE")
	fl.StringSliceVar(&f.files, "file", nil, "RPSL dump (plain or .gz), read after the servers (repeatable)")
	fl.IntVar(&f.maxLength, "max-length", 0, "aggregate like bgpq4 -A -R N (0: exact prefixes)")
	fl.BoolVar(&f.keepBogons, "keep-bogon-asns", false, "keep private/reserved ASNs found in the set")
	fl.DurationVar(&f.timeout, "timeout", 2*time.Minute, "overall time limit")
	return cmd
}

func runIRRExpand(ctx context.Context, out io.Writer, target string, f expandFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	irrCfg, err := f.registry()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	var db *irr.DB
	if len(irrCfg.Files) > 0 {
		if db, err = irr.LoadFiles(irrCfg.Files...); err != nil {
			return err
		}
	}
	pinned, name := irrsync.SplitTarget(target)
	src, client := irrsync.Registry(irrCfg, db, pinned, 0)
	if client != nil {
		defer client.Close()
	}
	if err := requireSet(ctx, src, name); err != nil {
		return err
	}
	opts := irr.ExpandOptions{NoIPv4: f.ipv6, NoIPv6: !f.ipv6, KeepBogonASNs: f.keepBogons}
	if f.maxLength > 0 {
		opts.Aggregate = true
		if f.ipv6 {
			opts.MaxLength6 = f.maxLength
		} else {
			opts.MaxLength4 = f.maxLength
		}
	}
	res, err := irr.Expand(ctx, src, name, opts)
	if err != nil {
		return err
	}
	res.Target = target
	if f.jsonOut {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return printExpandText(out, res, f.ipv6)
}

// registry returns the [irr] settings to expand with: those of the config
// file given with -c (loaded and validated as the daemon loads it), or the
// flags.
func (f expandFlags) registry() (config.IRR, error) {
	if f.config == "" {
		if len(f.servers) == 0 && len(f.files) == 0 {
			return config.IRR{}, fmt.Errorf("irr expand: give -c CONFIG, or at least one --server or --file")
		}
		return config.IRR{Servers: f.servers, Sources: f.sources, Files: f.files}, nil
	}
	if len(f.servers)+len(f.sources)+len(f.files) > 0 {
		return config.IRR{}, fmt.Errorf("irr expand: -c takes servers, sources and files from %s; --server, --source and --file cannot be added to it", f.config)
	}
	cfg, err := config.Load(f.config)
	if err != nil {
		return config.IRR{}, err
	}
	if len(cfg.IRR.Servers) == 0 && len(cfg.IRR.Files) == 0 {
		return config.IRR{}, fmt.Errorf("irr expand: %s: [irr] lists no servers and no files", f.config)
	}
	return cfg.IRR, nil
}

// requireSet fails when name is a set (not an ASN) that no part of the
// registry has: an expansion of a missing set is empty, which a script
// must not mistake for a set without members.
func requireSet(ctx context.Context, src irr.Source, name string) error {
	if _, err := irr.ParseASN(name); err == nil {
		return nil
	}
	found, err := src.SetMembers(ctx, []string{name})
	if err != nil {
		return err
	}
	if _, ok := found[strings.ToUpper(name)]; !ok {
		srcs, _ := src.Sources(ctx)
		return fmt.Errorf("irr expand: set %s not found (sources %s)", strings.ToUpper(name), strings.Join(srcs, ","))
	}
	return nil
}

func printExpandText(out io.Writer, res *irr.Result, v6 bool) error {
	prefixes, family := res.IPv4, "IPv4"
	if v6 {
		prefixes, family = res.IPv6, "IPv6"
	}
	asns := make([]string, len(res.Origins))
	for i, a := range res.Origins {
		asns[i] = irr.FormatASN(a)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "target:     %s\n", res.Target)
	fmt.Fprintf(&b, "sources:    %s\n", strings.Join(res.Sources, ","))
	fmt.Fprintf(&b, "fetched at: %s\n", res.FetchedAt.Format(time.RFC3339))
	fmt.Fprintf(&b, "origins:    %d: %s\n", len(asns), strings.Join(asns, " "))
	fmt.Fprintf(&b, "%s prefixes: %d\n", family, len(prefixes))
	for _, p := range prefixes {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	_, err := io.WriteString(out, b.String())
	return err
}
