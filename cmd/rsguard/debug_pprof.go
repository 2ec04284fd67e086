package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	rpprof "runtime/pprof"
	"sync"

	"github.com/sirupsen/logrus"
)

// envPprofAddr names a loopback host:port on which `rsguard run` serves Go's
// profiling endpoints. It is an environment variable, not a config key, on
// purpose: profiling is for developers and benchmarks (cmd/rsbench
// -profile), never part of a deployed config, and it stays off unless set.
const envPprofAddr = "RSGUARD_PPROF_ADDR"

// startPprof serves net/http/pprof plus a start/stop CPU profile pair on
// the address in RSGUARD_PPROF_ADDR. Only loopback addresses are accepted:
// the endpoints reveal memory contents and cost CPU.
func startPprof(log *logrus.Logger) error {
	addr := os.Getenv(envPprofAddr)
	if addr == "" {
		return nil
	}
	ln, err := servePprof(addr)
	if err != nil {
		return err
	}
	log.WithField("address", ln.Addr().String()).Warn("profiling endpoints enabled (" + envPprofAddr + ")")
	return nil
}

// servePprof listens on addr (loopback only) and serves the endpoints.
func servePprof(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %v", envPprofAddr, addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%s=%q: only a loopback address is allowed", envPprofAddr, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envPprofAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	cpu := &cpuWindow{}
	mux.HandleFunc("/debug/cpuprofile/start", cpu.start)
	mux.HandleFunc("/debug/cpuprofile/stop", cpu.stop)
	go func() { _ = http.Serve(ln, mux) }()
	return ln, nil
}

// cpuWindow profiles the CPU between two requests, so a benchmark can
// profile exactly its measured phase (pprof's own endpoint needs the
// duration in advance).
type cpuWindow struct {
	mu  sync.Mutex
	buf *bytes.Buffer
}

func (c *cpuWindow) start(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf != nil {
		http.Error(w, "a CPU profile is already running", http.StatusConflict)
		return
	}
	buf := &bytes.Buffer{}
	if err := rpprof.StartCPUProfile(buf); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	c.buf = buf
}

func (c *cpuWindow) stop(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf == nil {
		http.Error(w, "no CPU profile is running", http.StatusConflict)
		return
	}
	rpprof.StopCPUProfile()
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(c.buf.Bytes())
	c.buf = nil
}
