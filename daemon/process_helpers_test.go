package daemon

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// fa: the fault tests' addresses, 127.41.11.x (the faults branch's
// octet), apart from the 127.41.0.x of the other daemon tests.
func fa(host byte) string { return fmt.Sprintf("127.%d.11.%d", speakers.PkgDaemon, host) }

// daemonHeader is the [global] and [api] part of a fault test's config:
// BGP on routerID, state and socket under dir.
func daemonHeader(routerID, dir string) string {
	return fmt.Sprintf("[global]\nasn = 21000\nrouter_id = %[1]q\nlisten_addresses = [%[1]q]\nlisten_port = 179\nstate_dir = %[2]q\n\n[api]\nsocket = %[3]q\n",
		routerID, filepath.Join(dir, "state"), filepath.Join(dir, "rsguard.sock"))
}

// rsguardProc is one run of the real `rsguard run` binary.
type rsguardProc struct {
	cmd    *exec.Cmd
	logs   *lockedLog
	exited chan struct{}
	err    error // valid once exited is closed
}

// runRsguard starts `rsguard run -c cfg` and waits until the control
// socket answers `rsctl peers`. The process is killed when the test ends
// if it is still running.
func runRsguard(t *testing.T, cfg, socket string) *rsguardProc {
	t.Helper()
	p := launchRsguard(t, cfg)
	e := &e2e{t: t, socket: socket}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.exited:
			t.Fatalf("rsguard exited during start-up: %v\n%s", p.err, p.logs.String())
		default:
		}
		if _, err := os.Stat(socket); err == nil {
			if _, err := e.rsctl("peers"); err == nil {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("rsguard not ready after 60s\n%s", p.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// launchRsguard starts `rsguard run -c cfg` without waiting for it.
func launchRsguard(t *testing.T, cfg string) *rsguardProc {
	t.Helper()
	p := &rsguardProc{cmd: exec.Command(rsguardBin, "run", "-c", cfg), logs: &lockedLog{}, exited: make(chan struct{})}
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.kill(t) })
	return p
}

func (p *rsguardProc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL (kill -9) and waits for the process to be gone.
func (p *rsguardProc) kill(t *testing.T) {
	if !p.running() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Errorf("rsguard pid %d did not die on SIGKILL", p.cmd.Process.Pid)
	}
}

// waitLog waits until the daemon's stderr contains every one of want.
func (p *rsguardProc) waitLog(t *testing.T, timeout time.Duration, want ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		logs := p.logs.String()
		missing := ""
		for _, w := range want {
			if !strings.Contains(logs, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return logs
		}
		select {
		case <-ctx.Done():
			t.Fatalf("daemon log lacks %q after %s:\n%s", missing, timeout, logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
