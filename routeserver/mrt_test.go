package routeserver

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
)

// bgpdumpLines runs `bgpdump -m` on an MRT file.
func bgpdumpLines(t *testing.T, file string) []string {
	t.Helper()
	bin, err := exec.LookPath("bgpdump")
	if err != nil {
		if os.Getenv("RSGUARD_REQUIRE_SPEAKERS") == "1" {
			t.Fatal("bgpdump is not installed (Debian package bgpdump) and RSGUARD_REQUIRE_SPEAKERS=1")
		}
		t.Skip("bgpdump is not installed (Debian package bgpdump): cannot read the MRT files back")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-m", file).Output() // stderr: bgpdump's own log line
	if err != nil {
		t.Fatalf("bgpdump -m %s: %v\n%s", file, err, out)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// hasLine reports whether some bgpdump line has every field given
// (index → value).
func hasLine(lines []string, want map[int]string) bool {
	for _, l := range lines {
		f := strings.Split(l, "|")
		ok := true
		for i, v := range want {
			if i >= len(f) || f[i] != v {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TestMRTExport: a table dump and an update log written under state_dir
// (0640, complete files only) read back by bgpdump with the prefixes and
// AS paths peer a sent; retention keeps the newest files; a reload that
// turns the update log off completes it.
func TestMRTExport(t *testing.T) {
	if _, err := exec.LookPath("bgpdump"); err != nil && os.Getenv("RSGUARD_REQUIRE_SPEAKERS") != "1" {
		t.Skip("bgpdump is not installed (Debian package bgpdump): cannot read the MRT files back")
	}
	mrtOn := "[mrt]\ndump_interval = \"1h\"\nupdate_log = true\nrotation = \"1h\"\nretention = 2\n"
	rs := startRS(t, monitoringConfig(mrtOn), nil)
	ctx := context.Background()
	dir := filepath.Join(rs.Config().Global.StateDir, "mrt")

	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addrM(2), Address: addrM(2), RSAddr: addrM(1), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	accepted, rejected := "45.18.1.0/24", "46.18.1.0/24"
	v6 := "2a0a:4580:1801::/48"
	if err := a.Announce(route(accepted, addrM(2), 21001, 21011), route(rejected, addrM(2), 21001),
		route(v6, "2a0a:4580:1800::2", 21001, 21012)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the three routes in the store", func() bool { return rs.Store().Counts("a").Received == 3 })

	rs.mon.mu.RLock()
	m := rs.mon.mrt
	rs.mon.mu.RUnlock()
	if m == nil {
		t.Fatal("[mrt] is set but no MRT export runs")
	}
	start := time.Now().Add(time.Hour) // distinct names from the files opened at start
	dump, err := m.dumpTable(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dump); err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("table dump %s: %v, mode %v, want 0640", dump, err, fi.Mode().Perm())
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o750 {
		t.Fatalf("MRT directory: %v, mode %v, want 0750", err, fi.Mode().Perm())
	}
	// bgpdump -m TABLE_DUMP2|time|B|peer ip|peer as|prefix|as path|origin|next hop|...
	lines := bgpdumpLines(t, dump)
	for _, want := range []map[int]string{
		{0: "TABLE_DUMP2", 2: "B", 3: addrM(2), 4: "21001", 5: accepted, 6: "21001 21011", 8: addrM(2)},
		{0: "TABLE_DUMP2", 2: "B", 3: addrM(2), 4: "21001", 5: rejected, 6: "21001"},
		{0: "TABLE_DUMP2", 2: "B", 3: addrM(2), 4: "21001", 5: v6, 6: "21001 21012", 8: "2a0a:4580:1800::2"},
	} {
		if !hasLine(lines, want) {
			t.Errorf("table dump lacks %v:\n%s", want, strings.Join(lines, "\n"))
		}
	}

	if err := m.rotateUpdates(start); err != nil {
		t.Fatal(err)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "updates.*"))
	if len(logs) != 1 {
		t.Fatalf("update logs %v, want the one completed file (the new one is still hidden)", logs)
	}
	// BGP4MP|time|A|peer ip|peer as|prefix|as path|origin|next hop|...
	lines = bgpdumpLines(t, logs[0])
	for _, want := range []map[int]string{
		{0: "BGP4MP", 2: "STATE", 3: addrM(2), 4: "21001"},
		{0: "BGP4MP", 2: "A", 3: addrM(2), 4: "21001", 5: accepted, 6: "21001 21011", 8: addrM(2)},
		{0: "BGP4MP", 2: "A", 3: addrM(2), 4: "21001", 5: rejected, 6: "21001"},
		{0: "BGP4MP", 2: "A", 3: addrM(2), 4: "21001", 5: v6, 6: "21001 21012", 8: "2a0a:4580:1800::2"},
	} {
		if !hasLine(lines, want) {
			t.Errorf("update log lacks %v:\n%s", want, strings.Join(lines, "\n"))
		}
	}

	// Retention 2: a third dump deletes the oldest.
	for i := 1; i <= 2; i++ {
		if _, err := m.dumpTable(ctx, start.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	ribs, _ := filepath.Glob(filepath.Join(dir, "rib.*"))
	if len(ribs) != 2 || ribs[0] == dump {
		t.Errorf("after 3 dumps with retention 2: %v", ribs)
	}

	// Reload with the update log off: the open file is completed.
	if err := a.Withdraw(mustPrefix(accepted), mustPrefix(v6)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the withdrawals in the store", func() bool { return rs.Store().Counts("a").Received == 1 })
	planned := reloadTo(t, rs, monitoringConfig("[mrt]\ndump_interval = \"1h\"\nretention = 2\n"))
	if !strings.Contains(strings.Join(planned, "\n"), "[mrt] update_log") {
		t.Errorf("plan %q", planned)
	}
	logs, _ = filepath.Glob(filepath.Join(dir, "updates.*"))
	parts, _ := filepath.Glob(filepath.Join(dir, ".*.part"))
	if len(logs) != 2 || len(parts) != 0 {
		t.Fatalf("after the reload: logs %v, unfinished %v; want two complete logs", logs, parts)
	}
	newest := filepath.Join(dir, config.MRTFileName(config.DefaultMRTUpdatesFile, start)) // opened by the rotation above
	lines = bgpdumpLines(t, newest)
	for _, p := range []string{accepted, v6} {
		if !hasLine(lines, map[int]string{0: "BGP4MP", 2: "W", 3: addrM(2), 5: p}) {
			t.Errorf("second update log lacks the withdrawal of %s:\n%s", p, strings.Join(lines, "\n"))
		}
	}
}

// TestMRTConfigStrict: file templates and intervals are checked.
func TestMRTConfigStrict(t *testing.T) {
	for _, tc := range []struct{ mrt, want string }{
		{"[mrt]\ndump_interval = \"10s\"\n", "mrt.dump_interval: 10s is too short"},
		{"[mrt]\nrotation = \"5s\"\n", "mrt.rotation: 5s is too short"},
		{"[mrt]\ntable_file = \"rib\"\n", "no time verb"},
		{"[mrt]\ntable_file = \"../rib.%Y\"\n", "want a file name"},
		{"[mrt]\nupdates_file = \"u.%Q\"\n", "unknown verb"},
		{"[mrt]\ntable_file = \"x.%Y\"\nupdates_file = \"x.%Y\"\n", "also table_file"},
		{"[mrt]\nretention = 0\n", "mrt.retention"},
		{"[mrt]\nupdate_logs = true\n", "update_logs"},
	} {
		_, err := config.Parse([]byte(monitoringConfig(tc.mrt)), "test.toml", t.TempDir())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.mrt, err, tc.want)
		}
	}
	cfg, err := config.Parse([]byte(monitoringConfig("")), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MRT.Enabled() || len(cfg.BMP) != 0 {
		t.Errorf("defaults: MRT enabled %v, %d BMP stations; both must be off", cfg.MRT.Enabled(), len(cfg.BMP))
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := config.MRTFileName("rib.%Y%m%d.%H%M%S", at); got != "rib.20260102.030405" ||
		!config.MRTFilePattern("rib.%Y%m%d.%H%M%S").MatchString(got) || config.MRTFilePattern("rib.%Y").MatchString("rib.2026.part") {
		t.Errorf("template expansion/pattern: %q", got)
	}
}
