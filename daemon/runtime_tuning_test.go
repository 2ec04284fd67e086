package daemon

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/sirupsen/logrus/hooks/test"
)

// gcPercent reads the runtime's GC percent (SetGCPercent returns the old one).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// keepRuntimeSettings restores the test process's memory limit and GC
// percent, and clears GOMEMLIMIT / GOGC so the config decides.
func keepRuntimeSettings(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	limit, gc := debug.SetMemoryLimit(-1), gcPercent()
	t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(gc) })
}

func runtimeConfig(dir, global string) string {
	return fmt.Sprintf(`[global]
asn = 21000
router_id = "127.%d.24.1"
listen_port = 0
state_dir = %q
%s
[api]
socket = %q
[log]
level = "warning"
`, speakers.PkgDaemon, filepath.Join(dir, "state"), global, filepath.Join(dir, "rs.sock"))
}

// TestRuntimeSettingsAtStartAndReload: [global] memory_limit and gc_percent
// are in force once the daemon starts, follow a reload (a removed limit
// lifts it), and a reload that also changes a restart-only [global] key is
// refused as a whole, leaving them as they were.
func TestRuntimeSettingsAtStartAndReload(t *testing.T) {
	keepRuntimeSettings(t)
	dir := t.TempDir()
	d := runDaemon(t, writeConfig(t, dir, runtimeConfig(dir, "memory_limit = \"768MiB\"\ngc_percent = 150\n")))
	check := func(step string, limit int64, gc int) {
		t.Helper()
		if got := debug.SetMemoryLimit(-1); got != limit {
			t.Errorf("%s: memory limit %d, want %d", step, got, limit)
		}
		if got := gcPercent(); got != gc {
			t.Errorf("%s: GC percent %d, want %d", step, got, gc)
		}
	}
	check("start", 768<<20, 150)
	reload := func(step, global string, applied bool) []string {
		t.Helper()
		writeConfig(t, dir, runtimeConfig(dir, global))
		res, err := d.ReloadConfig(context.Background())
		if err != nil || res.Applied != applied {
			t.Fatalf("%s: applied %v, want %v: %v %+v", step, res.Applied, applied, err, res)
		}
		return res.Changes
	}
	changes := reload("raise", "memory_limit = \"1GiB\"\ngc_percent = 250\n", true)
	if len(changes) != 1 || !strings.HasPrefix(changes[0], "[global] memory_limit, gc_percent changed: ") {
		t.Errorf("reload changes %q", changes)
	}
	check("after reload", 1<<30, 250)
	reload("with a restart-only key", "memory_limit = \"2GiB\"\nlisten_addresses = [\"127.0.0.1\"]\n", false)
	check("after a refused reload", 1<<30, 250)
	reload("remove", "", true)
	check("limit removed", math.MaxInt64, config.DefaultGCPercent)
}

// TestRuntimeSettingsEnvironmentWins: with GOMEMLIMIT and GOGC set, the
// daemon leaves the runtime as the environment made it and says so.
func TestRuntimeSettingsEnvironmentWins(t *testing.T) {
	keepRuntimeSettings(t)
	t.Setenv("GOMEMLIMIT", "300MiB")
	t.Setenv("GOGC", "170")
	debug.SetMemoryLimit(300 << 20) // as the runtime would have at start
	debug.SetGCPercent(170)
	dir := t.TempDir()
	path := writeConfig(t, dir, runtimeConfig(dir, "memory_limit = \"768MiB\"\ngc_percent = 150\n"))
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	log, hook := test.NewNullLogger()
	if _, err := New(path, cfg, log); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("memory limit %d, want GOMEMLIMIT's %d", got, 300<<20)
	}
	if got := gcPercent(); got != 170 {
		t.Errorf("GC percent %d, want GOGC's 170", got)
	}
	var said string
	for _, e := range hook.AllEntries() {
		if e.Message == "Go runtime memory settings" {
			said = fmt.Sprint(e.Data)
		}
	}
	if !strings.Contains(said, "GOMEMLIMIT=300MiB from the environment wins") || !strings.Contains(said, "GOGC=170 from the environment wins") {
		t.Errorf("start log %q does not say the environment wins", said)
	}
}
