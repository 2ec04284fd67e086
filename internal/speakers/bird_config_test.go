package speakers

import (
	"strings"
	"testing"
)

func validBIRD() BIRDConfig {
	return BIRDConfig{ASN: 21001, Neighbors: []BIRDNeighbor{{
		Name: "peer_1", LocalAddr: "127.60.0.1", PeerAddr: "127.60.0.2", PeerASN: 21002,
	}}}
}

func TestBIRDConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*BIRDConfig)
		wantErr []string // substrings; none means valid
	}{
		{"valid", func(*BIRDConfig) {}, nil},
		{"raw skips checks", func(c *BIRDConfig) { c.Raw = "anything"; c.Neighbors = nil }, nil},
		{"no router id", func(c *BIRDConfig) { c.Neighbors[0].LocalAddr, c.Neighbors[0].PeerAddr = "::1", "::1" }, []string{"router id"}},
		{"bad name", func(c *BIRDConfig) { c.Neighbors[0].Name = "1peer" }, []string{`neighbors[0] "1peer": name`}},
		{"duplicate name", func(c *BIRDConfig) { c.Neighbors = append(c.Neighbors, c.Neighbors[0]) }, []string{"duplicate name"}},
		{"bad peer", func(c *BIRDConfig) { c.Neighbors[0].PeerAddr = "127.60.0" }, []string{"PeerAddr"}},
		{"mixed families", func(c *BIRDConfig) { c.Neighbors[0].PeerAddr = "::1" }, []string{"different families"}},
		{"zero asn", func(c *BIRDConfig) { c.ASN = 0 }, []string{"must be non-zero"}},
		{"local asn override", func(c *BIRDConfig) { c.ASN = 0; c.Neighbors[0].LocalASN = 21001 }, nil},
		{"quote in password", func(c *BIRDConfig) { c.Neighbors[0].Password = `a"b` }, []string{"password"}},
		{"port range", func(c *BIRDConfig) { c.Neighbors[0].PeerPort = 70000 }, []string{"port 70000"}},
		{"nh addr family", func(c *BIRDConfig) { c.Neighbors[0].NextHopAddr6 = "127.0.0.1" }, []string{"NextHopAddr6"}},
		{"v4 prefix in static6", func(c *BIRDConfig) { c.Static6 = []StaticRoute{{Prefix: "45.1.0.0/24"}} }, []string{`static6[0] "45.1.0.0/24": not an IPv6 prefix`}},
		{"host bits", func(c *BIRDConfig) { c.Static4 = []StaticRoute{{Prefix: "45.1.0.1/24"}} }, []string{"did you mean 45.1.0.0/24"}},
		{"nh family", func(c *BIRDConfig) { c.Static4 = []StaticRoute{{Prefix: "45.1.0.0/24", NextHop: "::1"}} }, []string{"need an IPv4 address"}},
		{"as 0", func(c *BIRDConfig) { c.Static4 = []StaticRoute{{Prefix: "45.1.0.0/24", ASPath: []uint32{21001, 0}}} }, []string{"AS 0"}},
		{"v6 on ::1 needs next hop", func(c *BIRDConfig) {
			c.RouterID = "127.60.0.1"
			c.Neighbors[0].LocalAddr, c.Neighbors[0].PeerAddr = "::1", "::1"
			c.Static6 = []StaticRoute{{Prefix: "2a0a:1::/48"}}
		}, []string{"needs a NextHop"}},
		{"all errors at once", func(c *BIRDConfig) {
			c.Neighbors[0].Name = ""
			c.Static4 = []StaticRoute{{Prefix: "bogus"}}
		}, []string{"name must", `static4[0] "bogus"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validBIRD()
			tt.edit(&c)
			err := c.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestBIRDRenderPaths pins how StaticRoute.ASPath becomes prepends: BIRD
// prepends the local ASN itself except under rs client, so the filter must
// prepend the remaining ASNs right to left.
func TestBIRDRenderPaths(t *testing.T) {
	tests := []struct {
		name     string
		route    StaticRoute
		rs       bool   // expect `rs client`
		wantLine string // the filter's line for the prefix; "" = no line
	}{
		{"default path", StaticRoute{Prefix: "45.1.0.0/24"}, false, ""},
		{"own asn first", StaticRoute{Prefix: "45.1.0.0/24", ASPath: []uint32{21001, 21003, 21004}},
			false, "if net = 45.1.0.0/24 then { bgp_path.prepend(21004); bgp_path.prepend(21003); accept; }"},
		{"own asn only, next hop", StaticRoute{Prefix: "45.1.0.0/24", ASPath: []uint32{21001}, NextHop: "127.60.0.99"},
			false, "if net = 45.1.0.0/24 then { bgp_next_hop = 127.60.0.99; accept; }"},
		{"foreign first asn", StaticRoute{Prefix: "45.1.0.0/24", ASPath: []uint32{21009, 21004}},
			true, "if net = 45.1.0.0/24 then { bgp_path.prepend(21004); bgp_path.prepend(21009); accept; }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validBIRD()
			c.Static4 = []StaticRoute{tt.route}
			text := c.Render("/tmp/x.log")
			if got := strings.Contains(text, "rs client;"); got != tt.rs {
				t.Errorf("rs client = %v, want %v\n%s", got, tt.rs, text)
			}
			if tt.wantLine != "" && !strings.Contains(text, tt.wantLine) {
				t.Errorf("missing filter line %q\n%s", tt.wantLine, text)
			}
			if tt.wantLine == "" && strings.Contains(text, "if net =") {
				t.Errorf("unexpected per-route filter line\n%s", text)
			}
		})
	}
	t.Run("rs client gives default routes the local ASN", func(t *testing.T) {
		c := validBIRD()
		c.Static4 = []StaticRoute{{Prefix: "45.1.0.0/24", ASPath: []uint32{21009}}, {Prefix: "45.2.0.0/24"}}
		if text := c.Render("/tmp/x.log"); !strings.Contains(text, "if net = 45.2.0.0/24 then { bgp_path.prepend(21001); accept; }") {
			t.Errorf("route without ASPath does not get [21001] under rs client\n%s", text)
		}
	})
	t.Run("next hop address for the other family", func(t *testing.T) {
		c := validBIRD()
		c.Neighbors[0].IPv6 = true
		c.Neighbors[0].IPv4 = true
		if text := c.Render("/tmp/x.log"); !strings.Contains(text, "next hop address ::1;") {
			t.Errorf("IPv6 channel on an IPv4 session lacks a next hop address\n%s", text)
		}
	})
}

func TestExaBGPConfigRender(t *testing.T) {
	c := ExaBGPConfig{LocalAddr: "127.60.0.10", ASN: 21003, Neighbors: []ExaBGPNeighbor{
		{PeerAddr: "127.60.0.11", PeerASN: 21002, Password: "k", Passive: true},
		{PeerAddr: "127.60.0.12", PeerASN: 21004, PeerPort: 1790, IPv6: true},
	}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	text := c.render("/x/relay.py a b")
	for _, want := range []string{
		"run /x/relay.py a b;", "router-id 127.60.0.10;", `md5-password "k";`, "passive true;",
		"listen 179;", "connect 1790;", "ipv6 unicast;", "neighbor-changes;",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("config lacks %q\n%s", want, text)
		}
	}
	if strings.Count(text, "listen ") != 1 {
		t.Errorf("an active neighbor got a listener\n%s", text)
	}
	bad := ExaBGPConfig{LocalAddr: "::1", Neighbors: []ExaBGPNeighbor{{PeerAddr: "127.0.0.1"}}}
	err := bad.Validate()
	for _, want := range []string{"router id", "different families", "non-zero"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error %v lacks %q", err, want)
		}
	}
}

func TestFRRConfigValidate(t *testing.T) {
	c := FRRConfig{LocalAddr: "127.60.0.20", ASN: 21005,
		Neighbors: []FRRNeighbor{{PeerAddr: "127.60.0.21", PeerASN: 21006}},
		Static4:   []StaticRoute{{Prefix: "45.1.0.0/24", ASPath: []uint32{21005, 21007}}}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if text := c.render("/x.log"); !strings.Contains(text, "set as-path prepend 21007") {
		t.Errorf("missing prepend\n%s", text)
	}
	c.Static4 = []StaticRoute{{Prefix: "45.1.0.0/24", ASPath: []uint32{21009}, NextHop: "127.0.0.9"}}
	err := c.Validate()
	for _, want := range []string{"must start with the local ASN", "NextHop is not supported"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error %v lacks %q", err, want)
		}
	}
}

func TestAddrAndPort6(t *testing.T) {
	tests := []struct {
		pkg, host byte
		want      string
	}{{PkgRouteServer, 1, "127.10.0.1"}, {PkgCmd, 254, "127.50.0.254"}, {PkgSpeakers, 0, "127.60.0.0"}}
	for _, tt := range tests {
		if got := Addr(tt.pkg, tt.host); got != tt.want {
			t.Errorf("Addr(%d, %d) = %s, want %s", tt.pkg, tt.host, got, tt.want)
		}
	}
	seen := map[int]string{}
	for _, pkg := range []byte{PkgRouteServer, PkgIRR, PkgDampening, PkgAPI, PkgCmd, PkgSpeakers} {
		for n := byte(0); n < 100; n++ {
			p := Port6(pkg, n)
			if p < 1024 || p >= 32768 {
				t.Fatalf("Port6(%d, %d) = %d outside 1024..32767", pkg, n, p)
			}
			if prev, dup := seen[p]; dup {
				t.Fatalf("Port6(%d, %d) = %d, also %s", pkg, n, p, prev)
			}
			seen[p] = Addr(pkg, n)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Port6(60, 100) did not panic")
		}
	}()
	Port6(PkgSpeakers, 100)
}
