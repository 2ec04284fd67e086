package rsbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options are what one benchmark run needs besides the scenario.
type Options struct {
	Bins Bins
	Dir  string // scratch directory; each run gets a subdirectory
	// PhaseTimeout bounds every phase (start, establish, converge,
	// withdraw) separately; 0 derives it from the scenario's size.
	PhaseTimeout time.Duration
	Log          io.Writer
	// ProfileDir, when set, receives rsguard's CPU profiles of the
	// converge and withdraw phases (one each) and its heap at convergence
	// (profile.go).
	ProfileDir string
}

// Result is one route server's measurements in one run.
type Result struct {
	Server string `json:"server"`
	Run    int    `json:"run"`
	// ConvergeSeconds: from enabling every client's routes at once until
	// the last client holds all its expected routes.
	ConvergeSeconds float64 `json:"converge_s"`
	// WithdrawSeconds: from withdrawing every route at once until the last
	// client holds none from the route server.
	WithdrawSeconds float64 `json:"withdraw_s"`
	PeakRSSMiB      float64 `json:"peak_rss_mib"` // VmHWM of the route server's process tree
	CPUSeconds      float64 `json:"cpu_s"`        // utime+stime of that tree, start to end
	// UpdatesPerClient and WithdrawsPerClient are BIRD's "Import updates /
	// withdraws received" counters of each client's session, averaged:
	// routes announced or withdrawn by the route server, not messages.
	UpdatesPerClient   float64 `json:"updates_per_client"`
	WithdrawsPerClient float64 `json:"withdraws_per_client"`
	Check              Check   `json:"check"`
	Error              string  `json:"error,omitempty"`
}

// OK says whether the run finished and every client held exactly the
// valid routes.
func (r *Result) OK() bool { return r.Error == "" && r.Check.OK() }

// phaseTimeout is the explicit timeout or 30 s plus 20 µs per route
// delivery (each valid route to each other client).
func (o *Options) phaseTimeout(s *Scenario) time.Duration {
	if o.PhaseTimeout > 0 {
		return o.PhaseTimeout
	}
	_, valid := s.TotalRoutes()
	return 30*time.Second + time.Duration(valid*len(s.Peers))*20*time.Microsecond
}

func (o *Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// RunOne runs daemon d against fresh client BIRDs once. Every process it
// starts is stopped before it returns, whatever happened.
func RunOne(ctx context.Context, s *Scenario, d *Daemon, opt Options, run int) Result {
	res := Result{Server: d.Name, Run: run}
	timeout := opt.phaseTimeout(s)
	dir := filepath.Join(opt.Dir, fmt.Sprintf("run%d-%s", run, d.Name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		res.Error = err.Error()
		return res
	}
	var (
		rs      *proc
		clients []*client
	)
	defer func() {
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Add(1)
			go func() { defer wg.Done(); c.stop() }()
		}
		wg.Wait()
		rs.stop()
	}()
	fail := func(err error) Result {
		res.Error = err.Error()
		opt.logf("  %s run %d: %v (files in %s)", d.Name, run, err, dir)
		return res
	}

	conf, err := d.WriteConfig(s, dir)
	if err != nil {
		return fail(err)
	}
	prof := newProfiler(opt.ProfileDir, d.Name, run)
	rs, err = startProcEnv(d.Name, dir, prof.env(), d.Argv(opt.Bins, conf, dir)...)
	if err != nil {
		return fail(err)
	}
	if err := waitListening(ctx, rs, timeout); err != nil {
		return fail(fmt.Errorf("route server not listening: %w", err))
	}

	clients, err = startClients(opt.Bins, s, dir)
	if err != nil {
		return fail(err)
	}
	if err := waitAll(ctx, clients, rs, timeout, "sessions established", func(c *client) (bool, error) { return c.established() }); err != nil {
		return fail(err)
	}

	expected := make([]int, len(clients))
	for i := range clients {
		expected[i] = len(s.Expected(i))
	}
	prof.startCPU(ctx, opt)
	t0 := time.Now()
	if err := allClients(clients, "enable "+clientStatic); err != nil {
		return fail(err)
	}
	convErr := waitAll(ctx, clients, rs, timeout, "converged", func(c *client) (bool, error) {
		n, err := c.received()
		return n >= expected[indexOf(clients, c)], err
	})
	res.ConvergeSeconds = time.Since(t0).Seconds()
	prof.stopCPU(ctx, opt, "cpu-converge")
	prof.snapshot(ctx, opt, "heap", "heap-converged")
	// Check even after a timeout: the check says what is missing.
	res.Check = checkClients(s, clients, timeout)
	if convErr != nil {
		return fail(convErr)
	}
	var upd int64
	for _, c := range clients {
		u, _, err := c.importStats()
		if err != nil {
			return fail(err)
		}
		upd += u
	}

	prof.startCPU(ctx, opt)
	t1 := time.Now()
	if err := allClients(clients, "disable "+clientStatic); err != nil {
		return fail(err)
	}
	if err := waitAll(ctx, clients, rs, timeout, "withdrawn", func(c *client) (bool, error) {
		n, err := c.received()
		return n == 0, err
	}); err != nil {
		return fail(err)
	}
	res.WithdrawSeconds = time.Since(t1).Seconds()
	prof.stopCPU(ctx, opt, "cpu-withdraw")
	prof.snapshot(ctx, opt, "allocs", "allocs")
	var wd int64
	for _, c := range clients {
		_, w, err := c.importStats()
		if err != nil {
			return fail(err)
		}
		wd += w
	}
	res.UpdatesPerClient = float64(upd) / float64(len(clients))
	res.WithdrawsPerClient = float64(wd) / float64(len(clients))

	u, err := treeUsage(rs.pid())
	if err != nil {
		return fail(fmt.Errorf("route server usage: %w", err))
	}
	res.PeakRSSMiB = float64(u.PeakRSSKiB) / 1024
	res.CPUSeconds = u.CPUSeconds
	return res
}

func indexOf(cs []*client, c *client) int {
	for i := range cs {
		if cs[i] == c {
			return i
		}
	}
	return -1
}

// waitListening dials the route server's BGP port until it accepts. The
// dial comes from an address no session uses, so the server merely drops
// an unknown peer.
func waitListening(ctx context.Context, rs *proc, timeout time.Duration) error {
	d := net.Dialer{Timeout: time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 120, 0, 254)}}
	return poll(ctx, timeout, 50*time.Millisecond, func() (bool, error) {
		if err := rs.exited(); err != nil {
			return false, err
		}
		c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(RSAddr, "179"))
		if err != nil {
			return false, nil
		}
		c.Close()
		return true, nil
	})
}

// startClients starts every client BIRD, a few at a time.
func startClients(bins Bins, s *Scenario, dir string) ([]*client, error) {
	out := make([]*client, len(s.Peers))
	errs := make([]error, len(s.Peers))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, p := range s.Peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = startClient(bins, p, dir)
		}()
	}
	wg.Wait()
	var started []*client
	for _, c := range out {
		if c != nil {
			started = append(started, c)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return started, err
	}
	return out, nil
}

// allClients sends cmd to every client at the same moment.
func allClients(clients []*client, cmd string) error {
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = c.cmd(cmd) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// waitAll polls every client not yet done until cond holds for all of
// them, the route server dies, or timeout passes.
func waitAll(ctx context.Context, clients []*client, rs *proc, timeout time.Duration, what string, cond func(*client) (bool, error)) error {
	pending := append([]*client(nil), clients...)
	err := poll(ctx, timeout, 20*time.Millisecond, func() (bool, error) {
		if err := rs.exited(); err != nil {
			return false, err
		}
		var still []*client
		for _, c := range pending {
			ok, err := cond(c)
			if err != nil {
				return false, err
			}
			if !ok {
				still = append(still, c)
			}
		}
		pending = still
		return len(pending) == 0, nil
	})
	if err != nil {
		names := ""
		for i, c := range pending {
			if i == 5 {
				names += " ..."
				break
			}
			names += " " + c.peer.Name
		}
		return fmt.Errorf("not %s: %d of %d clients pending (%s): %w", what, len(pending), len(clients), names[min(1, len(names)):], err)
	}
	return nil
}

// poll runs cond every interval until it returns true or an error, or
// timeout passes.
func poll(ctx context.Context, timeout, interval time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}
