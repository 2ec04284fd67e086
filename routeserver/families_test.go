package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// rawPairRS starts a route server on nhAddr(base+1) with two clients: "c",
// a RawPeer on nhAddr(base+2) (AS21001, cKeys added to its [[peers]]
// table), and "d", a GoBGP speaker on nhAddr(base+3) carrying both families.
// Both sessions are up when it returns.
func rawPairRS(t *testing.T, base byte, cKeys string, tweak func(*Server)) (*Server, *RawPeer, *Speaker) {
	t.Helper()
	rsA, cA, dA := nhAddr(base+1), nhAddr(base+2), nhAddr(base+3)
	rs := startRS(t, nhGlobal(rsA)+fmt.Sprintf(`
[[peers]]
name = "c"
address = "%[2]s"
asn = 21001
%[4]s

[[peers]]
name = "d"
address = "%[3]s"
asn = 21002
families = ["ipv4", "ipv6"]
prefixes = []
`, rsA, cA, dA, cKeys), tweak)
	ctx := context.Background()
	d := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: dA, Address: dA, RSAddr: rsA, RSPort: 179, RSASN: 21000})
	if err := d.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	c, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: cA, Address: cA, RSAddr: rsA, RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return rs, c, d
}

// TestFamilyNotNegotiatedRawPeer: a client that sends an IPv6 route on a
// session that did not negotiate IPv6 (families default to the IPv4
// session's own). GoBGP treats it as an error and resets the session
// (RFC 4760 §7 allows it); the route never reaches the store or another
// client, and the peer's status says why, with reason 4.
func TestFamilyNotNegotiatedRawPeer(t *testing.T) {
	rs, r, s := rawPairRS(t, 10, `prefixes = ["45.1.0.0/16{16,24}", "2a0a:1::/32{32,48}"]`, nil)
	ctx := context.Background()
	v4 := route("45.1.1.0/24", nhAddr(12), 21001)
	v6 := route("2a0a:1:1::/48", "2a0a:1::12", 21001)
	if err := r.Announce(v4); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "r's IPv4 route at s", func() bool {
		got, err := s.ReceivedSet(ctx)
		_, ok := got[v4.Prefix]
		return err == nil && ok
	})
	if err := r.Announce(v6); err != nil {
		t.Fatal(err)
	}
	var st PeerStatus
	waitFor(t, 10*time.Second, "r's status to report the reset", func() bool {
		for _, p := range rs.Peers() {
			if p.Name == "c" {
				st = p
			}
		}
		return strings.Contains(st.LastError, "session reset") && st.State != "ESTABLISHED"
	})
	if !strings.Contains(st.LastError, "invalid_afi") || st.State == "ESTABLISHED" {
		t.Errorf("r: state %s, last error %q", st.State, st.LastError)
	}
	t.Logf("r's status: %s: %s", st.State, st.LastError)
	if _, ok := rs.Store().Get("c", routestoreKey(v6.Prefix)); ok {
		t.Error("the IPv6 route of a non-negotiated family reached the store")
	}
	got, _ := s.ReceivedSet(ctx)
	if _, ok := got[v6.Prefix]; ok {
		t.Error("the IPv6 route of a non-negotiated family reached another client")
	}
	if v, err := rs.Explain("c", v6); err != nil || !v.Has(filters.ReasonInvalidAFI) {
		t.Errorf("explain: %+v %v", v, err)
	}
}

func TestNotNegotiated(t *testing.T) {
	v4only, both := filters.FamiliesIPv4, filters.FamiliesIPv4|filters.FamiliesIPv6
	if got := notNegotiated([]*api.Family{familyV4, familyV6}, v4only); len(got) != 1 || got[0] != "ipv6" {
		t.Errorf("v4-only peer offering both: %v", got)
	}
	if got := notNegotiated([]*api.Family{familyV4, familyV6}, both); len(got) != 0 {
		t.Errorf("both enabled: %v", got)
	}
	if got := notNegotiated([]*api.Family{familyV4}, filters.FamiliesIPv6); len(got) != 1 || got[0] != "ipv4" {
		t.Errorf("v6-only peer offering v4: %v", got)
	}
}

// TestAddressingChanged: what re-creates a peer on reload, including a
// same-as peer whose allowed next hops change through another peer.
func TestAddressingChanged(t *testing.T) {
	parse := func(extra, other string) *config.Config {
		c, err := config.Parse([]byte(`[global]
asn = 21000
router_id = "127.10.1.1"
[filters]
next_hop = "same-as"
[[peers]]
name = "a"
address = "127.10.1.2"
asn = 21001
`+extra+`
[[peers]]
name = "b"
address = "127.10.1.3"
asn = 21001
`+other), "t.toml", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := parse("", "")
	for _, c := range []struct {
		name         string
		next         *config.Config
		changed, bCh bool
	}{
		{"nothing", parse("", ""), false, false},
		{"description only", parse(`description = "x"`, ""), false, false},
		{"families", parse(`families = ["ipv4", "ipv6"]`, ""), true, false},
		{"own ipv6 address", parse(`ipv6_address = "2a0a:1::2"`, ""), true, true}, // b's same-as list changes too
		{"policy", parse(`next_hop = "strict"`, ""), true, false},
		{"other same-AS peer's address", parse("", `addresses = ["127.10.1.13"]`), true, true},
	} {
		a0, _ := base.Peer("a")
		a1, _ := c.next.Peer("a")
		b0, _ := base.Peer("b")
		b1, _ := c.next.Peer("b")
		if got := addressingChanged(base, c.next, *a0, *a1); got != c.changed {
			t.Errorf("%s: a changed = %v, want %v", c.name, got, c.changed)
		}
		if got := addressingChanged(base, c.next, *b0, *b1); got != c.bCh {
			t.Errorf("%s: b changed = %v, want %v", c.name, got, c.bCh)
		}
	}
}

// TestDifferentialDisabledFamily: a family negotiated on the session but no
// longer enabled for the peer (the state a session is in when its config
// narrows families before it is re-created). GoBGP's compiled invalid-afi
// statement and the evaluator must agree on every route.
func TestDifferentialDisabledFamily(t *testing.T) {
	rs, c, d := rawPairRS(t, 20, `families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:1::2"
prefixes = ["45.1.0.0/16{16,24}", "45.1.8.0/22", "45.2.0.0/24", "45.3.0.0/20{22,23}", "2a0a:1::/32{32,48}", "2a0a:2::/48"]`, func(s *Server) {
		in := *s.peers["c"].input.Load()
		in.Families = filters.FamiliesIPv4 // negotiated both, enabled v4 only
		s.peers["c"].input.Store(&in)
	})
	ctx := context.Background()
	settings := rs.Settings()
	peerC := rs.peers["c"].input.Load()
	fx := fixtures(600, 8)
	want := map[netip.Prefix]bool{}
	accepted, invalidAFI := 0, 0
	for i := range fx {
		if fx[i].NextHop == netip.MustParseAddr(addr(2)) {
			fx[i].NextHop = netip.MustParseAddr(nhAddr(22))
		}
		v := filters.Evaluate(fx[i], &settings, peerC)
		want[fx[i].Prefix] = v.Accepted()
		if v.Accepted() {
			accepted++
		}
		if v.Has(filters.ReasonInvalidAFI) {
			invalidAFI++
		}
		if err := c.Announce(fx[i]); err != nil {
			t.Fatal(err)
		}
	}
	if invalidAFI == 0 || accepted == 0 {
		t.Fatalf("fixtures: %d invalid_afi, %d accepted", invalidAFI, accepted)
	}
	waitFor(t, 60*time.Second, "the store to see every fixture", func() bool { return rs.Store().Counts("c").Received == len(fx) })
	waitFor(t, 60*time.Second, fmt.Sprintf("d to receive %d routes", accepted), func() bool {
		got, err := d.ReceivedSet(ctx)
		return err == nil && len(got) >= accepted
	})
	time.Sleep(500 * time.Millisecond)
	got, _ := d.ReceivedSet(ctx)
	disagree := 0
	for _, r := range fx {
		if _, fwd := got[r.Prefix]; fwd != want[r.Prefix] {
			disagree++
			if disagree <= 10 {
				t.Errorf("%s nh %s: GoBGP forwarded=%v, evaluator accepted=%v", r.Prefix, r.NextHop, fwd, want[r.Prefix])
			}
		}
	}
	t.Logf("%d fixtures, %d accepted, %d invalid_afi, %d disagreements", len(fx), accepted, invalidAFI, disagree)
	if disagree > 0 {
		t.Fatalf("%d of %d disagree", disagree, len(fx))
	}
}
