package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// envRunMain makes the test binary act as rsguard itself (TestMain), so a
// test can run the daemon as another user without a `go build`.
const envRunMain = "RSGUARD_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// capsAddr: packaging's addresses in cmd's block, 127.50.19.x.
func capsAddr(host byte) string { return fmt.Sprintf("127.%d.19.%d", speakers.PkgCmd, host) }

// TestUnitPrivilegesSuffice runs the daemon the way rsguard.service does:
// as an unprivileged user (nobody) with the unit's capability set as the
// bounding and ambient sets, and no_new_privs. It must bind port 179 and
// bring up a TCP-MD5 session with BIRD 2 (TCP_MD5SIG needs no
// CAP_NET_ADMIN), hold only CAP_NET_BIND_SERVICE while it runs, reload on
// SIGHUP (ExecReload) and stop cleanly on SIGTERM. The same run without
// the capability must fail to bind, so the test shows the capability is
// what lets it.
func TestUnitPrivilegesSuffice(t *testing.T) {
	setpriv := requireTool(t, "setpriv", "Debian package util-linux")
	speakers.Require(t, "bird")
	if os.Geteuid() != 0 {
		if os.Getenv(speakers.EnvRequireSpeakers) == "1" {
			t.Fatal("needs root to switch to user nobody")
		}
		t.Skip("needs root to switch to user nobody (set RSGUARD_REQUIRE_SPEAKERS=1 to fail instead)")
	}
	if start, _ := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start"); strings.TrimSpace(string(start)) != "1024" {
		t.Logf("net.ipv4.ip_unprivileged_port_start=%s: the no-capability control may bind anyway", strings.TrimSpace(string(start)))
	}
	caps := unitCaps(t)

	// Everything the daemon touches lives under a directory nobody can
	// reach, as /etc/rsguard, /var/lib/rsguard and /run/rsguard are.
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "rsguard")
	copyFile(t, mustExecutable(t), bin, 0o755)
	state, run := filepath.Join(dir, "state"), filepath.Join(dir, "run")
	for _, d := range []string{state, run} {
		if err := os.Mkdir(d, 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	rsAddr, peerAddr := capsAddr(1), capsAddr(2)
	cfgPath := filepath.Join(dir, "rsguard.toml")
	cfg := fmt.Sprintf(`[global]
asn = 21000
router_id = %q
listen_addresses = [%q]
listen_port = 179
state_dir = %q

[api]
socket = %q

[log]
level = "info"
format = "json"

[[peers]]
name = "md5-peer"
address = %q
asn = 21951
password = "pk-unit-md5"
prefixes = ["45.195.0.0/16{16,24}"]
`, rsAddr, rsAddr, state, filepath.Join(run, "rsguard.sock"), peerAddr)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// The daemon's stderr goes to a file the test reads while it runs.
	daemon := func(caps string) (*exec.Cmd, logFile) {
		args := []string{"--reuid=nobody", "--regid=nogroup", "--clear-groups", "--no-new-privs",
			"--bounding-set=-all" + caps, "--inh-caps=-all" + caps, "--ambient-caps=-all" + caps,
			"--", bin, "run", "-c", cfgPath}
		cmd := exec.Command(setpriv, args...)
		cmd.Env = append(os.Environ(), envRunMain+"=1")
		f, err := os.CreateTemp(dir, "stderr-*.log")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		cmd.Stdout, cmd.Stderr = io.Discard, f
		return cmd, logFile(f.Name())
	}

	// Control: no capability, no port 179.
	ctl, ctlLog := daemon("")
	if err := ctl.Run(); err == nil {
		t.Fatalf("the daemon ran without CAP_NET_BIND_SERVICE:\n%s", ctlLog)
	} else if !strings.Contains(ctlLog.String(), "permission denied") {
		t.Fatalf("without the capability: %v, but not a refused bind:\n%s", err, ctlLog)
	}

	cmd, log := daemon(caps)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", log)
		}
	}()

	bird := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21951, RouterID: peerAddr,
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: peerAddr, PeerAddr: rsAddr, PeerASN: 21000,
			Password: "pk-unit-md5", IPv4: true, ImportAll: true}},
		Static4: []speakers.StaticRoute{{Prefix: "45.195.1.0/24"}}})
	if err := bird.WaitEstablished("to_rs", 30*time.Second); err != nil {
		t.Fatalf("TCP-MD5 session as an unprivileged user: %v", err)
	}

	// What the running daemon holds: not root, CAP_NET_BIND_SERVICE only.
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Uid:\t65534\t65534\t65534\t65534", "CapEff:\t0000000000000400", "CapBnd:\t0000000000000400", "NoNewPrivs:\t1"} {
		if !strings.Contains(string(status), want+"\n") {
			t.Errorf("/proc/<rsguard>/status lacks %q:\n%s", want, status)
		}
	}

	// ExecReload: SIGHUP reloads in place.
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, log, "config reloaded", 15*time.Second)

	// Stop: SIGTERM ends the session with a Cease and exits 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("rsguard exited with %v after SIGTERM", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("rsguard did not stop within 20s of SIGTERM")
	}
	// A normal stop is not a warning: nothing at warning or above.
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		var e struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if e.Level != "info" && e.Level != "debug" {
			t.Errorf("a clean run logged at %s: %s", e.Level, line)
		}
	}
}

// unitCaps turns the unit's AmbientCapabilities into setpriv's syntax
// (",+net_bind_service"), after checking the bounding set is the same.
func unitCaps(t *testing.T) string {
	t.Helper()
	u := readUnit(t, unitPath)
	amb, bnd := one(t, u, "AmbientCapabilities"), one(t, u, "CapabilityBoundingSet")
	if amb != bnd {
		t.Fatalf("AmbientCapabilities=%q differs from CapabilityBoundingSet=%q", amb, bnd)
	}
	var out string
	for _, c := range strings.Fields(amb) {
		out += ",+" + strings.ToLower(strings.TrimPrefix(c, "CAP_"))
	}
	return out
}

// logFile is where a daemon's stderr goes; String reads it as it is now.
type logFile string

func (l logFile) String() string {
	data, _ := os.ReadFile(string(l))
	return string(data)
}

func waitLog(t *testing.T, log logFile, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(log.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the daemon's log after %s", want, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mustExecutable(t *testing.T) string {
	t.Helper()
	p, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, mode); err != nil {
		t.Fatal(err)
	}
}
