package config

import (
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/filters"
)

func TestPeerAddressingErrors(t *testing.T) {
	peer := func(name, addr string, asn int, extra string) string {
		return "\n[[peers]]\nname = \"" + name + "\"\naddress = \"" + addr + "\"\nasn = " + strconv.Itoa(asn) + "\n" + extra
	}
	cases := []struct {
		name string
		doc  string
		want []wantErr
	}{
		{"ipv6_address not v6", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `ipv6_address = "127.0.0.9" # E`+"\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).ipv6_address", "127.0.0.9 is not an IPv6 address"}}},
		{"ipv6_address unparsable", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `ipv6_address = "2a0a::zz" # E`+"\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).ipv6_address", "is not an IP address"}}},
		{"ipv6_address link-local", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `ipv6_address = "fe80::1" # E`+"\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).ipv6_address", "link-local"}}},
		{"ipv4_address not v4", baseGlobal + peer("ix-a", "2a0a:1::2", 21001, `ipv4_address = "2a0a:1::3" # E`+"\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).ipv4_address", "not an IPv4 address"}}},
		{"ipv4_address differs from v4 session", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `ipv4_address = "127.0.0.3" # E`+"\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).ipv4_address", "differs from the IPv4 session address"}}},
		{"addresses element", baseGlobal + peer("ix-a", "127.0.0.2", 21001, "addresses = [\n  \"127.0.0.12\",\n  \"ff02::1\", # E\n]\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).addresses[1]", "not a unicast address"}}},
		{"address of another peer", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `ipv6_address = "2a0a:1::2"`+"\n") +
			peer("ix-b", "127.0.0.3", 21002, `ipv6_address = "2a0a:1::2" # E`+"\n"),
			[]wantErr{{"# E", "peers[1] (ix-b).ipv6_address", "already an address of peers[0] (ix-a)"}}},
		{"session address of another peer", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `addresses = ["127.0.0.3"] # E`+"\n") +
			peer("ix-b", "127.0.0.3", 21002, ""),
			[]wantErr{{"# E", "peers[0] (ix-a).addresses[0]", "already an address of peers[1] (ix-b)"}}},
		{"unknown family", baseGlobal + peer("ix-a", "127.0.0.2", 21001, "families = [\n  \"ipv4\",\n  \"ipv6-multicast\", # E\n]\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).families[1]", `"ipv6-multicast": want "ipv4" or "ipv6"`}}},
		{"family twice", baseGlobal + peer("ix-a", "127.0.0.2", 21001, "families = [\n  \"ipv4\",\n  \"ipv4\", # E\n]\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).families[1]", "listed twice"}}},
		{"no families", baseGlobal + peer("ix-a", "127.0.0.2", 21001, "families = [] # E\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).families", "empty"}}},
		{"families not a list", baseGlobal + peer("ix-a", "127.0.0.2", 21001, "families = \"ipv4\" # E\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).families", "want an array"}}},
		{"peer next_hop", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `next_hop = "loose" # E`+"\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).next_hop", `"loose": want "strict", "same-as", "authorized", "off"`}}},
		{"global next_hop", baseGlobal + "[filters]\nnext_hop = \"any\" # E\n",
			[]wantErr{{"# E", "filters.next_hop", `"any": want "strict", "same-as", "authorized", "off"`}}},
		{"authorized list without authorized", baseGlobal + peer("ix-a", "127.0.0.2", 21001, `authorized_next_hops = ["127.0.0.50"] # E`+"\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).authorized_next_hops", `ignored: the next-hop policy in force is "strict"`}}},
		{"authorized list bad element", baseGlobal + peer("ix-a", "127.0.0.2", 21001, "next_hop = \"authorized\"\nauthorized_next_hops = [\"127.0.0.50\", \"x\"] # E\n"),
			[]wantErr{{"# E", "peers[0] (ix-a).authorized_next_hops[1]", `"x" is not an IP address`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), "test.toml", t.TempDir())
			if err == nil {
				t.Fatalf("no error; want %d", len(tc.want))
			}
			got := asErrors(t, err)
			if len(got) != len(tc.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(got), len(tc.want), err)
			}
			for _, w := range tc.want {
				checkHasError(t, got, "test.toml", lineOf(t, tc.doc, w.marker), w.key, w.msg)
			}
		})
	}
}

func TestPeerAddressingResolved(t *testing.T) {
	doc := baseGlobal + `
[filters]
next_hop = "same-as"

[[peers]]
name = "a1"
address = "127.0.0.2"
asn = 21001
ipv6_address = "2a0a:1::2"
families = ["ipv4", "ipv6"]

[[peers]]
name = "a2"
address = "2a0a:1::12"
asn = 21001
addresses = ["127.0.0.12"]

[[peers]]
name = "b"
address = "127.0.0.3"
asn = 21002
next_hop = "authorized"
authorized_next_hops = ["127.0.0.50", "2a0a:1::50"]

[[peers]]
name = "c"
address = "127.0.0.4"
asn = 21003
next_hop = "off"
`
	c, err := Parse([]byte(doc), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	p := func(name string) Peer { x, _ := c.Peer(name); return *x }
	if got := p("a1").EnabledFamilies(); got != filters.FamiliesIPv4|filters.FamiliesIPv6 {
		t.Errorf("a1 families %v", got)
	}
	if got := p("a2").EnabledFamilies(); got != filters.FamiliesIPv6 {
		t.Errorf("a2 (v6 session, default) families %v", got)
	}
	if got := p("a1").OwnAddresses(); !reflect.DeepEqual(got, []netip.Addr{a("127.0.0.2"), a("2a0a:1::2")}) {
		t.Errorf("a1 own %v", got)
	}
	if got, ok := p("a2").AddressOf(true); !ok || got != a("127.0.0.12") {
		t.Errorf("a2 IPv4 address %v %v", got, ok)
	}
	want := map[string]filters.NextHopPolicy{
		"a1": {Mode: filters.NextHopSameAS, Extra: []netip.Addr{a("2a0a:1::12"), a("127.0.0.12")}},
		"a2": {Mode: filters.NextHopSameAS, Extra: []netip.Addr{a("127.0.0.2"), a("2a0a:1::2")}},
		"b":  {Mode: filters.NextHopAuthorized, Extra: []netip.Addr{a("127.0.0.50"), a("2a0a:1::50")}},
		"c":  {Mode: filters.NextHopOff},
	}
	for name, w := range want {
		if got := c.NextHopPolicy(p(name)); !reflect.DeepEqual(got, w) {
			t.Errorf("%s: policy %+v, want %+v", name, got, w)
		}
	}
	// the normalized form parses back to the same addressing
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out, "normalized.toml", t.TempDir())
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for i := range c.Peers {
		x, y := c.Peers[i], back.Peers[i]
		if x.IPv6Address != y.IPv6Address || !reflect.DeepEqual(x.Addresses, y.Addresses) || !reflect.DeepEqual(x.Families, y.Families) ||
			x.NextHop != y.NextHop || !reflect.DeepEqual(x.AuthorizedNextHops, y.AuthorizedNextHops) {
			t.Errorf("peer %s changed in the round trip:\n%+v\n%+v", x.Name, x, y)
		}
	}
}

func TestAddressingWarnings(t *testing.T) {
	doc := func(peer string) string {
		return baseGlobal + "\n[irr]\nfiles = [\"irr.db\"]\n\n[[peers]]\nname = \"ix-a\"\naddress = \"45.255.0.1\"\nasn = 21001\n" + peer + "\n"
	}
	cases := []struct {
		name, peer string
		want       [][3]string // marker, key, message fragment
	}{
		{"IPv6 prefixes on an IPv4-only peer", "prefixes = [\"45.1.0.0/16\", \"2a0a:1::/32\", \"2a0a:2::/32\"] # W",
			[][3]string{{"# W", "peers[0] (ix-a).prefixes[1]", "2 ipv6 prefixes (first 2a0a:1::/32), but families (ipv4) does not include ipv6"}}},
		{"IPv6 enabled, no IPv6 address, strict", "families = [\"ipv4\", \"ipv6\"] # W\nprefixes = [\"2a0a:1::/32\"]",
			[][3]string{{"# W", "peers[0] (ix-a).families", `ipv6 is enabled but the peer has no ipv6 address (ipv6_address) and next_hop = "strict" allows none`}}},
		{"IPv6 enabled via as_set, no IPv6 address", "families = [\"ipv4\", \"ipv6\"] # W\nas_set = \"AS-A\"",
			[][3]string{{"# W", "peers[0] (ix-a).families", "(next_hop_mismatch)"}}},
		{"authorized IPv6 next hop is enough", "families = [\"ipv4\", \"ipv6\"]\nprefixes = [\"2a0a:1::/32\"]\nnext_hop = \"authorized\"\nauthorized_next_hops = [\"2a0a:1::9\"]", nil},
		{"next_hop off checks nothing", "families = [\"ipv4\", \"ipv6\"]\nprefixes = [\"2a0a:1::/32\"]\nnext_hop = \"off\"", nil},
		{"receive-only IPv6", "families = [\"ipv4\", \"ipv6\"]\nprefixes = [\"45.1.0.0/16\"]", nil},
		{"IPv6 with its address", "families = [\"ipv4\", \"ipv6\"]\nipv6_address = \"2a0a:1::2\"\nprefixes = [\"2a0a:1::/32\"]", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "irr.db", "")
			d := doc(tc.peer)
			cfg, err := Parse([]byte(d), "rs.toml", dir)
			if err != nil {
				t.Fatal(err)
			}
			ws := cfg.Warnings()
			if len(ws) != len(tc.want) {
				t.Fatalf("%d warnings, want %d: %q", len(ws), len(tc.want), ws)
			}
			for i, w := range tc.want {
				if ws[i].Line != lineOf(t, d, w[0]) || ws[i].Key != w[1] || !strings.Contains(ws[i].Msg, w[2]) {
					t.Errorf("warning %s, want line of %q key %q containing %q", ws[i], w[0], w[1], w[2])
				}
			}
		})
	}
}
