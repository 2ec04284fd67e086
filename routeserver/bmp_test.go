package routeserver

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/packet/bmp"
	"github.com/rsguard/rsguard/config"
)

// Addresses of the BMP and MRT tests: 127.10.18.x (this package's block,
// octet 18).
func addrM(host byte) string { return fmt.Sprintf("127.10.18.%d", host) }

// monitoringConfig: peer a (21001) may announce 45.18.0.0/16 and longer;
// anything else it sends is rejected (prefix not registered). It may
// announce 2a0a:4580:1800::/40 and longer over IPv6.
func monitoringConfig(extra string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "127.10.18.1"
listen_addresses = ["127.10.18.1"]
listen_port = 179
state_dir = "STATE"
%s
[[peers]]
name = "a"
address = "127.10.18.2"
asn = 21001
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:4580:1800::2"
prefixes = ["45.18.0.0/16+", "2a0a:4580:1800::/40+"]
`, extra)
}

func bmpStationConfig(port int) string {
	return fmt.Sprintf("[[bmp]]\naddress = %q\nport = %d\nroute_monitoring = \"both\"\nstatistics_interval = \"1s\"\n", addrM(100), port)
}

// bmpReceiver is a minimal BMP station: it accepts connections and
// decodes every message with GoBGP's BMP parser.
type bmpReceiver struct {
	ln   net.Listener
	msgs chan *bmp.BMPMessage
	errs chan error
}

func newBMPReceiver(t *testing.T) *bmpReceiver {
	t.Helper()
	ln, err := net.Listen("tcp", addrM(100)+":0")
	if err != nil {
		t.Fatal(err)
	}
	r := &bmpReceiver{ln: ln, msgs: make(chan *bmp.BMPMessage, 4096), errs: make(chan error, 16)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.read(c)
		}
	}()
	return r
}

func (r *bmpReceiver) read(c net.Conn) {
	defer c.Close()
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	sc.Split(bmp.SplitBMP)
	for sc.Scan() {
		m, err := bmp.ParseBMPMessage(sc.Bytes())
		if err != nil {
			r.errs <- err
			return
		}
		r.msgs <- m
	}
}

func (r *bmpReceiver) port() int { return r.ln.Addr().(*net.TCPAddr).Port }

// next waits for a message of type want, returning the ones skipped.
func (r *bmpReceiver) next(t *testing.T, want uint8, timeout time.Duration) (*bmp.BMPMessage, []*bmp.BMPMessage) {
	t.Helper()
	var skipped []*bmp.BMPMessage
	deadline := time.After(timeout)
	for {
		select {
		case m := <-r.msgs:
			if m.Header.Type == want {
				return m, skipped
			}
			skipped = append(skipped, m)
		case err := <-r.errs:
			t.Fatalf("BMP decode: %v", err)
		case <-deadline:
			t.Fatalf("no BMP message of type %d within %s (skipped %d)", want, timeout, len(skipped))
		}
	}
}

// rmView is what route monitoring said about one prefix in one view.
type rmView struct {
	announced, withdrawn bool
	asPath               string
}

// collectRM reads route monitoring until cond holds on the views, keyed
// "pre 45.18.1.0/24" / "post ...".
func (r *bmpReceiver) collectRM(t *testing.T, views map[string]*rmView, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case m := <-r.msgs:
			rm, ok := m.Body.(*bmp.BMPRouteMonitoring)
			if !ok {
				continue
			}
			view := "pre"
			if m.PeerHeader.IsPostPolicy() {
				view = "post"
			}
			if got := m.PeerHeader.PeerAddress.String(); got != addrM(2) || m.PeerHeader.PeerAS != 21001 {
				t.Errorf("route monitoring peer header: %s AS%d, want %s AS21001", got, m.PeerHeader.PeerAS, addrM(2))
			}
			u := rm.BGPUpdate.Body.(*bgp.BGPUpdate)
			var path string
			for _, a := range u.PathAttributes {
				if ap, ok := a.(*bgp.PathAttributeAsPath); ok {
					path = asPathString(ap)
				}
			}
			for _, n := range u.NLRI {
				v := views[view+" "+n.String()]
				if v == nil {
					v = &rmView{}
					views[view+" "+n.String()] = v
				}
				v.announced, v.asPath = true, path
			}
			for _, n := range u.WithdrawnRoutes {
				v := views[view+" "+n.String()]
				if v == nil {
					v = &rmView{}
					views[view+" "+n.String()] = v
				}
				v.withdrawn = true
			}
		case err := <-r.errs:
			t.Fatalf("BMP decode: %v", err)
		case <-deadline:
			t.Fatalf("route monitoring incomplete after %s: %v", timeout, viewsString(views))
		}
	}
}

func asPathString(ap *bgp.PathAttributeAsPath) string {
	var asns []string
	for _, seg := range ap.Value {
		for _, n := range seg.GetAS() {
			asns = append(asns, fmt.Sprint(n))
		}
	}
	return strings.Join(asns, " ")
}

func viewsString(vs map[string]*rmView) string {
	var b strings.Builder
	for k, v := range vs {
		fmt.Fprintf(&b, "%s=%+v ", k, *v)
	}
	return b.String()
}

// TestBMPStation: a station receives Initiation, Peer Up, Route
// Monitoring in both views (a rejected route pre-policy only), verdicts
// changed by a reload in the post-policy view, Statistics and Peer Down; a reload removing the station ends it with Termination,
// and a reload adding it back re-synchronises it like a fresh start.
func TestBMPStation(t *testing.T) {
	recv := newBMPReceiver(t)
	withStation := monitoringConfig(bmpStationConfig(recv.port()))
	rs := startRS(t, withStation, nil)
	ctx := context.Background()

	init, _ := recv.next(t, bmp.BMP_MSG_INITIATION, 10*time.Second)
	var sysName string
	for _, tlv := range init.Body.(*bmp.BMPInitiation).Info {
		if s, ok := tlv.(*bmp.BMPInfoTLVString); ok && s.Type == bmp.BMP_INIT_TLV_TYPE_SYS_NAME {
			sysName = s.Value
		}
	}
	if sysName != "rsguard" {
		t.Errorf("initiation sysName %q, want rsguard", sysName)
	}

	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addrM(2), Address: addrM(2), RSAddr: addrM(1), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	up, _ := recv.next(t, bmp.BMP_MSG_PEER_UP_NOTIFICATION, 20*time.Second)
	if got := up.PeerHeader.PeerAddress.String(); got != addrM(2) || up.PeerHeader.PeerAS != 21001 {
		t.Fatalf("peer up for %s AS%d, want %s AS21001", got, up.PeerHeader.PeerAS, addrM(2))
	}
	if l := up.Body.(*bmp.BMPPeerUpNotification).LocalAddress.String(); l != addrM(1) {
		t.Errorf("peer up local address %s, want %s", l, addrM(1))
	}

	accepted, rejected := "45.18.1.0/24", "46.18.1.0/24"
	if err := a.Announce(route(accepted, addrM(2), 21001), route(rejected, addrM(2), 21001)); err != nil {
		t.Fatal(err)
	}
	views := map[string]*rmView{}
	recv.collectRM(t, views, 20*time.Second, func() bool {
		return views["pre "+accepted] != nil && views["pre "+rejected] != nil &&
			views["post "+accepted] != nil && views["post "+rejected] != nil
	})
	for _, k := range []string{"pre " + accepted, "pre " + rejected, "post " + accepted} {
		if v := views[k]; !v.announced || v.asPath != "21001" {
			t.Errorf("%s: %+v, want announced with AS path 21001", k, *v)
		}
	}
	if v := views["post "+rejected]; v.announced || !v.withdrawn {
		t.Errorf("post-policy %s: %+v: a rejected route must not be in the post-policy Adj-RIB-In", rejected, *v)
	}

	// a report may predate the second route; a later one must count both
	var counts map[uint16]uint64
	for deadline := time.Now().Add(20 * time.Second); counts[bmp.BMP_STAT_TYPE_ADJ_RIB_IN] != 2; {
		if time.Now().After(deadline) {
			t.Fatalf("statistics never counted 2 routes received: %v", counts)
		}
		st, _ := recv.next(t, bmp.BMP_MSG_STATISTICS_REPORT, 10*time.Second)
		counts = statCounts(st)
	}
	if counts[bmp.BMP_STAT_TYPE_REJECTED] != 1 || counts[bmp.BMP_STAT_TYPE_LOC_RIB] != 1 {
		t.Errorf("statistics %v: want 1 rejected, 1 accepted of 2", counts)
	}

	// A reload that registers the rejected prefix flips its stored
	// verdict: the post-policy view follows, both ways, on the same
	// connection.
	registered := strings.Replace(withStation, `prefixes = ["45.18.0.0/16+", `, `prefixes = ["45.18.0.0/16+", "46.18.0.0/16+", `, 1)
	if registered == withStation {
		t.Fatal("test config: prefixes line not found")
	}
	reloadTo(t, rs, registered)
	views = map[string]*rmView{}
	recv.collectRM(t, views, 20*time.Second, func() bool { return views["post "+rejected] != nil })
	if v := views["post "+rejected]; !v.announced || v.asPath != "21001" || views["pre "+rejected] != nil {
		t.Errorf("after registering %s: post %+v, pre %v; want a post-policy announcement only", rejected, *v, views["pre "+rejected])
	}
	reloadTo(t, rs, withStation)
	views = map[string]*rmView{}
	recv.collectRM(t, views, 20*time.Second, func() bool { return views["post "+rejected] != nil })
	if v := views["post "+rejected]; v.announced || !v.withdrawn {
		t.Errorf("after unregistering %s: post %+v, want a withdrawal", rejected, *v)
	}

	// Reload: the station goes (Termination), then comes back and, as at
	// a fresh start, gets an Initiation, Peer Up and the current
	// Adj-RIB-In from the snapshot.
	if lines := reloadTo(t, rs, monitoringConfig("")); !strings.Contains(strings.Join(lines, "\n"), "[bmp]") {
		t.Errorf("plan lines %q do not mention [bmp]", lines)
	}
	recv.next(t, bmp.BMP_MSG_TERMINATION, 10*time.Second)
	reloadTo(t, rs, withStation)
	recv.next(t, bmp.BMP_MSG_INITIATION, 10*time.Second)
	recv.next(t, bmp.BMP_MSG_PEER_UP_NOTIFICATION, 10*time.Second)
	views = map[string]*rmView{}
	recv.collectRM(t, views, 20*time.Second, func() bool {
		return views["pre "+accepted] != nil && views["pre "+rejected] != nil &&
			views["post "+accepted] != nil && views["post "+rejected] != nil
	})
	if v := views["post "+rejected]; v.announced || !views["post "+accepted].announced || !views["pre "+rejected].announced {
		t.Errorf("snapshot after re-adding the station: %s", viewsString(views))
	}

	a.Close()
	down, _ := recv.next(t, bmp.BMP_MSG_PEER_DOWN_NOTIFICATION, 20*time.Second)
	if got := down.PeerHeader.PeerAddress.String(); got != addrM(2) {
		t.Errorf("peer down for %s, want %s", got, addrM(2))
	}
}

// statCounts reads a Statistics Report's counters by type.
func statCounts(m *bmp.BMPMessage) map[uint16]uint64 {
	counts := map[uint16]uint64{}
	for _, s := range m.Body.(*bmp.BMPStatisticsReport).Stats {
		switch v := s.(type) {
		case *bmp.BMPStatsTLV32:
			counts[v.Type] = uint64(v.Value)
		case *bmp.BMPStatsTLV64:
			counts[v.Type] = v.Value
		}
	}
	return counts
}

// reloadTo applies a config to the running server, keeping its state_dir,
// and returns the plan's lines.
func reloadTo(t *testing.T, rs *Server, toml string) []string {
	t.Helper()
	next, err := config.Parse([]byte(toml), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	next.Global.StateDir = rs.Config().Global.StateDir
	lines, err := rs.ApplyConfig(context.Background(), next, nil)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestBMPConfigStrict: stations must be explicit and valid.
func TestBMPConfigStrict(t *testing.T) {
	for _, tc := range []struct{ bmp, want string }{
		{"[[bmp]]\nport = 11019\n", "bmp[0].address: required"},
		{"[[bmp]]\naddress = \"0.0.0.0\"\n", "is not a station address"},
		{"[[bmp]]\naddress = \"192.0.2.1\"\nroute_monitoring = \"all\"\n", `"all": want "pre", "post" or "both"`},
		{"[[bmp]]\naddress = \"192.0.2.1\"\n[[bmp]]\naddress = \"192.0.2.1\"\n", "listed twice"},
		{"[[bmp]]\naddress = \"192.0.2.1\"\nstatistics_interval = \"10ms\"\n", "too short"},
		{"[[bmp]]\naddress = \"192.0.2.1\"\nstation = 1\n", "station"},
	} {
		_, err := config.Parse([]byte(monitoringConfig(tc.bmp)), "test.toml", t.TempDir())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.bmp, err, tc.want)
		}
	}
	if _, err := netip.ParseAddr(addrM(100)); err != nil {
		t.Fatal(err)
	}
}
