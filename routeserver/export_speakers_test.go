package routeserver

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// exportRSConfig: RS AS21000 on 127.10.12.<rs>; ExaBGP client a (AS21001)
// announces, BIRD clients b (AS21002), c (AS21003) and d (AS212001, a
// 32-bit ASN) receive.
func exportRSConfig(rs, a, b, c, d byte, honour bool) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "S"

[communities]
honour_well_known = %[6]v

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.12.0.0/16+", "45.18.0.0/16+"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.19.0.0/16+"]

[[peers]]
name = "c"
address = "%[4]s"
asn = 21003
prefixes = []

[[peers]]
name = "d"
address = "%[5]s"
asn = 212001
prefixes = []
`, exportAddr(rs), exportAddr(a), exportAddr(b), exportAddr(c), exportAddr(d), honour)
}

// exportClients starts ExaBGP a and the BIRD clients b, c, d and waits for
// every session.
// bRoutes, when set, are originated by BIRD b with their communities.
func exportClients(t *testing.T, rs, a, b, c, d byte, bRoutes map[string]speakers.RouteCommunities) (*speakers.ExaBGP, map[string]*speakers.BIRD) {
	t.Helper()
	exa := speakers.StartExaBGP(t, speakers.ExaBGPConfig{LocalAddr: exportAddr(a), ASN: 21001,
		Neighbors: []speakers.ExaBGPNeighbor{{PeerAddr: exportAddr(rs), PeerASN: 21000, IPv4: true}}})
	birds := map[string]*speakers.BIRD{}
	for _, x := range []struct {
		name string
		host byte
		asn  uint32
	}{{"b", b, 21002}, {"c", c, 21003}, {"d", d, 212001}} {
		cfg := speakers.BIRDConfig{ASN: x.asn, RouterID: exportAddr(x.host),
			Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: exportAddr(x.host), PeerAddr: exportAddr(rs),
				PeerASN: 21000, IPv4: true, ImportAll: true}}}
		if x.name == "b" && len(bRoutes) > 0 {
			for p := range bRoutes {
				cfg.Static4 = append(cfg.Static4, speakers.StaticRoute{Prefix: p})
			}
			var err error
			if cfg, err = cfg.WithCommunities(bRoutes); err != nil {
				t.Fatal(err)
			}
		}
		birds[x.name] = speakers.StartBIRD(t, cfg)
	}
	if err := exa.WaitEstablished(exportAddr(rs), 60*time.Second); err != nil {
		t.Fatalf("ExaBGP a: %v", err)
	}
	for name, b := range birds {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", name, err)
		}
	}
	return exa, birds
}

// exaAnnounce announces prefix from ExaBGP with the given communities
// (ExaBGP syntax, "a:b" and "g:l1:l2").
func exaAnnounce(t *testing.T, e *speakers.ExaBGP, prefix, nh string, path []uint32, std, large []string) {
	t.Helper()
	var p []string
	for _, a := range path {
		p = append(p, fmt.Sprint(a))
	}
	cmd := fmt.Sprintf("announce route %s next-hop %s as-path [ %s ]", prefix, nh, strings.Join(p, " "))
	if len(std) > 0 {
		cmd += " community [ " + strings.Join(std, " ") + " ]"
	}
	if len(large) > 0 {
		cmd += " large-community [ " + strings.Join(large, " ") + " ]"
	}
	if err := e.Command(cmd); err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
}

var (
	birdStdRe   = regexp.MustCompile(`\((\d+),\s*(\d+)\)`)
	birdLargeRe = regexp.MustCompile(`\((\d+),\s*(\d+),\s*(\d+)\)`)
)

// birdCommunities renders BIRD's "(a,b) (c,d)" and "(g, l1, l2)" as sorted
// "a:b" and "g:l1:l2" lists.
func birdCommunities(r speakers.Route) (std, large []string) {
	for _, m := range birdStdRe.FindAllStringSubmatch(r.Attrs["BGP.community"], -1) {
		std = append(std, m[1]+":"+m[2])
	}
	for _, m := range birdLargeRe.FindAllStringSubmatch(r.Attrs["BGP.large_community"], -1) {
		large = append(large, m[1]+":"+m[2]+":"+m[3])
	}
	slices.Sort(std)
	slices.Sort(large)
	return std, large
}

// exportCase is one announcement and, per receiver, what must arrive:
// absent from want = must not arrive.
type exportCase struct {
	prefix     string
	std, large []string
	want       map[string]exportWant
}

type exportWant struct {
	path       []uint32
	std, large []string // sorted
}

func runExportCases(t *testing.T, exa *speakers.ExaBGP, birds map[string]*speakers.BIRD, nh string, cases []exportCase) {
	t.Helper()
	for _, c := range cases {
		exaAnnounce(t, exa, c.prefix, nh, []uint32{21001}, c.std, c.large)
	}
	for name, b := range birds {
		var expect []string
		for _, c := range cases {
			if _, ok := c.want[name]; ok {
				expect = append(expect, c.prefix)
			}
		}
		arrived := func(rs []speakers.Route) bool {
			for _, p := range expect {
				if len(speakers.FindRoute(rs, p)) == 0 {
					return false
				}
			}
			return true
		}
		if _, err := b.WaitRoutes("master4", arrived, 30*time.Second); err != nil {
			t.Fatalf("BIRD %s never received its routes %v: %v", name, expect, err)
		}
	}
	time.Sleep(time.Second) // anything wrongly sent arrives by now
	for name, b := range birds {
		got, err := b.Routes("", "master4")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			w, want := c.want[name]
			r := speakers.FindRoute(got, c.prefix)
			if !want {
				if len(r) != 0 {
					t.Errorf("%s (std %v large %v) reached %s: %s", c.prefix, c.std, c.large, name, r[0])
				}
				continue
			}
			if len(r) != 1 {
				t.Errorf("%s (std %v large %v) did not reach %s", c.prefix, c.std, c.large, name)
				continue
			}
			std, large := birdCommunities(r[0])
			if !r[0].HasPath(w.path...) || !slices.Equal(std, w.std) || !slices.Equal(large, w.large) {
				t.Errorf("%s at %s: path %v communities %v large %v; want path %v communities %v large %v",
					c.prefix, name, r[0].ASPath, std, large, w.path, w.std, w.large)
			}
		}
	}
}

// all builds the same expectation for every listed receiver.
func all(w exportWant, names ...string) map[string]exportWant {
	m := map[string]exportWant{}
	for _, n := range names {
		m[n] = w
	}
	return m
}

var plain = exportWant{path: []uint32{21001}}

// TestExportCommunitiesOnTheWire: every announcement-control community,
// sent by a real ExaBGP client, reaches exactly the BIRD clients it names,
// with the control and informational communities addressed to the route
// server removed on the wire; NO_EXPORT, NO_ADVERTISE and NO_PEER pass
// through unchanged (honour_well_known off, the default).
func TestExportCommunitiesOnTheWire(t *testing.T) {
	speakers.Require(t, "exabgp")
	speakers.Require(t, "bird")
	rs := startRSStopFirst(t, exportRSConfig(31, 32, 33, 34, 35, false))
	// BIRD b announces too, so communities set by BIRD are covered as well
	exa, birds := exportClients(t, 31, 32, 33, 34, 35, map[string]speakers.RouteCommunities{
		"45.19.1.0/24": {Std: []string{"0:21003", "65535:65284"}, Large: []string{"21000:65281:212001", "21000:102:0"}},
		"45.19.2.0/24": {Std: []string{"21000:21003"}},
	})
	rs.stopFirst(t)
	with := func(w exportWant, std, large []string) exportWant { w.std, w.large = std, large; return w }
	prep := func(n int) exportWant { return exportWant{path: slices.Repeat([]uint32{21001}, n+1)} }
	cases := []exportCase{
		{prefix: "45.18.1.0/24", std: []string{"0:21002"}, want: all(plain, "c", "d")},
		{prefix: "45.18.2.0/24", large: []string{"21000:0:21003"}, want: all(plain, "b", "d")},
		{prefix: "45.18.3.0/24", large: []string{"21000:0:212001"}, want: all(plain, "b", "c")},
		{prefix: "45.18.4.0/24", std: []string{"0:21000"}},
		{prefix: "45.18.5.0/24", large: []string{"21000:0:0"}},
		{prefix: "45.18.6.0/24", std: []string{"21000:21002"}, want: all(plain, "b")},
		{prefix: "45.18.7.0/24", large: []string{"21000:1:212001"}, want: all(plain, "d")},
		{prefix: "45.18.8.0/24", std: []string{"0:21000", "21000:21003"}, want: all(plain, "c")},
		{prefix: "45.18.9.0/24", std: []string{"21000:21002"}, large: []string{"21000:1:21003"}, want: all(plain, "b", "c")},
		{prefix: "45.18.10.0/24", large: []string{"21000:101:21002"}, want: map[string]exportWant{"b": prep(1), "c": plain, "d": plain}},
		{prefix: "45.18.11.0/24", large: []string{"21000:102:0"}, want: all(prep(2), "b", "c", "d")},
		{prefix: "45.18.12.0/24", large: []string{"21000:103:212001", "21000:101:0"}, want: map[string]exportWant{"b": prep(1), "c": prep(1), "d": prep(3)}},
		{prefix: "45.18.13.0/24", large: []string{"21000:65281:21003"},
			want: map[string]exportWant{"b": plain, "c": with(plain, []string{"65535:65281"}, nil), "d": plain}},
		{prefix: "45.18.14.0/24", large: []string{"21000:65282:212001"},
			want: map[string]exportWant{"b": plain, "c": plain, "d": with(plain, []string{"65535:65282"}, nil)}},
		{prefix: "45.18.15.0/24", std: []string{"65535:65281", "65535:65282", "65535:65284", "21001:100"},
			want: all(with(plain, []string{"21001:100", "65535:65281", "65535:65282", "65535:65284"}, nil), "b", "c", "d")},
		{prefix: "45.18.16.0/24", std: []string{"21000:0", "0:65000"}, large: []string{"21000:1000:1", "21000:1001:1", "21000:1101:5", "21000:65520:9", "21001:7:7"},
			want: all(with(plain, nil, []string{"21001:7:7"}), "b", "c", "d")},
		{prefix: "45.18.17.0/24", std: []string{"21001:5"}, large: []string{"21001:1:2"},
			want: all(with(plain, []string{"21001:5"}, []string{"21001:1:2"}), "b", "c", "d")},
	}
	runExportCases(t, exa, birds, exportAddr(32), cases)
	c, _ := birds["c"].Routes("", "master4")
	d, _ := birds["d"].Routes("", "master4")
	if r := speakers.FindRoute(c, "45.19.1.0/24"); len(r) != 0 {
		t.Errorf("BIRD b's 45.19.1.0/24 with 0:21003 reached c: %s", r[0])
	}
	if r := speakers.FindRoute(d, "45.19.2.0/24"); len(r) != 0 {
		t.Errorf("BIRD b's 45.19.2.0/24 with 21000:21003 reached d: %s", r[0])
	}
	if r := speakers.FindRoute(c, "45.19.2.0/24"); len(r) != 1 || !r[0].HasPath(21002) {
		t.Errorf("BIRD b's 45.19.2.0/24 with 21000:21003 at c: %v", r)
	}
	r := speakers.FindRoute(d, "45.19.1.0/24")
	if len(r) != 1 {
		t.Fatalf("BIRD b's 45.19.1.0/24 did not reach d")
	}
	std, large := birdCommunities(r[0])
	if !r[0].HasPath(21002, 21002, 21002) || !slices.Equal(std, []string{"65535:65281", "65535:65284"}) || len(large) != 0 {
		t.Errorf("BIRD b's 45.19.1.0/24 at d: path %v communities %v large %v; want 21002 x3, NO_EXPORT added, NO_PEER kept, no large",
			r[0].ASPath, std, large)
	}
}

// TestExportHonourWellKnownOnTheWire: with [communities] honour_well_known
// the route server itself keeps NO_EXPORT and NO_ADVERTISE routes from
// every client; NO_PEER still passes, and a NO_EXPORT the route server adds
// toward one peer (RS:65281:peer) is still sent to it.
func TestExportHonourWellKnownOnTheWire(t *testing.T) {
	speakers.Require(t, "exabgp")
	speakers.Require(t, "bird")
	rs := startRSStopFirst(t, exportRSConfig(41, 42, 43, 44, 45, true))
	exa, birds := exportClients(t, 41, 42, 43, 44, 45, nil)
	rs.stopFirst(t)
	cases := []exportCase{
		{prefix: "45.18.21.0/24", std: []string{"65535:65281"}},
		{prefix: "45.18.22.0/24", std: []string{"65535:65282"}},
		{prefix: "45.18.23.0/24", std: []string{"65535:65284"}, want: all(exportWant{path: []uint32{21001}, std: []string{"65535:65284"}}, "b", "c", "d")},
		{prefix: "45.18.24.0/24", large: []string{"21000:65281:21002"},
			want: map[string]exportWant{"b": {path: []uint32{21001}, std: []string{"65535:65281"}}, "c": plain, "d": plain}},
	}
	runExportCases(t, exa, birds, exportAddr(42), cases)
}
