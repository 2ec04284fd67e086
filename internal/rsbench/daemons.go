package rsbench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Bins are the executables rsbench runs. An empty route-server binary
// means that server is not available and is skipped with Missing's reason.
type Bins struct {
	RSGuard, BIRD, GoBGPD, BGPD string
	// Missing says why a server's binary is absent, by server name.
	Missing map[string]string
}

// Daemon is one route-server implementation under test.
type Daemon struct {
	Name string
	// WriteConfig renders the scenario into dir and returns the file.
	WriteConfig func(s *Scenario, dir string) (string, error)
	// Argv runs the daemon in the foreground on conf.
	Argv func(b Bins, conf, dir string) []string
	// CheckArgv has the daemon parse conf and exit, without running.
	CheckArgv func(b Bins, conf string) []string
	bin       func(b Bins) string
}

// Daemons are the route servers rsbench knows, by -servers name.
var Daemons = map[string]*Daemon{
	"rsguard": {
		Name: "rsguard",
		WriteConfig: func(s *Scenario, dir string) (string, error) {
			if err := os.MkdirAll(filepath.Join(dir, "state"), 0o755); err != nil {
				return "", err
			}
			return writeFile(dir, "rsguard.toml", RenderRSGuard(s, dir))
		},
		Argv:      func(b Bins, conf, _ string) []string { return []string{b.RSGuard, "run", "-c", conf} },
		CheckArgv: func(b Bins, conf string) []string { return []string{b.RSGuard, "check", "-c", conf} },
		bin:       func(b Bins) string { return b.RSGuard },
	},
	"bird": {
		Name: "bird",
		WriteConfig: func(s *Scenario, dir string) (string, error) {
			return writeFile(dir, "bird-rs.conf", RenderBIRDRS(s, filepath.Join(dir, "bird-rs.log")))
		},
		Argv: func(b Bins, conf, dir string) []string {
			return []string{b.BIRD, "-f", "-c", conf, "-s", filepath.Join(dir, "bird-rs.ctl"), "-P", filepath.Join(dir, "bird-rs.pid")}
		},
		CheckArgv: func(b Bins, conf string) []string { return []string{b.BIRD, "-p", "-c", conf} },
		bin:       func(b Bins) string { return b.BIRD },
	},
	"gobgpd": {
		Name: "gobgpd",
		WriteConfig: func(s *Scenario, dir string) (string, error) {
			return writeFile(dir, "gobgpd.toml", RenderGoBGP(s))
		},
		// The gRPC API and pprof would otherwise take :50051 and :6060,
		// which other programs on a shared machine may hold.
		Argv: func(b Bins, conf, _ string) []string {
			return []string{b.GoBGPD, "-f", conf, "-t", "toml", "-l", "warn", "-p", "--config-strict",
				"--api-hosts", RSAddr + ":50120", "--pprof-disable"}
		},
		CheckArgv: func(b Bins, conf string) []string {
			return []string{b.GoBGPD, "-d", "-f", conf, "-t", "toml", "--config-strict"}
		},
		bin: func(b Bins) string { return b.GoBGPD },
	},
	"openbgpd": {
		Name: "openbgpd",
		WriteConfig: func(s *Scenario, dir string) (string, error) {
			return writeFile(dir, "bgpd.conf", RenderOpenBGPD(s, filepath.Join(dir, "bgpd.sock")))
		},
		// -d: foreground, so the PID rsbench holds is bgpd's parent.
		Argv:      func(b Bins, conf, _ string) []string { return []string{b.BGPD, "-d", "-f", conf} },
		CheckArgv: func(b Bins, conf string) []string { return []string{b.BGPD, "-n", "-f", conf} },
		bin:       func(b Bins) string { return b.BGPD },
	},
}

// ParseServers turns "-servers a,b" into daemons, in order.
func ParseServers(list string) ([]*Daemon, error) {
	var out []*Daemon
	seen := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		d, ok := Daemons[n]
		if !ok {
			return nil, fmt.Errorf("unknown server %q (rsguard, bird, gobgpd, openbgpd)", n)
		}
		if !seen[n] {
			out = append(out, d)
			seen[n] = true
		}
	}
	return out, nil
}

func writeFile(dir, name, text string) (string, error) {
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, []byte(text), 0o644)
}
