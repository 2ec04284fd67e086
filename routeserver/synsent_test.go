package routeserver

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// Lines as the kernel writes them (header, IPv4 listener, IPv6 SYN_SENT
// to ::1 port 179, IPv4-mapped IPv6, garbage).
const procNetTCPSample = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 01060A7F:00B3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 748452 1 00000000fbc2261a 100 0 0 10 0
   1: 0100297F:A1B2 0200297F:00B3 02 00000001:00000000 01:00000190 00000002     0        0 0 2 0000000000000000 100 0 0 10 0
   0: 00000000000000000000000001000000:834B 00000000000000000000000001000000:00B3 02 00000000:00000000 03:0000059C 00000000     0        0 0 3 0000000057836ae1
   2: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000500007F:00B3 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0
   3: zz:00B3 00000000:0000 0A
   4: 0100007F:B3 00000000:0000 0A
`

func TestParseProcNetTCP(t *testing.T) {
	got := parseProcNetTCP(strings.NewReader(procNetTCPSample))
	want := []tcpSocket{
		{netip.MustParseAddrPort("127.10.6.1:179"), netip.MustParseAddrPort("0.0.0.0:0"), 0x0a},
		{netip.MustParseAddrPort("127.41.0.1:41394"), netip.MustParseAddrPort("127.41.0.2:179"), tcpSynSent},
		{netip.MustParseAddrPort("[::1]:33611"), netip.MustParseAddrPort("[::1]:179"), tcpSynSent},
		{netip.MustParseAddrPort("127.0.0.1:8080"), netip.MustParseAddrPort("127.0.0.5:179"), 0x01},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d sockets %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func FuzzParseProcNetTCP(f *testing.F) {
	f.Add(procNetTCPSample)
	f.Add("   0: 0100007F:00B3 0100007F:00B3 02")
	f.Add("0: :")
	f.Fuzz(func(t *testing.T, s string) {
		for _, sock := range parseProcNetTCP(strings.NewReader(s)) {
			if !sock.Local.Addr().IsValid() || !sock.Remote.Addr().IsValid() {
				t.Fatalf("invalid address parsed from %q: %+v", s, sock)
			}
		}
	})
}

func TestParseNetstatCounters(t *testing.T) {
	in := "TcpExt: SyncookiesSent TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure\n" +
		"TcpExt: 0 7 2 5\n" +
		"IpExt: InNoRoutes InTruncatedPkts\n" +
		"IpExt: 1 x\n" + // unreadable value skipped, not the pair
		"MPTcpExt: A\n" + // names without values
		"TcpExt: 9\n"
	got := parseNetstatCounters(strings.NewReader(in))
	want := map[string]uint64{"TcpExt.SyncookiesSent": 0, "TcpExt.TCPMD5NotFound": 7, "TcpExt.TCPMD5Unexpected": 2,
		"TcpExt.TCPMD5Failure": 5, "IpExt.InNoRoutes": 1}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
}

func FuzzParseNetstatCounters(f *testing.F) {
	f.Add("TcpExt: A B\nTcpExt: 1 2\n")
	f.Add("TcpExt: A\nTcpExt: A\nTcpExt: 3\n")
	f.Fuzz(func(t *testing.T, s string) {
		for k := range parseNetstatCounters(strings.NewReader(s)) {
			if !strings.Contains(k, ".") {
				t.Fatalf("key %q without prefix", k)
			}
		}
	})
}

// TestMD5MismatchIsExplained: real BIRD clients whose TCP-MD5 key differs
// from the route server's never get a SYN-ACK; the route server is
// passive (the default) for one and connects actively to the other, and
// each peer's last error says "MD5 mismatch suspected" (from the kernel's
// drop counters, and from our own connect stuck in SYN_SENT). A peer
// with the right key comes up and keeps an empty last error.
func TestMD5MismatchIsExplained(t *testing.T) {
	speakers.Require(t, "bird")
	rsAddr := "127.10.16.1"
	rs := startRS(t, `[global]
asn = 21000
router_id = "`+rsAddr+`"
listen_addresses = ["`+rsAddr+`"]
listen_port = 179
state_dir = "S"

[[peers]]
name = "passive"
address = "127.10.16.2"
asn = 21101
password = "the-route-servers-key"
prefixes = ["45.101.0.0/16{16,24}"]

[[peers]]
name = "active"
address = "127.10.16.3"
asn = 21102
password = "the-route-servers-key"
passive = false
prefixes = ["45.102.0.0/16{16,24}"]

[[peers]]
name = "good"
address = "127.10.16.4"
asn = 21103
password = "the-shared-key"
prefixes = ["45.103.0.0/16{16,24}"]
`, nil)
	bird := func(addr string, asn uint32, key string, passive bool) *speakers.BIRD {
		return speakers.StartBIRD(t, speakers.BIRDConfig{ASN: asn, RouterID: addr,
			Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: addr, PeerAddr: rsAddr, PeerASN: 21000,
				Password: key, Passive: passive, IPv4: true, ImportAll: true}}})
	}
	bird("127.10.16.2", 21101, "another-key", false)
	bird("127.10.16.3", 21102, "another-key", true) // only the route server connects
	good := bird("127.10.16.4", 21103, "the-shared-key", false)
	if err := good.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	explained := map[string]string{}
	for deadline := start.Add(60 * time.Second); (explained["passive"] == "" || explained["active"] == "") && time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		for _, st := range rs.Peers() {
			if st.State == "ESTABLISHED" && st.Name != "good" {
				t.Fatalf("%s: session with mismatched keys came up", st.Name)
			}
			if strings.HasPrefix(st.LastError, "MD5 mismatch suspected") {
				if _, ok := explained[st.Name]; !ok {
					t.Logf("%s explained %s after good was up: %q", st.Name, time.Since(start).Round(time.Second), st.LastError)
				}
				explained[st.Name] = st.LastError
			}
		}
	}
	if explained["passive"] == "" || explained["active"] == "" {
		t.Fatalf("explained %v, want passive and active", explained)
	}
	// our own connect to the passive BIRD: GoBGP's first attempt comes
	// 5-10s after start, and it is reported once it waited synSentAfter
	for deadline := time.Now().Add(45 * time.Second); !strings.Contains(explained["active"], "no SYN-ACK from the peer for"); time.Sleep(500 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("active: last error %q, want our SYN_SENT seen", explained["active"])
		}
		for _, st := range rs.Peers() {
			if st.Name == "active" {
				explained["active"] = st.LastError
			}
		}
	}
	t.Logf("active: %q", explained["active"])
	// good may have been given the host-wide hint before it connected;
	// established, it carries none
	for _, st := range rs.Peers() {
		if st.Name == "good" && (st.State != "ESTABLISHED" || st.LastError != "") {
			t.Errorf("good: %s, last error %q", st.State, st.LastError)
		}
	}
}
