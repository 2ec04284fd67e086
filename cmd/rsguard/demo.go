package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/configs"
	"github.com/rsguard/rsguard/daemon"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/rsguard/rsguard/routestore"
	"github.com/spf13/cobra"
)

func newDemoCommand() *cobra.Command {
	var duration time.Duration
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the route server on an embedded config with in-process peers (no setup, no Internet)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			if duration > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, duration)
				defer cancel()
			}
			return runDemo(ctx, cmd.OutOrStdout(), duration == 0)
		},
	}
	cmd.Flags().DurationVar(&duration, "duration", 0, "stop after this long (default: run until Ctrl-C)")
	return cmd
}

// demoConfig writes the embedded demo config into dir, with its state and
// control socket moved there, and loads it.
func demoConfig(dir string) (string, *config.Config, error) {
	text := strings.NewReplacer(
		`state_dir = "/tmp/rsguard-demo"`, fmt.Sprintf("state_dir = %q", dir),
		`socket = "/tmp/rsguard-demo/rsguard.sock"`, fmt.Sprintf("socket = %q", filepath.Join(dir, "rsguard.sock")),
	).Replace(string(configs.Demo))
	path := filepath.Join(dir, "demo.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", nil, err
	}
	cfg, err := config.Load(path)
	return path, cfg, err
}

func runDemo(ctx context.Context, out io.Writer, interactive bool) error {
	dir, err := os.MkdirTemp("", "rsguard-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path, cfg, err := demoConfig(dir)
	if err != nil {
		return err
	}
	d, err := daemon.New(path, cfg, newLogger(cfg.Log))
	if err != nil {
		return err
	}
	runCtx, stopDaemon := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- d.Run(runCtx) }()
	// Shut down in order: the route server sends Cease to every session
	// first, then the demo peers go away.
	var peers []func()
	defer func() {
		stopDaemon()
		<-runErr
		for _, stop := range peers {
			stop()
		}
	}()
	select {
	case <-d.Ready():
	case err := <-runErr:
		runErr <- err
		return fmt.Errorf("demo route server: %w", err)
	}
	rs := d.RouteServer()
	g := cfg.Global
	fmt.Fprintf(out, "rsguard demo: route server AS%d on %s port %d, %d peers, TCP-MD5 on every session\n\n",
		g.ASN, g.ListenAddresses[0], g.ListenPort, len(cfg.Peers))

	peerCfg := func(name string) routeserver.SpeakerConfig {
		p, _ := cfg.Peer(name)
		return routeserver.SpeakerConfig{ASN: p.ASN, RouterID: p.Address.String(), Address: p.Address.String(),
			RSAddr: g.ListenAddresses[0].String(), RSPort: int(g.ListenPort), RSASN: g.ASN, Password: p.Password}
	}
	b, err := routeserver.StartSpeaker(ctx, peerCfg("isp-b"), nil)
	if err != nil {
		return err
	}
	peers = append(peers, b.Stop)
	if err := b.WaitEstablished(ctx, 20*time.Second); err != nil {
		return err
	}
	for _, a := range ispB {
		if err := b.Announce(ctx, a.route); err != nil {
			return err
		}
	}
	sent := len(ispB)
	for _, name := range []string{"transit-a", "cdn-c"} {
		routes := map[string][]demoAnnouncement{"transit-a": transitA, "cdn-c": cdnC}[name]
		rp, err := routeserver.DialRawPeer(ctx, peerCfg(name))
		if err != nil {
			return fmt.Errorf("demo peer %s: %w", name, err)
		}
		peers = append(peers, rp.Close)
		for _, a := range routes {
			if err := rp.Announce(a.route); err != nil {
				return err
			}
		}
		sent += len(routes)
	}
	// Wait (bounded) until the route server has seen every announcement.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && storeTotal(rs.Store()) < sent {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // propagation to isp-b
	printDemoReport(ctx, out, rs, b)
	if interactive {
		fmt.Fprintf(out, "\nThe route server keeps running; ask it while it does, e.g.\n"+
			"  go run ./cmd/rsctl --socket %[1]s peers\n"+
			"  go run ./cmd/rsctl --socket %[1]s rejected --json\n"+
			"  go run ./cmd/rsctl --socket %[1]s explain 45.1.9.0/24 --peer transit-a --as-path \"21001 21011\"\n"+
			"Press Ctrl-C to stop.\n", d.SocketPath())
	}
	<-ctx.Done()
	fmt.Fprintln(out, "demo finished: closing every session with a Cease notification")
	return nil
}

func storeTotal(s *routestore.Store) int {
	n := 0
	for _, p := range s.Peers() {
		n += s.Counts(p).Received
	}
	return n
}

func printDemoReport(ctx context.Context, out io.Writer, rs *routeserver.Server, b *routeserver.Speaker) {
	for _, p := range rs.Peers() {
		fmt.Fprintf(out, "== %s (AS%d, %s) session %s: %d received, %d accepted, %d rejected\n",
			p.Name, p.ASN, p.Address, p.State, p.Counts.Received, p.Counts.Accepted, p.Counts.Rejected)
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  VERDICT\tPREFIX\tAS PATH\tNEXT HOP\tREASONS")
		rs.Store().List(routestore.Query{Peer: p.Name}, func(e routestore.Entry) bool {
			verdict, reasons := "accept", ""
			if !e.Verdict.Accepted() {
				verdict, reasons = "REJECT", formatReasons(e.Verdict)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", verdict, e.Key.Prefix, e.Route.ASPath, e.Route.NextHop, reasons)
			return true
		})
		tw.Flush()
		fmt.Fprintln(out)
	}
	got, err := b.Received(ctx)
	if err != nil {
		return
	}
	fmt.Fprintf(out, "== what isp-b received from the route server (%d routes: AS path and next hop unchanged, no AS21000)\n", len(got))
	for _, r := range got {
		fmt.Fprintf(out, "  %-20s path %-14s next hop %s\n", r.Prefix, r.ASPath, r.NextHop)
	}
}

func formatReasons(v filters.Verdict) string {
	parts := make([]string, 0, len(v.Rejections))
	for _, r := range v.Rejections {
		parts = append(parts, fmt.Sprintf("%d %s: %s", r.Reason, r.Reason.Name(), r.Detail))
	}
	return strings.Join(parts, "; ")
}
