package routeserver

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// md5Addr: this file's addresses, 127.10.11.x (the faults branch's octet),
// apart from the 127.10.0.x the other tests of the package use.
func md5Addr(host byte) string { return fmt.Sprintf("127.10.11.%d", host) }

// TestMD5Faults: real BIRD 2 and FRR clients that get TCP-MD5 wrong never
// reach Established and have nothing accepted: a wrong key, no key at
// all, and the right key from a source address that is not the peer's.
// A client with the right key and address (BIRD, the control) comes up
// in the same run, so a silent failure of the harness cannot pass.
func TestMD5Faults(t *testing.T) {
	speakers.Require(t, "bird")
	speakers.RequireFRR(t)
	rsAddr := md5Addr(1)
	type client struct {
		name, addr, password string // the route server's view of the peer
		asn                  uint32
	}
	peers := []client{
		{"good", md5Addr(2), "good-secret", 21101},
		{"wrongkey-bird", md5Addr(3), "wk-bird-secret", 21102},
		{"wrongkey-frr", md5Addr(4), "wk-frr-secret", 21103},
		{"nokey-bird", md5Addr(5), "nk-bird-secret", 21104},
		{"nokey-frr", md5Addr(6), "nk-frr-secret", 21105},
		{"src", md5Addr(7), "src-secret", 21106}, // impersonated from md5Addr(8)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[global]\nasn = 21000\nrouter_id = %q\nlisten_addresses = [%q]\nlisten_port = 179\nstate_dir = \"S\"\n", rsAddr, rsAddr)
	for i, p := range peers {
		fmt.Fprintf(&b, "\n[[peers]]\nname = %q\naddress = %q\nasn = %d\npassword = %q\nprefixes = [\"45.%d.0.0/16{16,24}\"]\n",
			p.name, p.addr, p.asn, p.password, 101+i)
	}
	before := md5Counters()
	rs := startRS(t, b.String(), nil)

	bird := func(local string, asn uint32, password string, prefix string) *speakers.BIRD {
		return speakers.StartBIRD(t, speakers.BIRDConfig{ASN: asn, RouterID: local,
			Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: local, PeerAddr: rsAddr, PeerASN: 21000,
				Password: password, IPv4: true, ImportAll: true}},
			Static4: []speakers.StaticRoute{{Prefix: prefix}}})
	}
	frr := func(local string, asn uint32, password string, prefix string) *speakers.FRR {
		return speakers.StartFRR(t, speakers.FRRConfig{LocalAddr: local, ASN: asn,
			Neighbors: []speakers.FRRNeighbor{{PeerAddr: rsAddr, PeerASN: 21000, Password: password, IPv4: true}},
			Static4:   []speakers.StaticRoute{{Prefix: prefix}}})
	}
	good := bird(peers[0].addr, peers[0].asn, "good-secret", "45.101.1.0/24")
	bad := map[string]func() (string, error){} // peer name → the client's own view of its session
	wkBird := bird(peers[1].addr, peers[1].asn, "not-the-key", "45.102.1.0/24")
	bad["wrongkey-bird"] = birdInfo(wkBird)
	wkFRR := frr(peers[2].addr, peers[2].asn, "not-the-key", "45.103.1.0/24")
	bad["wrongkey-frr"] = func() (string, error) { return wkFRR.NeighborState(rsAddr) }
	nkBird := bird(peers[3].addr, peers[3].asn, "", "45.104.1.0/24")
	bad["nokey-bird"] = birdInfo(nkBird)
	nkFRR := frr(peers[4].addr, peers[4].asn, "", "45.105.1.0/24")
	bad["nokey-frr"] = func() (string, error) { return nkFRR.NeighborState(rsAddr) }
	// The right key and ASN of peer "src", from an address that is not src's.
	impostor := bird(md5Addr(8), peers[5].asn, "src-secret", "45.106.1.0/24")
	bad["src (from "+md5Addr(8)+")"] = birdInfo(impostor)

	if err := good.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatalf("control client with the right key: %v", err)
	}
	waitFor(t, 30*time.Second, "the control client's route in the store", func() bool {
		return rs.Store().Counts("good").Received == 1
	})
	// The bad clients have been retrying since they started; give them a
	// further bounded window (BIRD retries every 5 s, FRR's connect timer
	// is shorter with the harness config) and then look from both sides.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for name, info := range bad {
			if s, _ := info(); strings.EqualFold(s, "Established") {
				t.Fatalf("%s: client reports Established", name)
			}
		}
		for _, p := range rs.Peers() {
			if p.Name != "good" && p.State == "ESTABLISHED" {
				t.Fatalf("route server shows %s established", p.Name)
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	for name, info := range bad {
		s, err := info()
		t.Logf("%s: client state %q (err %v)", name, s, err)
	}
	for _, p := range rs.Peers() {
		c := rs.Store().Counts(p.Name)
		t.Logf("route server: %s state %s received %d", p.Name, p.State, c.Received)
		if p.Name != "good" && c.Received != 0 {
			t.Errorf("%s: %d routes received without a valid MD5 session", p.Name, c.Received)
		}
	}
	// The kernel's own account (system-wide counters, so only logged).
	after := md5Counters()
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			t.Logf("kernel %s +%d during the test", k, d)
		}
	}
}

func birdInfo(b *speakers.BIRD) func() (string, error) {
	return func() (string, error) {
		_, info, _, err := b.ProtocolState("to_rs")
		return info, err
	}
}

// md5Counters reads the TCPMD5* counters of /proc/net/netstat (nil when
// unreadable): how many segments the kernel dropped for a missing,
// unexpected or failing signature.
func md5Counters() map[string]int64 {
	data, err := os.ReadFile("/proc/net/netstat")
	if err != nil {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	out := map[string]int64{}
	for i := 0; i+1 < len(lines); i += 2 {
		names, values := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if len(names) != len(values) || len(names) == 0 || names[0] != "TcpExt:" {
			continue
		}
		for j, n := range names {
			if strings.HasPrefix(n, "TCPMD5") {
				var v int64
				fmt.Sscan(values[j], &v)
				out[n] = v
			}
		}
	}
	return out
}
