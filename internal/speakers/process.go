package speakers

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long a speaker gets to exit after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// tailLines is how much of each log a failed test prints.
const tailLines = 40

// process is one speaker child process owned by one test. The test's
// cleanup stops it by PID, so nothing outlives the test.
type process struct {
	name string
	cmd  *exec.Cmd
	logs []string // files whose tails a failed test prints
	done chan struct{}
	err  error // Wait's result; valid after done is closed
}

// workDir makes a private directory for one speaker and removes it when the
// test ends. It is not t.TempDir(): BIRD's control socket path must fit a
// sockaddr_un (108 bytes) and exabgp's `run` line is split on spaces, while
// t.TempDir() embeds the (possibly long) test name.
func workDir(t testing.TB, kind string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "rsg-"+kind+"-")
	if err != nil {
		t.Fatalf("speakers: %v", err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Logf("speakers: removing %s: %v", dir, err)
		}
	})
	return dir
}

// startProcess starts argv with stdout and stderr appended to outPath and
// registers a cleanup that prints the logs' tails if the test failed and
// then stops the process (SIGTERM, SIGKILL after stopGrace). Call it after
// workDir so the directory outlives the process.
func startProcess(t testing.TB, name, outPath string, logs []string, env []string, argv ...string) (*process, error) {
	t.Helper()
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = filepath.Dir(outPath)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.SysProcAttr = childAttrs()
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("%s: start %s: %w", name, argv[0], err)
	}
	p := &process{name: name, cmd: cmd, logs: append([]string{outPath}, logs...), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		out.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			p.logTails(t)
		}
		if err := p.stop(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	})
	return p, nil
}

// PID of the child process.
func (p *process) pid() int { return p.cmd.Process.Pid }

// exited returns a non-nil error once the process has ended, so waits on a
// dead speaker fail at once instead of running into their deadline.
func (p *process) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s (pid %d) exited: %v", p.name, p.pid(), p.err)
	default:
		return nil
	}
}

// stop sends SIGTERM, then SIGKILL if the process is still there after
// stopGrace, and waits for it. Stopping an exited process is a no-op.
func (p *process) stop() error {
	if p.exited() != nil {
		return nil
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("SIGTERM pid %d: %w", p.pid(), err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("SIGKILL pid %d: %w", p.pid(), err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
		return fmt.Errorf("pid %d survived SIGKILL for %v", p.pid(), stopGrace)
	}
}

// logTails prints the end of every log file of the process.
func (p *process) logTails(t testing.TB) {
	t.Helper()
	for _, path := range p.logs {
		t.Logf("--- %s: last %d lines of %s ---\n%s", p.name, tailLines, path, tailFile(path, tailLines))
	}
}

// tailFile returns the last n lines of a file, or a note why it cannot.
func tailFile(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(unreadable: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
