package rsbench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// pprofAddr is where rsguard serves its profiling endpoints during a
// profiled run (RSGUARD_PPROF_ADDR, cmd/rsguard/debug_pprof.go): the
// server's own address, a port nothing else in the benchmark uses.
const pprofAddr = RSAddr + ":6199"

// profiler fetches rsguard's profiles during one run; nil profiles
// nothing (other servers, or no -profile), so every method is nil-safe.
type profiler struct {
	dir, prefix string
}

func newProfiler(dir, server string, run int) *profiler {
	if dir == "" || server != "rsguard" {
		return nil
	}
	return &profiler{dir: dir, prefix: fmt.Sprintf("%s-run%d-", server, run)}
}

func (p *profiler) env() []string {
	if p == nil {
		return nil
	}
	return []string{"RSGUARD_PPROF_ADDR=" + pprofAddr}
}

// startCPU begins a CPU profile just before a phase (the routes enabled,
// then disabled), so each phase has its own profile.
func (p *profiler) startCPU(ctx context.Context, opt Options) {
	if p == nil {
		return
	}
	if _, err := p.get(ctx, "/debug/cpuprofile/start"); err != nil {
		opt.logf("  profile: %v", err)
	}
}

// stopCPU ends the CPU profile of a phase and saves it as name.
func (p *profiler) stopCPU(ctx context.Context, opt Options, name string) {
	if p == nil {
		return
	}
	p.save(ctx, opt, "/debug/cpuprofile/stop", name)
}

// snapshot saves one of pprof's named profiles (heap, allocs).
func (p *profiler) snapshot(ctx context.Context, opt Options, profile, name string) {
	if p == nil {
		return
	}
	p.save(ctx, opt, "/debug/pprof/"+profile, name)
}

func (p *profiler) save(ctx context.Context, opt Options, path, name string) {
	b, err := p.get(ctx, path)
	if err == nil {
		f := filepath.Join(p.dir, p.prefix+name+".pprof")
		if err = os.WriteFile(f, b, 0o644); err == nil {
			opt.logf("  profile: %s", f)
			return
		}
	}
	opt.logf("  profile %s: %v", name, err)
}

func (p *profiler) get(ctx context.Context, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+pprofAddr+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %s", path, resp.Status, b)
	}
	return b, nil
}
