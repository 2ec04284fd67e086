package speakers

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// exabgpAckTimeout bounds how long ExaBGP may take to acknowledge one API
// command; it answers within milliseconds once it runs.
const exabgpAckTimeout = 15 * time.Second

// ExaBGP is an ExaBGP 4 process run by one test, driven through its
// process API: Announce, Withdraw and Command return once ExaBGP has
// acknowledged the command (not once the peer has it). Commands from
// several goroutines are serialized.
type ExaBGP struct {
	dir        string
	confPath   string
	logPath    string
	eventsPath string
	proc       *process
	fifo       *os.File
	mu         sync.Mutex // one command in flight: acks are matched by count
}

// StartExaBGP writes the config and the API relay into a private
// directory, starts `exabgp CONF` and returns at once; sessions come up in
// the background (see WaitEstablished). It skips the test when exabgp or
// python3 is missing (fails under RSGUARD_REQUIRE_SPEAKERS=1).
func StartExaBGP(t testing.TB, cfg ExaBGPConfig) *ExaBGP {
	t.Helper()
	exabgpBin, python := Require(t, "exabgp"), Require(t, "python3")
	requirePort179(t)
	if err := cfg.Validate(); err != nil {
		t.Fatalf("speakers: ExaBGP config: %v", err)
	}
	dir := workDir(t, "exabgp")
	e := &ExaBGP{
		dir:        dir,
		confPath:   filepath.Join(dir, "exabgp.conf"),
		logPath:    filepath.Join(dir, "exabgp.log"),
		eventsPath: filepath.Join(dir, "api-events"),
	}
	fifoPath, relayPath := filepath.Join(dir, "api-commands"), filepath.Join(dir, "relay.py")
	if err := syscall.Mkfifo(fifoPath, 0o600); err != nil {
		t.Fatalf("speakers: mkfifo: %v", err)
	}
	// Read-write, like the relay: opening never blocks on the other end.
	fifo, err := os.OpenFile(fifoPath, os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("speakers: %v", err)
	}
	t.Cleanup(func() { fifo.Close() })
	e.fifo = fifo
	relay := "#!" + python + "\n" + exabgpRelay
	// ExaBGP refuses to run a program that is not executable by its user.
	if err := os.WriteFile(relayPath, []byte(relay), 0o755); err != nil {
		t.Fatalf("speakers: %v", err)
	}
	if err := os.WriteFile(e.eventsPath, nil, 0o644); err != nil {
		t.Fatalf("speakers: %v", err)
	}
	// ExaBGP splits `run` on spaces; workDir paths contain none.
	conf := cfg.render(relayPath + " " + fifoPath + " " + e.eventsPath)
	if err := os.WriteFile(e.confPath, []byte(conf), 0o644); err != nil {
		t.Fatalf("speakers: %v", err)
	}
	env := []string{
		"exabgp.daemon.daemonize=false",
		"exabgp.daemon.user=root", // keep the user that can bind port 179 and set TCP-MD5
		"exabgp.daemon.drop=false",
		"exabgp.daemon.pid=",
		"exabgp.log.destination=" + e.logPath,
		"exabgp.log.level=INFO",
		"exabgp.api.cli=false", // else it wants named pipes under /run/exabgp
		"exabgp.api.ack=true",
		"exabgp.api.encoder=text",
		"exabgp.api.respawn=false",
		"exabgp.tcp.bind=", // no global listener: only neighbors with a listen port
	}
	proc, err := startProcess(t, "exabgp", filepath.Join(dir, "exabgp.out"), []string{e.logPath, e.eventsPath}, env, exabgpBin, e.confPath)
	if err != nil {
		t.Fatalf("speakers: %v", err)
	}
	e.proc = proc
	return e
}

// Dir is the process's private directory (config, relay, logs).
func (e *ExaBGP) Dir() string { return e.dir }

// LogPath is ExaBGP's log file.
func (e *ExaBGP) LogPath() string { return e.logPath }

// PID is ExaBGP's process id.
func (e *ExaBGP) PID() int { return e.proc.pid() }

// Stop ends ExaBGP now (SIGTERM, then SIGKILL) instead of at cleanup.
func (e *ExaBGP) Stop() error { return e.proc.stop() }

// Announce announces prefix to every neighbor. nextHop "" means "self".
// asPath is sent exactly as given, leftmost first: ExaBGP prepends nothing,
// so a foreign first AS needs no trick. nil sends ExaBGP's default, which
// is [local ASN] on eBGP sessions.
func (e *ExaBGP) Announce(prefix, nextHop string, asPath []uint32) error {
	if _, err := netip.ParsePrefix(prefix); err != nil {
		return fmt.Errorf("announce: %w", err)
	}
	nh := "self"
	if nextHop != "" {
		a, err := netip.ParseAddr(nextHop)
		if err != nil {
			return fmt.Errorf("announce %s: next hop: %w", prefix, err)
		}
		nh = a.String()
	}
	cmd := fmt.Sprintf("announce route %s next-hop %s", prefix, nh)
	if asPath != nil {
		cmd += " as-path [ " + joinASNs(asPath) + " ]"
	}
	return e.Command(cmd)
}

// Withdraw withdraws prefix from every neighbor.
func (e *ExaBGP) Withdraw(prefix string) error {
	if _, err := netip.ParsePrefix(prefix); err != nil {
		return fmt.Errorf("withdraw: %w", err)
	}
	return e.Command("withdraw route " + prefix)
}

// Command sends one ExaBGP API command (text encoder syntax, e.g.
// "neighbor 127.60.0.2 announce route 45.1.0.0/24 next-hop self community
// [21001:1]") and waits for ExaBGP's acknowledgement; "error" is returned
// as an error.
func (e *ExaBGP) Command(cmd string) error {
	if strings.ContainsAny(cmd, "\n\r") {
		return fmt.Errorf("exabgp command %q: one line only", cmd)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	acks, _, err := e.events()
	if err != nil {
		return err
	}
	before := len(acks)
	if _, err := e.fifo.WriteString(cmd + "\n"); err != nil {
		return fmt.Errorf("exabgp command %q: %w", cmd, err)
	}
	var reply string
	err = waitUntil(exabgpAckTimeout, ackPollInterval, e.proc.exited, func() error {
		acks, _, err := e.events()
		if err != nil {
			return err
		}
		if len(acks) <= before {
			return fmt.Errorf("no acknowledgement for %q", cmd)
		}
		reply = acks[before]
		return nil
	})
	if err != nil {
		return fmt.Errorf("exabgp: %w", err)
	}
	if reply != "done" {
		return fmt.Errorf("exabgp command %q: %s", cmd, reply)
	}
	return nil
}

// State returns the last neighbor event ExaBGP reported for peer: "up"
// (Established), "connected", "down - <reason>", or "" before any.
func (e *ExaBGP) State(peer string) (string, error) {
	_, states, err := e.events()
	if err != nil {
		return "", err
	}
	return states[peer], nil
}

// WaitEstablished waits until ExaBGP reports the session to peer up.
func (e *ExaBGP) WaitEstablished(peer string, timeout time.Duration) error {
	return waitUntil(timeout, pollInterval, e.proc.exited, func() error {
		s, err := e.State(peer)
		if err != nil {
			return err
		}
		if s != "up" {
			return fmt.Errorf("exabgp neighbor %s: state %q, not up", peer, s)
		}
		return nil
	})
}

// events reads what ExaBGP told the API process so far: acknowledgements
// in order, and the last state per neighbor.
func (e *ExaBGP) events() (acks []string, states map[string]string, err error) {
	data, err := os.ReadFile(e.eventsPath)
	if err != nil {
		return nil, nil, err
	}
	return parseExaBGPEvents(string(data))
}

// parseExaBGPEvents splits the text encoder's messages: "done" and
// "error" acknowledge commands, "neighbor <addr> up|connected|down - why"
// report session changes. Other lines (e.g. "shutdown") are ignored. A
// trailing line without its newline is still being written and is skipped.
func parseExaBGPEvents(text string) (acks []string, states map[string]string, err error) {
	states = map[string]string{}
	lines := strings.Split(text, "\n")
	for _, line := range lines[:len(lines)-1] {
		switch f := strings.Fields(line); {
		case len(f) == 1 && (f[0] == "done" || f[0] == "error"):
			acks = append(acks, f[0])
		case len(f) >= 3 && f[0] == "neighbor":
			switch f[2] {
			case "up", "connected", "down":
				states[f[1]] = strings.Join(f[2:], " ")
			}
		}
	}
	return acks, states, nil
}

func joinASNs(path []uint32) string {
	parts := make([]string, len(path))
	for i, a := range path {
		parts[i] = fmt.Sprint(a)
	}
	return strings.Join(parts, " ")
}
