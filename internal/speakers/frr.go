package speakers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FRR is an FRR bgpd run standalone by one test (`bgpd -Z`: no zebra),
// controlled through `vtysh --vty_socket DIR -d bgpd`.
type FRR struct {
	vtyshBin string
	dir      string
	confPath string
	logPath  string
	proc     *process
}

// StartFRR starts /usr/lib/frr/bgpd with a generated config in a private
// directory and returns once vtysh reaches it. It skips the test when
// bgpd or vtysh is missing (fails under RSGUARD_REQUIRE_SPEAKERS=1).
func StartFRR(t testing.TB, cfg FRRConfig) *FRR {
	t.Helper()
	bgpd, vtysh := RequireFRR(t), Require(t, "vtysh")
	requirePort179(t)
	if err := cfg.Validate(); err != nil {
		t.Fatalf("speakers: FRR config: %v", err)
	}
	dir := workDir(t, "frr")
	f := &FRR{vtyshBin: vtysh, dir: dir,
		confPath: filepath.Join(dir, "bgpd.conf"), logPath: filepath.Join(dir, "bgpd.log")}
	if err := os.WriteFile(f.confPath, []byte(cfg.render(f.logPath)), 0o644); err != nil {
		t.Fatalf("speakers: %v", err)
	}
	port := cfg.ListenPort
	if port == 0 {
		port = 179
	}
	proc, err := startProcess(t, "frr-bgpd", filepath.Join(dir, "bgpd.out"), []string{f.logPath}, nil,
		bgpd, "-f", f.confPath, "-i", filepath.Join(dir, "bgpd.pid"),
		"-z", filepath.Join(dir, "zserv.api"), "--vty_socket", dir,
		"-P", "0", // no vty TCP port: vtysh uses the socket in dir
		"-l", cfg.LocalAddr, "-p", strconv.Itoa(port),
		"-Z", // no zebra: nothing is installed in the kernel
		"-S") // no privilege dropping (would need the frr user)
	if err != nil {
		t.Fatalf("speakers: %v", err)
	}
	f.proc = proc
	err = waitUntil(birdStartTimeout, pollInterval, proc.exited, func() error {
		_, err := f.Vtysh("show bgp summary json")
		return err
	})
	if err != nil {
		proc.logTails(t)
		t.Fatalf("speakers: FRR bgpd did not come up: %v", err)
	}
	return f
}

// Dir is bgpd's private directory.
func (f *FRR) Dir() string { return f.dir }

// PID is bgpd's process id.
func (f *FRR) PID() int { return f.proc.pid() }

// Stop ends bgpd now instead of at cleanup.
func (f *FRR) Stop() error { return f.proc.stop() }

// Vtysh runs each command with `vtysh -d bgpd -c CMD` in order (so
// "configure terminal", "router bgp N", ... work) and returns the output.
func (f *FRR) Vtysh(cmds ...string) (string, error) {
	if err := f.proc.exited(); err != nil {
		return "", err
	}
	args := []string{"--vty_socket", f.dir, "-d", "bgpd"}
	for _, c := range cmds {
		args = append(args, "-c", c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), birdcTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, f.vtyshBin, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("vtysh %q: %v: %s", cmds, err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// NeighborState returns FRR's bgpState for peer ("Established",
// "Active", "Connect", ...).
func (f *FRR) NeighborState(peer string) (string, error) {
	out, err := f.Vtysh("show bgp neighbors " + peer + " json")
	if err != nil {
		return "", err
	}
	var m map[string]struct {
		BGPState string `json:"bgpState"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		return "", fmt.Errorf("show bgp neighbors %s json: %v", peer, err)
	}
	n, ok := m[peer]
	if !ok {
		return "", fmt.Errorf("FRR has no neighbor %s", peer)
	}
	return n.BGPState, nil
}

// WaitEstablished waits until the session to peer is Established.
func (f *FRR) WaitEstablished(peer string, timeout time.Duration) error {
	return waitUntil(timeout, pollInterval, f.proc.exited, func() error {
		s, err := f.NeighborState(peer)
		if err != nil {
			return err
		}
		if s != "Established" {
			return fmt.Errorf("FRR neighbor %s is %s", peer, s)
		}
		return nil
	})
}

// Routes returns bgpd's IPv4 and IPv6 unicast tables (Route.Table is
// "ipv4" or "ipv6"; Primary is FRR's bestpath).
func (f *FRR) Routes() ([]Route, error) {
	var out []Route
	for _, fam := range []string{"ipv4", "ipv6"} {
		text, err := f.Vtysh("show bgp " + fam + " unicast json")
		if err != nil {
			return nil, err
		}
		rs, err := parseFRRRoutes(fam, text)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// WaitRoutes polls Routes until pred accepts them.
func (f *FRR) WaitRoutes(pred func([]Route) bool, timeout time.Duration) ([]Route, error) {
	var last []Route
	err := waitUntil(timeout, pollInterval, f.proc.exited, func() error {
		rs, err := f.Routes()
		if err != nil {
			return err
		}
		last = rs
		if !pred(rs) {
			return fmt.Errorf("%d FRR routes do not satisfy the condition", len(rs))
		}
		return nil
	})
	return last, err
}

// frrPath is the part of one path in `show bgp <afi> unicast json`.
type frrPath struct {
	Valid    bool   `json:"valid"`
	Bestpath bool   `json:"bestpath"`
	PeerID   string `json:"peerId"`
	Path     string `json:"path"`
	Origin   string `json:"origin"`
	Nexthops []struct {
		IP string `json:"ip"`
	} `json:"nexthops"`
}

// parseFRRRoutes parses `show bgp <fam> unicast json`.
func parseFRRRoutes(fam, text string) ([]Route, error) {
	var doc struct {
		Routes map[string][]frrPath `json:"routes"`
	}
	if strings.TrimSpace(text) == "" || strings.TrimSpace(text) == "{}" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("show bgp %s unicast json: %v", fam, err)
	}
	var out []Route
	for pfx, paths := range doc.Routes {
		p, err := netip.ParsePrefix(pfx)
		if err != nil {
			return nil, fmt.Errorf("show bgp %s unicast json: %v", fam, err)
		}
		for _, fp := range paths {
			path, err := parseBIRDASPath(fp.Path)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", pfx, err)
			}
			r := Route{Table: fam, Prefix: p, ASPath: path, Primary: fp.Bestpath,
				Attrs: map[string]string{"origin": fp.Origin, "valid": strconv.FormatBool(fp.Valid)}}
			r.From, _ = netip.ParseAddr(fp.PeerID) // "(unspec)" for local routes
			if len(fp.Nexthops) > 0 {
				r.NextHop, _ = netip.ParseAddr(fp.Nexthops[0].IP)
			}
			out = append(out, r)
		}
	}
	return out, nil
}
