// Command rsbench benchmarks route servers against real BIRD clients:
// rsguard, BIRD 2, gobgpd and OpenBGPD, each with equivalent per-peer
// prefix filters generated from one scenario. See the README section
// "Performance benchmark" and internal/rsbench.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/rsguard/rsguard/internal/rsbench"
)

func main() {
	os.Exit(run())
}

func run() int {
	var (
		servers  = flag.String("servers", "rsguard,bird,gobgpd,openbgpd", "route servers to compare, comma-separated")
		size     = flag.String("size", "medium", "medium (10x10000), large (3x300000), ixp (60x2000), skewed (4x20000+100x200) or custom")
		peers    = flag.Int("peers", 3, "clients, with -size custom")
		routes   = flag.Int("routes", 2000, "routes per client, with -size custom")
		runs     = flag.Int("runs", 3, "runs per server, in alternating order")
		asJSON   = flag.Bool("json", false, "print every result as JSON instead of the table")
		timeout  = flag.Duration("phase-timeout", 0, "bound on each phase of a run (0: 30s + 20µs per route delivery)")
		keep     = flag.Bool("keep", false, "keep the work directory (configs, logs) instead of removing it")
		profile  = flag.String("profile", "", "directory for rsguard's CPU profiles (converge, withdraw: one each), heap at convergence and allocations (go tool pprof)")
		rsguard  = flag.String("rsguard", "", "rsguard binary (default: built from this module)")
		gobgpd   = flag.String("gobgpd", "", "gobgpd binary (default: PATH, then .bin/bench/gobgpd)")
		bgpd     = flag.String("bgpd", "", "OpenBGPD bgpd binary (default: /usr/sbin/bgpd)")
		leakTest = flag.Bool("inject-leak", false, "open a hole in one client's filter, to see the leak check fail")
	)
	flag.Parse()
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "rsbench: -runs must be at least 1")
		return 2
	}
	list, err := rsbench.ParseServers(*servers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsbench:", err)
		return 2
	}
	sc, err := rsbench.NewScenario(*size, *peers, *routes)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsbench:", err)
		return 2
	}
	if *leakTest {
		p, err := sc.InjectLeak()
		if err != nil {
			fmt.Fprintln(os.Stderr, "rsbench:", err)
			return 2
		}
		fmt.Fprintf(os.Stderr, "rsbench: -inject-leak: every route server will accept %s\n", p)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	dir, err := os.MkdirTemp("", "rsbench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsbench:", err)
		return 1
	}
	if *keep {
		fmt.Fprintf(os.Stderr, "rsbench: work directory %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	root, _ := os.Getwd()
	bins, err := rsbench.FindBins(ctx, root, dir, *rsguard, *gobgpd, *bgpd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsbench:", err)
		return 1
	}
	all, valid := sc.TotalRoutes()
	host, _ := os.Hostname()
	fmt.Fprintf(os.Stderr, "rsbench: %s: %d clients, %d routes (%d valid), %d runs; %s, %d CPUs, %s\n",
		sc.Name, len(sc.Peers), all, valid, *runs, host, runtime.NumCPU(), time.Now().UTC().Format(time.RFC3339))
	if *profile != "" {
		if err := os.MkdirAll(*profile, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "rsbench:", err)
			return 1
		}
	}
	opt := rsbench.Options{Bins: bins, Dir: dir, PhaseTimeout: *timeout, Log: os.Stderr, ProfileDir: *profile}
	results := rsbench.Bench(ctx, sc, list, *runs, opt)
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"scenario": sc.Name, "clients": len(sc.Peers), "routes": all, "valid": valid, "results": results}); err != nil {
			fmt.Fprintln(os.Stderr, "rsbench:", err)
			return 1
		}
	} else {
		rsbench.PrintTable(os.Stdout, list, results)
	}
	for i := range results {
		if !results[i].OK() {
			return 1
		}
	}
	if ctx.Err() != nil {
		return 1
	}
	return 0
}
