package routeserver

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/internal/speakers"
)

// packingOctet: this test's addresses are 127.10.21.x (the engineer's
// octet of the routeserver package range), so it runs beside the others.
func packingAddr(host byte) string { return fmt.Sprintf("127.%d.21.%d", speakers.PkgRouteServer, host) }

// packingSenderConfig is birdSenderConfig with an export filter that gives
// the two halves of the table different communities, so the route server
// has two attribute sets to pack.
func packingSenderConfig(local, peer string, prefixes []string) string {
	cfg := birdSenderConfig(local, peer, 21000, prefixes)
	return strings.Replace(cfg, "export all;",
		"export filter { if net ~ [ 45.0.0.0/11+ ] then bgp_community.add((21001,1)); else bgp_community.add((21001,2)); accept; };", 1)
}

// wireRoute is what the receiver holds for a prefix: the attributes that
// must cross the route server unchanged.
type wireRoute struct {
	asPath    string
	nextHop   string
	community string
}

// countingReceiver is a route-server client that only listens: it counts
// the UPDATE messages it gets and applies them to its own table.
type countingReceiver struct {
	rp *RawPeer

	mu        sync.Mutex
	updates   int // UPDATE messages other than End-of-RIB
	withdraws int // of them, carrying withdrawn routes
	octets    int
	routes    map[netip.Prefix]wireRoute
	err       error
}

func dialCountingReceiver(t *testing.T, cfg SpeakerConfig) *countingReceiver {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(cfg.Address)}, Timeout: 5 * time.Second}
	var conn net.Conn
	var err error
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		conn, err = d.Dial("tcp", net.JoinHostPort(cfg.RSAddr, strconv.Itoa(cfg.RSPort)))
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("receiver: %v", err)
	}
	r := &countingReceiver{rp: &RawPeer{conn: conn, done: make(chan struct{})}, routes: map[netip.Prefix]wireRoute{}}
	if err := r.rp.handshake(cfg); err != nil {
		conn.Close()
		t.Fatalf("receiver: %v", err)
	}
	go r.readLoop()
	go r.rp.keepaliveLoop()
	t.Cleanup(r.rp.Close)
	return r
}

func (r *countingReceiver) readLoop() {
	defer close(r.rp.done)
	for {
		m, err := readMessage(r.rp.conn)
		if err != nil {
			r.mu.Lock()
			r.err = err
			r.mu.Unlock()
			return
		}
		u, ok := m.Body.(*bgp.BGPUpdate)
		if !ok {
			continue
		}
		if eor, _ := u.IsEndOfRib(); eor {
			continue
		}
		r.apply(u, int(m.Header.Len))
	}
}

func (r *countingReceiver) apply(u *bgp.BGPUpdate, octets int) {
	route := wireRoute{}
	for _, a := range u.PathAttributes {
		switch a := a.(type) {
		case *bgp.PathAttributeAsPath:
			var segs []string
			for _, p := range a.Value {
				segs = append(segs, p.String())
			}
			route.asPath = strings.Join(segs, " ")
		case *bgp.PathAttributeNextHop:
			route.nextHop = a.Value.String()
		case *bgp.PathAttributeCommunities:
			var cs []string
			for _, c := range a.Value {
				cs = append(cs, fmt.Sprintf("%d:%d", c>>16, c&0xffff))
			}
			route.community = strings.Join(cs, " ")
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates++
	r.octets += octets
	if len(u.WithdrawnRoutes) > 0 {
		r.withdraws++
	}
	for _, w := range u.WithdrawnRoutes {
		delete(r.routes, netip.MustParsePrefix(w.String()))
	}
	for _, n := range u.NLRI {
		r.routes[netip.MustParsePrefix(n.String())] = route
	}
}

func (r *countingReceiver) snapshot() (routes, updates, withdraws, octets int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.routes), r.updates, r.withdraws, r.octets, r.err
}

// waitRoutes waits until the receiver holds n routes; it returns how long
// that took.
func (r *countingReceiver) waitRoutes(t *testing.T, n int, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		got, updates, _, _, err := r.snapshot()
		if got == n {
			return time.Since(start)
		}
		if err != nil {
			t.Fatalf("receiver: %v (holding %d routes of %d after %d UPDATEs)", err, got, n, updates)
		}
		if time.Since(start) > timeout {
			t.Fatalf("receiver holds %d routes, want %d, after %v and %d UPDATEs", got, n, timeout, updates)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestUpdatePackingBIRDToReceiver: a BIRD client announces 20,000 routes
// through the route server to a client that counts the UPDATE messages it
// gets (gobgp patch 10). Every route must arrive with its attributes as
// BIRD sent them, and every withdrawal when BIRD's session goes down; the
// message counts and times are logged for PATCHES.md.
func TestUpdatePackingBIRDToReceiver(t *testing.T) {
	speakers.Require(t, "bird")
	const n = 20_000
	prefixes := benchPrefixes(n)
	rsAddr, senderAddr, receiverAddr := packingAddr(1), packingAddr(2), packingAddr(3)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "[global]\nasn = 21000\nrouter_id = %q\nlisten_addresses = [%q]\nlisten_port = 179\nstate_dir = \"S\"\n", rsAddr, rsAddr)
	fmt.Fprintf(&cfg, "[[peers]]\nname = \"a\"\naddress = %q\nasn = 21001\nprefixes = [\"%s\"]\n", senderAddr, strings.Join(prefixes, `", "`))
	fmt.Fprintf(&cfg, "[[peers]]\nname = \"b\"\naddress = %q\nasn = 21002\nprefixes = [\"45.200.0.0/16+\"]\n", receiverAddr)
	startRS(t, cfg.String(), nil)

	recv := dialCountingReceiver(t, SpeakerConfig{ASN: 21002, RouterID: receiverAddr, Address: receiverAddr, RSAddr: rsAddr, RSPort: 179})
	send := speakers.StartBIRD(t, speakers.BIRDConfig{Raw: packingSenderConfig(senderAddr, rsAddr, prefixes)})
	start := time.Now()
	if err := send.EnableProtocol("to_rs"); err != nil {
		t.Fatal(err)
	}
	recv.waitRoutes(t, n, 3*time.Minute)
	announceTime := time.Since(start)
	_, announceUpdates, _, announceOctets, _ := recv.snapshot()

	recv.mu.Lock()
	for _, p := range prefixes {
		pfx := netip.MustParsePrefix(p)
		want := wireRoute{asPath: "21001", nextHop: senderAddr, community: "21001:2"}
		if pfx.Addr().As4()[1] < 32 {
			want.community = "21001:1"
		}
		if got, ok := recv.routes[pfx]; !ok || got != want {
			t.Errorf("%s: got %+v (present %v), want %+v", p, got, ok, want)
			break
		}
	}
	recv.mu.Unlock()

	start = time.Now()
	if err := send.DisableProtocol("to_rs"); err != nil {
		t.Fatal(err)
	}
	recv.waitRoutes(t, 0, 3*time.Minute)
	withdrawTime := time.Since(start)
	_, updates, withdraws, octets, _ := recv.snapshot()

	t.Logf("%d routes: announced in %d UPDATEs (%d octets) in %v; withdrawn in %d UPDATEs (%d octets) in %v",
		n, announceUpdates, announceOctets, announceTime.Round(time.Millisecond),
		updates-announceUpdates, octets-announceOctets, withdrawTime.Round(time.Millisecond))
	// GoBGP v3.37.0 sent one UPDATE per route (20,000 each way); BIRD
	// sends its table in UPDATEs of hundreds of routes, and the route
	// server packs what one of them brings. A bound well above what
	// scheduling can cause, far below one per route.
	if announceUpdates > n/20 || updates-announceUpdates > n/20 {
		t.Errorf("%d UPDATEs to announce and %d to withdraw %d routes, want at most %d each",
			announceUpdates, updates-announceUpdates, n, n/20)
	}
	if withdraws != updates-announceUpdates {
		t.Errorf("%d of the %d UPDATEs after the session went down carry withdrawals", withdraws, updates-announceUpdates)
	}
}
