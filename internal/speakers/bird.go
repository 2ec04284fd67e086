package speakers

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Deadlines for things a healthy local BIRD does in milliseconds.
const (
	birdStartTimeout = 10 * time.Second // control socket answering
	birdcTimeout     = 10 * time.Second // one birdc call
)

// BIRD is a BIRD 2 daemon run by one test: its own config, control socket
// and log in a private directory, stopped by PID when the test ends. Its
// methods may be called from several goroutines.
type BIRD struct {
	birdBin  string
	birdcBin string
	dir      string
	confPath string
	sockPath string
	logPath  string
	proc     *process
	mu       sync.Mutex // serializes config rewrites
	cfg      BIRDConfig
}

// StartBIRD starts `bird -f -c CONF -s SOCK -P PIDFILE` (foreground, so the
// test owns the PID) and returns once its control socket answers. It skips
// the test when bird or birdc is missing (fails under
// RSGUARD_REQUIRE_SPEAKERS=1) and fails it on a bad config or a BIRD that
// does not come up. The test's cleanup stops the daemon.
func StartBIRD(t testing.TB, cfg BIRDConfig) *BIRD {
	t.Helper()
	birdBin, birdcBin := Require(t, "bird"), Require(t, "birdc")
	requirePort179(t)
	if err := cfg.Validate(); err != nil {
		t.Fatalf("speakers: BIRD config: %v", err)
	}
	dir := workDir(t, "bird")
	b := &BIRD{
		birdBin: birdBin, birdcBin: birdcBin, dir: dir,
		confPath: filepath.Join(dir, "bird.conf"),
		sockPath: filepath.Join(dir, "bird.ctl"),
		logPath:  filepath.Join(dir, "bird.log"),
		cfg:      cfg,
	}
	if err := b.installConfig(cfg); err != nil {
		t.Fatalf("speakers: %v", err)
	}
	proc, err := startProcess(t, "bird", filepath.Join(dir, "bird.out"), []string{b.logPath}, nil,
		birdBin, "-f", "-c", b.confPath, "-s", b.sockPath, "-P", filepath.Join(dir, "bird.pid"))
	if err != nil {
		t.Fatalf("speakers: %v", err)
	}
	b.proc = proc
	err = waitUntil(birdStartTimeout, pollInterval, proc.exited, func() error {
		_, err := b.Cmd("show", "status")
		return err
	})
	if err != nil {
		proc.logTails(t)
		t.Fatalf("speakers: BIRD did not come up: %v", err)
	}
	return b
}

// installConfig renders cfg, has BIRD parse it (`bird -p`, which names the
// line of any error) and only then moves it into place, so a bad
// Reconfigure leaves the running config file untouched.
func (b *BIRD) installConfig(cfg BIRDConfig) error {
	text := cfg.Render(b.logPath)
	tmp := b.confPath + ".new"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), birdcTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, b.birdBin, "-p", "-c", tmp).CombinedOutput(); err != nil {
		return fmt.Errorf("BIRD rejects the config: %v: %s\n%s", err, strings.TrimSpace(string(out)), numbered(text))
	}
	return os.Rename(tmp, b.confPath)
}

// numbered prefixes each line with its number, to match BIRD's file:line.
func numbered(text string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// Dir is the daemon's private directory (config, socket, logs).
func (b *BIRD) Dir() string { return b.dir }

// LogPath is BIRD's log file.
func (b *BIRD) LogPath() string { return b.logPath }

// ConfigPath is the config file BIRD reads.
func (b *BIRD) ConfigPath() string { return b.confPath }

// PID is the daemon's process id.
func (b *BIRD) PID() int { return b.proc.pid() }

// Config returns the config last installed by StartBIRD or Reconfigure.
func (b *BIRD) Config() BIRDConfig {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cfg
}

// Cmd runs `birdc -s SOCK args...` and returns its output without the
// "BIRD x.y ready." banner. A non-zero birdc exit (BIRD reports errors
// that way) is returned as an error carrying the output.
func (b *BIRD) Cmd(args ...string) (string, error) {
	if err := b.proc.exited(); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), birdcTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, b.birdcBin, append([]string{"-s", b.sockPath}, args...)...).CombinedOutput()
	text := stripBanner(string(out))
	if err != nil {
		return text, fmt.Errorf("birdc %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(text))
	}
	return text, nil
}

// stripBanner drops birdc's greeting line.
func stripBanner(s string) string {
	first, rest, ok := strings.Cut(s, "\n")
	if strings.HasPrefix(first, "BIRD ") && strings.HasSuffix(first, " ready.") {
		if !ok {
			return ""
		}
		return rest
	}
	return s
}

// Routes returns `show route all`, limited to protocol proto and to table
// when they are not "". With table "" BIRD lists every table.
func (b *BIRD) Routes(proto, table string) ([]Route, error) {
	args := []string{"show", "route", "all"}
	if table != "" {
		args = append(args, "table", table)
	}
	if proto != "" {
		args = append(args, "protocol", proto)
	}
	out, err := b.Cmd(args...)
	if err != nil {
		return nil, err
	}
	routes, err := parseBIRDRoutes(out)
	if err != nil {
		return nil, fmt.Errorf("birdc %s: %w", strings.Join(args, " "), err)
	}
	return routes, nil
}

// Protocols returns every row of `show protocols`.
func (b *BIRD) Protocols() ([]ProtocolInfo, error) {
	out, err := b.Cmd("show", "protocols")
	if err != nil {
		return nil, err
	}
	return parseBIRDProtocols(out)
}

// ProtocolState returns the State column (up, start, down), the Info
// column (for BGP the FSM state, e.g. "Established", "Active", or
// "Connect", possibly followed by the last error) and the Since time of
// protocol name.
func (b *BIRD) ProtocolState(name string) (state, info string, since time.Time, err error) {
	out, err := b.Cmd("show", "protocols", name)
	if err != nil {
		return "", "", time.Time{}, err
	}
	rows, err := parseBIRDProtocols(out)
	if err != nil {
		return "", "", time.Time{}, err
	}
	for _, r := range rows {
		if r.Name == name {
			return r.State, r.Info, r.Since, nil
		}
	}
	return "", "", time.Time{}, fmt.Errorf("BIRD has no protocol %q", name)
}

// WaitEstablished waits until BGP protocol name is Established.
func (b *BIRD) WaitEstablished(name string, timeout time.Duration) error {
	return waitUntil(timeout, pollInterval, b.proc.exited, func() error {
		state, info, _, err := b.ProtocolState(name)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(info, "Established") {
			return fmt.Errorf("protocol %s is %s/%s, not Established", name, state, info)
		}
		return nil
	})
}

// WaitRoutes polls Routes("", table) until pred accepts them and returns
// them; on timeout it returns the last routes seen with the error.
func (b *BIRD) WaitRoutes(table string, pred func([]Route) bool, timeout time.Duration) ([]Route, error) {
	var last []Route
	err := waitUntil(timeout, pollInterval, b.proc.exited, func() error {
		rs, err := b.Routes("", table)
		if err != nil {
			return err
		}
		last = rs
		if !pred(rs) {
			return fmt.Errorf("%d routes in table %q do not satisfy the condition", len(rs), table)
		}
		return nil
	})
	return last, err
}

// Reconfigure installs cfg as the new config and runs `birdc configure`.
// BIRD restarts only the protocols whose config changed. A config BIRD
// rejects is returned as an error and leaves the running config in place.
func (b *BIRD) Reconfigure(cfg BIRDConfig) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("BIRD config: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.installConfig(cfg); err != nil {
		return err
	}
	out, err := b.Cmd("configure")
	if err != nil {
		return err
	}
	if !strings.Contains(out, "Reconfigured") && !strings.Contains(out, "Reconfiguration in progress") {
		return fmt.Errorf("birdc configure: unexpected reply: %s", strings.TrimSpace(out))
	}
	b.cfg = cfg
	return nil
}

// EnableProtocol runs `birdc enable name`.
func (b *BIRD) EnableProtocol(name string) error { return b.protoCmd("enable", name, "enabled") }

// DisableProtocol runs `birdc disable name`; a BGP session is closed with a
// Cease NOTIFICATION (administrative shutdown).
func (b *BIRD) DisableProtocol(name string) error { return b.protoCmd("disable", name, "disabled") }

// RestartProtocol runs `birdc restart name` (session down, then up again).
func (b *BIRD) RestartProtocol(name string) error { return b.protoCmd("restart", name, "restarted") }

// protoCmd runs a protocol verb; BIRD answers "name: <done>" or, when the
// protocol is already there, "name: already <done>", both fine.
func (b *BIRD) protoCmd(verb, name, done string) error {
	out, err := b.Cmd(verb, name)
	if err != nil {
		return err
	}
	if !strings.Contains(out, name+": "+done) && !strings.Contains(out, name+": already "+done) {
		return fmt.Errorf("birdc %s %s: %s", verb, name, strings.TrimSpace(out))
	}
	return nil
}

// Stop ends the daemon now (SIGTERM, then SIGKILL) instead of at cleanup,
// e.g. to show a route server what a peer that disappears looks like.
func (b *BIRD) Stop() error { return b.proc.stop() }

// SameSince reports whether two "since" times BIRD showed for a protocol
// are the same instant. BIRD keeps them on its monotonic clock and converts
// them to wall time at each `show`, so two reads of one unchanged session
// can differ by a millisecond; a session that really restarted moves by far
// more than the 100 ms allowed here (reconnecting alone takes longer).
func SameSince(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -100*time.Millisecond && d < 100*time.Millisecond
}
