package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/config"
)

const unitPath = "../../configs/rsguard.service"

// readUnit parses a systemd unit into key → values (a key may repeat),
// ignoring sections: rsguard.service uses each key in one section only.
func readUnit(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q is not key=value", path, line)
		}
		out[k] = append(out[k], v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func one(t *testing.T, u map[string][]string, key string) string {
	t.Helper()
	if len(u[key]) != 1 {
		t.Errorf("unit has %d %s= lines, want 1", len(u[key]), key)
		return ""
	}
	return u[key][0]
}

// TestSystemdUnitMatchesDaemonDefaults: the unit's paths are the daemon's
// defaults (a unit pointing elsewhere would run with a socket rsctl does
// not find, or state systemd does not keep), it reloads with SIGHUP, runs
// unprivileged with CAP_NET_BIND_SERVICE only, and keeps its sandbox.
func TestSystemdUnitMatchesDaemonDefaults(t *testing.T) {
	u := readUnit(t, unitPath)
	defaultConfig := newRunCommand().Flags().Lookup("config").DefValue
	if got := newCheckCommand().Flags().Lookup("config").DefValue; got != defaultConfig {
		t.Errorf("run and check disagree on the default config: %q vs %q", defaultConfig, got)
	}
	if got, want := one(t, u, "ExecStart"), "/usr/local/bin/rsguard run -c "+defaultConfig; got != want {
		t.Errorf("ExecStart=%q, want %q", got, want)
	}
	if got, want := one(t, u, "ExecStartPre"), "/usr/local/bin/rsguard check -c "+defaultConfig; got != want {
		t.Errorf("ExecStartPre=%q, want %q", got, want)
	}
	if got := one(t, u, "RuntimeDirectory"); "/run/"+got != filepath.Dir(config.DefaultSocket) {
		t.Errorf("RuntimeDirectory=%s, but the default socket is %s", got, config.DefaultSocket)
	}
	if got := one(t, u, "StateDirectory"); "/var/lib/"+got != config.DefaultStateDir {
		t.Errorf("StateDirectory=%s, but the default state_dir is %s", got, config.DefaultStateDir)
	}
	if got := one(t, u, "ExecReload"); !strings.HasSuffix(got, "kill -HUP $MAINPID") {
		t.Errorf("ExecReload=%q, want kill -HUP $MAINPID", got)
	}
	if user := one(t, u, "User"); user == "" || user == "root" || user == "0" {
		t.Errorf("User=%q: the daemon must run unprivileged", user)
	}
	for _, key := range []string{"CapabilityBoundingSet", "AmbientCapabilities"} {
		if got := one(t, u, key); got != "CAP_NET_BIND_SERVICE" {
			t.Errorf("%s=%q, want CAP_NET_BIND_SERVICE alone", key, got)
		}
	}
	for key, want := range map[string]string{
		"NoNewPrivileges":         "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX AF_NETLINK",
		"RestrictSUIDSGID":        "yes",
		"MemoryDenyWriteExecute":  "yes",
		"SystemCallArchitectures": "native",
	} {
		if got := one(t, u, key); got != want {
			t.Errorf("%s=%q, want %q", key, got, want)
		}
	}
	if !strings.Contains(strings.Join(u["SystemCallFilter"], " "), "@system-service") {
		t.Errorf("SystemCallFilter=%q lacks @system-service", u["SystemCallFilter"])
	}
	// The sysusers file creates the user the unit runs as.
	data, err := os.ReadFile("../../configs/rsguard.sysusers")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\nu "+one(t, u, "User")+" ") {
		t.Errorf("configs/rsguard.sysusers does not create user %q:\n%s", one(t, u, "User"), data)
	}
}

// TestSystemdUnitVerifies runs systemd-analyze verify on the unit (its
// ExecStart pointed at a binary that exists here) and fails on any
// complaint, unknown keys included: systemd only warns about those and
// ignores them, which would silently drop a hardening line.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze := requireTool(t, "systemd-analyze", "Debian package systemd")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "rsguard.service")
	if err := os.WriteFile(unit, []byte(strings.ReplaceAll(string(text), "/usr/local/bin/rsguard", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// requireTool finds a system tool, or skips naming what provides it
// (fails instead under RSGUARD_REQUIRE_SPEAKERS=1, as CI sets).
func requireTool(t *testing.T, name, from string) string {
	t.Helper()
	for _, dir := range []string{"", "/usr/sbin", "/sbin"} {
		p := name
		if dir != "" {
			p = filepath.Join(dir, name)
		}
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
	}
	if os.Getenv("RSGUARD_REQUIRE_SPEAKERS") == "1" {
		t.Fatalf("%s not found (%s) and RSGUARD_REQUIRE_SPEAKERS=1", name, from)
	}
	t.Skipf("%s not found: install %s to run this test (RSGUARD_REQUIRE_SPEAKERS=1 fails instead)", name, from)
	return ""
}
