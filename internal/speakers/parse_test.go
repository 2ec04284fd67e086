package speakers

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// birdRoutesSample is real `birdc show route all` output from BIRD 2.0.12
// (captured while building this package), plus a second route for one
// prefix, an AS_SET, a multipath gateway and a wrapped attribute.
const birdRoutesSample = `BIRD 2.0.12 ready.
Table master4:
45.2.0.0/24          unreachable [a 2026-11-28 15:52:05.438 from 127.60.0.1] * (100) [i]
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 
	BGP.next_hop: 127.60.0.1
	BGP.local_pref: 100
45.1.0.0/24          unreachable [a 2026-11-28 15:52:05.438 from 127.60.0.1] * (100) [AS21004i]
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 21009 21004
	BGP.next_hop: 127.60.0.99
	BGP.local_pref: 100
	BGP.community: (21001,1)
		(21001,2)
                     via 127.60.0.3 on lo [b 2026-11-28 15:52:06.001 from 127.60.0.3] (100) [AS21006?]
	via 127.60.0.4 on lo weight 1
	Type: BGP univ
	BGP.as_path: 21003 {21005 21006}
45.3.0.0/24          blackhole [s4 2026-11-28 15:51:22.223] * (200)
	Type: static univ

Table master6:
2a0a:1::/48          unreachable [a 2026-11-28 15:52:05.438 from 127.60.0.1] * (100) [AS21001i]
	Type: BGP univ
	BGP.as_path: 21001
	BGP.next_hop: ::1 fe80::1
`

func TestParseBIRDRoutes(t *testing.T) {
	got, err := parseBIRDRoutes(birdRoutesSample)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		table, prefix, proto, from, nh string
		path                           []uint32
		primary                        bool
	}
	want := []row{
		{"master4", "45.2.0.0/24", "a", "127.60.0.1", "127.60.0.1", []uint32{}, true},
		{"master4", "45.1.0.0/24", "a", "127.60.0.1", "127.60.0.99", []uint32{21009, 21004}, true},
		{"master4", "45.1.0.0/24", "b", "127.60.0.3", "127.60.0.3", []uint32{21003, 21005, 21006}, false},
		{"master4", "45.3.0.0/24", "s4", "", "", nil, true},
		{"master6", "2a0a:1::/48", "a", "127.60.0.1", "::1", []uint32{21001}, true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d routes, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		var from, nh string
		if g.From.IsValid() {
			from = g.From.String()
		}
		if g.NextHop.IsValid() {
			nh = g.NextHop.String()
		}
		if g.Table != w.table || g.Prefix != netip.MustParsePrefix(w.prefix) || g.Protocol != w.proto ||
			from != w.from || nh != w.nh || !slices.Equal(g.ASPath, w.path) || (g.ASPath == nil) != (w.path == nil) || g.Primary != w.primary {
			t.Errorf("route %d = %+v, want %+v", i, g, w)
		}
	}
	if c := got[1].Attrs["BGP.community"]; c != "(21001,1) (21001,2)" {
		t.Errorf("wrapped community = %q", c)
	}
	if got[3].Attrs["Type"] != "static univ" {
		t.Errorf("Type attr = %q", got[3].Attrs["Type"])
	}
}

func TestParseBIRDRoutesErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"attr first", "Table master4:\n\tType: BGP univ\n", "line 2: attribute before any route"},
		{"bad prefix", "Table master4:\n45.1.0.0/33 unreachable [a 2026-11-28 15:52:05.438] * (100)\n", "line 2"},
		{"no brackets", "45.1.0.0/24 unreachable\n", "no [protocol"},
		{"continuation first", "   unreachable [a x] (100)\n", "route without a prefix"},
		{"bad asn", "45.1.0.0/24 unreachable [a x from 127.0.0.1] * (100)\n\tBGP.as_path: 21001 x\n", `bad ASN "x"`},
		{"bad next hop", "45.1.0.0/24 unreachable [a x from 127.0.0.1] * (100)\n\tBGP.next_hop: nope\n", "BGP.next_hop"},
		{"bad from", "45.1.0.0/24 unreachable [a x from nowhere] * (100)\n", "from address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBIRDRoutes(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseBIRDProtocols(t *testing.T) {
	text := `BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
device1    Device     ---        up     2026-11-28 15:52:01.129  
a          BGP        ---        up     2026-11-28 15:52:05.396  Established   
b          BGP        ---        start  2026-11-28 15:50:54.623  Idle          Received: Invalid NEXT_HOP attribute
c          BGP        ---        start  15:50:54.623  Connect
`
	got, err := parseBIRDProtocols(text)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 11, 28, 15, 52, 5, 396e6, time.Local)
	want := []ProtocolInfo{
		{Name: "device1", Proto: "Device", Table: "---", State: "up", Since: time.Date(2026, 11, 28, 15, 52, 1, 129e6, time.Local)},
		{Name: "a", Proto: "BGP", Table: "---", State: "up", Since: since, Info: "Established"},
		{Name: "b", Proto: "BGP", Table: "---", State: "start", Since: time.Date(2026, 11, 28, 15, 50, 54, 623e6, time.Local), Info: "Idle Received: Invalid NEXT_HOP attribute"},
		{Name: "c", Proto: "BGP", Table: "---", State: "start", Info: "Connect"},
	}
	if !slices.EqualFunc(got, want, func(a, b ProtocolInfo) bool { return a == b }) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if _, err := parseBIRDProtocols("a BGP --- up\n"); err == nil {
		t.Error("row before header accepted")
	}
}

func TestParseExaBGPEvents(t *testing.T) {
	text := "neighbor 127.60.0.11 connected\n\nerror\nneighbor 127.60.0.11 up\ndone\nneighbor 127.60.0.12 down - peer reset\nshutdown 1 2\ndone\ndo"
	acks, states, err := parseExaBGPEvents(text)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(acks, []string{"error", "done", "done"}) {
		t.Errorf("acks = %q (the unterminated last line must not count)", acks)
	}
	if states["127.60.0.11"] != "up" || states["127.60.0.12"] != "down - peer reset" {
		t.Errorf("states = %q", states)
	}
}

func TestParseFRRRoutes(t *testing.T) {
	text := `{"vrfId": 0, "routes": { "45.60.40.0/24": [{"valid":true,"bestpath":true,"peerId":"(unspec)","path":"","origin":"IGP","nexthops":[{"ip":"0.0.0.0"}]}],
"45.60.41.0/24": [{"valid":true,"bestpath":true,"peerId":"127.60.0.41","path":"21006 21007","origin":"IGP","nexthops":[{"ip":"127.60.0.99"}]}] } }`
	got, err := parseFRRRoutes("ipv4", text)
	if err != nil {
		t.Fatal(err)
	}
	rs := FindRoute(got, "45.60.41.0/24")
	if len(rs) != 1 || !rs[0].HasPath(21006, 21007) || rs[0].NextHop.String() != "127.60.0.99" || rs[0].From.String() != "127.60.0.41" {
		t.Errorf("45.60.41.0/24 parsed as %+v", rs)
	}
	if rs := FindRoute(got, "45.60.40.0/24"); len(rs) != 1 || rs[0].From.IsValid() {
		t.Errorf("local route parsed as %+v", rs)
	}
	if _, err := parseFRRRoutes("ipv4", `{"routes": {"bogus": []}}`); err == nil {
		t.Error("bad prefix accepted")
	}
}

func FuzzParseBIRDRoutes(f *testing.F) {
	f.Add(birdRoutesSample)
	f.Add("45.1.0.0/24 unreachable [a x from 127.0.0.1] * (100)\n\tBGP.as_path: {1 2} (3)\n")
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := parseBIRDRoutes(text)
		if err != nil {
			return
		}
		for _, r := range rs {
			if !r.Prefix.IsValid() || r.Attrs == nil {
				t.Fatalf("accepted route without prefix or attrs: %+v", r)
			}
		}
	})
}

func FuzzParseBIRDProtocols(f *testing.F) {
	f.Add("Name Proto Table State Since Info\na BGP --- up 2026-11-28 15:52:05.396 Established\n")
	f.Fuzz(func(t *testing.T, text string) {
		ps, err := parseBIRDProtocols(text)
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.Name == "" || p.State == "" {
				t.Fatalf("accepted row without name or state: %+v", p)
			}
		}
	})
}

func FuzzParseExaBGPEvents(f *testing.F) {
	f.Add("neighbor 127.0.0.1 up\ndone\nerror\n")
	f.Fuzz(func(t *testing.T, text string) {
		acks, _, err := parseExaBGPEvents(text)
		if err != nil {
			return
		}
		for _, a := range acks {
			if a != "done" && a != "error" {
				t.Fatalf("ack %q", a)
			}
		}
	})
}
