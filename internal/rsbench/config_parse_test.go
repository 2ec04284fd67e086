package rsbench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/internal/speakers"
)

// testScenario is the size the generators are checked at: 3 peers of
// 2,000 routes, with a leak hole so the exact-prefix syntax is rendered too.
func testScenario(t *testing.T) *Scenario {
	t.Helper()
	s, err := Build("parse", []int{2000, 2000, 2000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.InjectLeak(); err != nil {
		t.Fatal(err)
	}
	return s
}

// optionalBin finds a route-server binary that `make test` does not
// install (gobgpd, OpenBGPD): the subtest skips without it.
func optionalBin(t *testing.T, env string, paths ...string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		paths = append([]string{p}, paths...)
	}
	if p := firstExecutable(paths...); p != "" {
		return p
	}
	t.Skipf("not installed (looked in %v; set %s or run `make bench-rs` once)", paths, env)
	return ""
}

// runCheck runs a daemon's own config check and fails with its output.
func runCheck(t *testing.T, argv []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// TestGeneratedConfigsParse has every daemon parse the config rendered for
// it: rsguard's own loader, `bird -p`, `gobgpd --dry-run --config-strict`
// and `bgpd -n`. Each is also shown a broken config, so a checker that
// accepts anything cannot pass.
func TestGeneratedConfigsParse(t *testing.T) {
	s := testScenario(t)
	root, _ := filepath.Abs("../..")
	bins := Bins{}
	t.Run("rsguard", func(t *testing.T) {
		dir := t.TempDir()
		conf, err := Daemons["rsguard"].WriteConfig(s, dir)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(conf)
		if err != nil {
			t.Fatalf("rsguard rejects its generated config: %v", err)
		}
		if len(cfg.Peers) != len(s.Peers) {
			t.Errorf("%d peers loaded, want %d", len(cfg.Peers), len(s.Peers))
		}
		broken := strings.Replace(RenderRSGuard(s, dir), "passive = true", "passive = maybe", 1)
		bad, _ := writeFile(dir, "broken.toml", broken)
		if _, err := config.Load(bad); err == nil {
			t.Error("rsguard accepted a broken config")
		}
	})
	t.Run("bird", func(t *testing.T) {
		bins.BIRD = speakers.Require(t, "bird")
		checkDaemon(t, s, "bird", bins, "rs client;", "rs clientt;")
	})
	t.Run("gobgpd", func(t *testing.T) {
		bins.GoBGPD = optionalBin(t, "RSBENCH_GOBGPD", lookPath("gobgpd"), filepath.Join(root, ".bin", "bench", "gobgpd"))
		checkDaemon(t, s, "gobgpd", bins, "route-server-client = true", "route-server-clientt = true")
	})
	t.Run("openbgpd", func(t *testing.T) {
		bins.BGPD = optionalBin(t, "RSBENCH_BGPD", "/usr/sbin/bgpd")
		if os.Geteuid() != 0 {
			t.Skip("bgpd -n needs root")
		}
		checkDaemon(t, s, "openbgpd", bins, "transparent-as yes", "transparent-as maybe")
	})
}

// checkDaemon writes d's config, has the daemon accept it, then breaks it
// (replacing good with bad) and has the daemon reject that.
func checkDaemon(t *testing.T, s *Scenario, name string, bins Bins, good, bad string) {
	t.Helper()
	d := Daemons[name]
	dir := t.TempDir()
	conf, err := d.WriteConfig(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	runCheck(t, d.CheckArgv(bins, conf))
	text, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), good) {
		t.Fatalf("config has no %q to break", good)
	}
	if err := os.WriteFile(conf, []byte(strings.Replace(string(text), good, bad, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	argv := d.CheckArgv(bins, conf)
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err == nil {
		t.Errorf("%s accepted a config with %q:\n%s", name, bad, out)
	}
}
