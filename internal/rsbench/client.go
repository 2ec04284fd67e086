package rsbench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Names inside every client BIRD config.
const (
	clientStatic  = "announced"
	clientSession = "routeserver"
	ctlTimeout    = 30 * time.Second // one control-socket command
)

// RenderClient is the BIRD config of client peer p: its routes in a static
// protocol that starts disabled (so the measured phase starts when every
// session is already up) and one session to the route server that keeps
// everything it receives.
func RenderClient(p *Peer, logPath string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "log %q { warning, error, fatal, bug };\nrouter id %s;\n", logPath, p.Addr)
	b.WriteString("protocol device { scan time 10; }\n")
	fmt.Fprintf(&b, "protocol static %s {\n\tdisabled;\n\tipv4;\n", clientStatic)
	for _, pfx := range p.Announced() {
		fmt.Fprintf(&b, "\troute %s blackhole;\n", pfx)
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "filter export_rs {\n\tif proto != %q then reject;\n\taccept;\n}\n", clientStatic)
	fmt.Fprintf(&b, "protocol bgp %s {\n\tlocal %s as %d;\n\tneighbor %s as %d;\n", clientSession, p.Addr, p.ASN, RSAddr, RSASN)
	b.WriteString("\tmultihop;\n\tstrict bind on;\n")
	b.WriteString("\tconnect delay time 1;\n\tconnect retry time 2;\n\terror wait time 1, 5;\n")
	b.WriteString("\tipv4 { import all; export filter export_rs; };\n}\n")
	return b.String()
}

// client is one running client BIRD.
type client struct {
	peer *Peer
	proc *proc
	sock *birdSock
}

func startClient(bins Bins, p *Peer, dir string) (*client, error) {
	cdir := filepath.Join(dir, p.Name)
	if err := os.MkdirAll(cdir, 0o755); err != nil {
		return nil, err
	}
	conf, err := writeFile(cdir, "bird.conf", RenderClient(p, filepath.Join(cdir, "bird.log")))
	if err != nil {
		return nil, err
	}
	ctl := filepath.Join(cdir, "bird.ctl")
	pr, err := startProc("bird-"+p.Name, cdir, bins.BIRD, "-f", "-c", conf, "-s", ctl, "-P", filepath.Join(cdir, "bird.pid"))
	if err != nil {
		return nil, err
	}
	c := &client{peer: p, proc: pr}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := pr.exited(); err != nil {
			return c, fmt.Errorf("client %s: %w (see %s)", p.Name, err, cdir)
		}
		if s, err := dialBIRD(ctl, time.Second); err == nil {
			c.sock = s
			return c, nil
		}
		if time.Now().After(deadline) {
			return c, fmt.Errorf("client %s: control socket did not answer within 20s", p.Name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *client) stop() {
	if c == nil {
		return
	}
	if c.sock != nil {
		c.sock.Close()
	}
	c.proc.stop()
}

func (c *client) cmd(cmd string) (string, error) { return c.cmdTimeout(cmd, ctlTimeout) }

func (c *client) cmdTimeout(cmd string, timeout time.Duration) (string, error) {
	if err := c.proc.exited(); err != nil {
		return "", err
	}
	return c.sock.Cmd(cmd, timeout)
}

// established reports whether the session to the route server is up.
func (c *client) established() (bool, error) {
	out, err := c.cmd("show protocols " + clientSession)
	if err != nil {
		return false, err
	}
	return strings.Contains(out, "Established"), nil
}

// received counts the routes the client holds from the route server:
// the channel's "N imported" counter, which BIRD keeps as routes come and
// go. The probe runs every 20 ms at every pending client during the
// measured phases, so it must cost the client nothing: "show route ...
// count" walked the client's whole table each time (855,000 routes at the
// large size), and on 2 cores the clients' counting took CPU from the
// route server under test, more the longer it took to converge.
func (c *client) received() (int, error) {
	out, err := c.cmd("show protocols all " + clientSession)
	if err != nil {
		return 0, err
	}
	return parseImported(out)
}

// parseImported reads the session channel's "Routes: N imported, ..."
// line of "show protocols all" and returns N.
func parseImported(out string) (int, error) {
	for _, l := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), "Routes:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 2 || strings.TrimSuffix(f[1], ",") != "imported" {
			return 0, fmt.Errorf("%q: no imported count", strings.TrimSpace(l))
		}
		return strconv.Atoi(f[0])
	}
	return 0, fmt.Errorf("no route count in %q", strings.TrimSpace(out))
}

// importStats returns BIRD's "Import updates" and "Import withdraws"
// received counters of the session: route updates the route server sent.
func (c *client) importStats() (updates, withdraws int64, err error) {
	out, err := c.cmd("show protocols all " + clientSession)
	if err != nil {
		return 0, 0, err
	}
	return parseImportStats(out)
}

func parseImportStats(out string) (updates, withdraws int64, err error) {
	found := 0
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		for key, dst := range map[string]*int64{"Import updates:": &updates, "Import withdraws:": &withdraws} {
			if rest, ok := strings.CutPrefix(l, key); ok {
				f := strings.Fields(rest)
				if len(f) == 0 {
					return 0, 0, fmt.Errorf("%q: no counters", l)
				}
				v, err := strconv.ParseInt(f[0], 10, 64)
				if err != nil {
					return 0, 0, fmt.Errorf("%q: %w", l, err)
				}
				*dst = v
				found++
			}
		}
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("no Import updates/withdraws counters in:\n%s", out)
	}
	return updates, withdraws, nil
}
