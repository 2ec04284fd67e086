package config

import (
	"net/netip"
	"strings"
	"testing"
)

// TestActionKeys: blackhole, graceful shutdown and tagging keys decode,
// default as documented, and survive the normalized round trip.
func TestActionKeys(t *testing.T) {
	d := mustParse(t, baseGlobal+mpPeer, t.TempDir())
	if d.Filters.RejectPolicy != RejectPolicyReject || d.Filters.InfoCommunities || d.Global.GracefulShutdown ||
		d.Blackhole != (Blackhole{}) || !d.Peers[0].AcceptBlackholes {
		t.Fatalf("defaults: filters %+v global %+v blackhole %+v accept %v", d.Filters, d.Global, d.Blackhole, d.Peers[0].AcceptBlackholes)
	}
	doc := `[global]
asn = 21000
router_id = "127.0.0.1"
graceful_shutdown = true
[filters]
reject_policy = "tag"
info_communities = true
[blackhole]
next_hop_ipv4 = "45.255.0.66"
next_hop_ipv6 = "2001:7f8::666"
` + mpPeer + "accept_blackholes = false\n"
	c := mustParse(t, doc, t.TempDir())
	want := Blackhole{NextHopIPv4: netip.MustParseAddr("45.255.0.66"), NextHopIPv6: netip.MustParseAddr("2001:7f8::666")}
	if c.Filters.RejectPolicy != RejectPolicyTag || !c.Filters.InfoCommunities || !c.Global.GracefulShutdown ||
		c.Blackhole != want || c.Peers[0].AcceptBlackholes {
		t.Fatalf("got filters %+v global %+v blackhole %+v accept %v", c.Filters, c.Global, c.Blackhole, c.Peers[0].AcceptBlackholes)
	}
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	back := mustParse(t, strings.ReplaceAll(string(out), Redacted, "x"), t.TempDir())
	if back.Filters.RejectPolicy != c.Filters.RejectPolicy || back.Filters.InfoCommunities != c.Filters.InfoCommunities || back.Blackhole != c.Blackhole || back.Global.GracefulShutdown != true || back.Peers[0].AcceptBlackholes {
		t.Errorf("normalized round trip lost a key:\n%s", out)
	}
}

// TestActionErrors: every bad value names its line and key.
func TestActionErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		want      wantErr
	}{
		{"reject policy", "[filters]\nreject_policy = \"drop\" # E\n", wantErr{"# E", "filters.reject_policy", `"drop": want "reject" or "tag"`}},
		{"info not a bool", "[filters]\ninfo_communities = 1 # E\n", wantErr{"# E", "filters.info_communities", "want true or false"}},
		{"v6 next hop for v4", "[blackhole]\nnext_hop_ipv4 = \"2001:7f8::666\" # E\n", wantErr{"# E", "blackhole.next_hop_ipv4", "is not an IPv4 address"}},
		{"v4 next hop for v6", "[blackhole]\nnext_hop_ipv6 = \"45.255.0.66\" # E\n", wantErr{"# E", "blackhole.next_hop_ipv6", "is not an IPv6 address"}},
		{"unspecified next hop", "[blackhole]\nnext_hop_ipv4 = \"0.0.0.0\" # E\n", wantErr{"# E", "blackhole.next_hop_ipv4", "cannot be a next hop"}},
		{"not an address", "[blackhole]\nnext_hop_ipv4 = \"blackhole\" # E\n", wantErr{"# E", "blackhole.next_hop_ipv4", "is not an IP address"}},
		{"typo", "[blackhole]\nnext_hop_v4 = \"45.255.0.66\" # E\n", wantErr{"# E", "blackhole.next_hop_v4", "unknown key"}},
		{"graceful not a bool", "[global]\nasn = 21000\nrouter_id = \"127.0.0.1\"\ngraceful_shutdown = \"yes\" # E\n", wantErr{"# E", "global.graceful_shutdown", "want true or false"}},
		{"accept_blackholes not a bool", mpPeer + "accept_blackholes = \"no\" # E\n", wantErr{"# E", "peers[0] (ix-a).accept_blackholes", "want true or false"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc
			if !strings.HasPrefix(doc, "[global]") {
				doc = baseGlobal + doc
			}
			_, err := Parse([]byte(doc), "test.toml", t.TempDir())
			if err == nil {
				t.Fatal("no error")
			}
			checkHasError(t, asErrors(t, err), "test.toml", lineOf(t, doc, tc.want.marker), tc.want.key, tc.want.msg)
		})
	}
}
