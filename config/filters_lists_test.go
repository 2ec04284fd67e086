package config

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/filters"
)

func TestParseListKeys(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "nvrs.txt", "# PeeringDB never via route servers\n21900\n\nAS21901 # trailing comment\n")
	doc := baseGlobal + `peering_lans = ["45.127.254.0/24", "2a0a:4580:ffff::/64"]
[irr]
files = ["dump.db"]
[filters]
global_blacklist = ["45.126.0.0/16+"]
transit_free_asns = [174, "AS3356"]
never_via_route_servers_asns = [21902]
never_via_route_servers_file = "nvrs.txt"
[[peers]]
name = "a"
address = "127.0.0.2"
asn = 21001
as_set = ["AS-A", "ripe::as-b"]
blacklist = ["45.1.3.0/24+"]
allowed_origins = [21013]
allowed_routes = [{ prefix = "45.9.0.0/24", origin = 21012 }, "2a0a:9::/32{32,48}"]
enforce_prefixes = false
[[peers]]
name = "b"
address = "127.0.0.3"
asn = 21002
as_set = "AS-B"
enforce_origins = false
[[peers.allowed_routes]]
prefix = "45.8.0.0/24"
`
	writeFile(t, dir, "dump.db", "")
	c := mustParse(t, doc, dir)
	if want := []netip.Prefix{netip.MustParsePrefix("45.127.254.0/24"), netip.MustParsePrefix("2a0a:4580:ffff::/64")}; !reflect.DeepEqual(c.Global.PeeringLANs, want) {
		t.Errorf("peering_lans %v", c.Global.PeeringLANs)
	}
	f := c.Filters
	if len(f.GlobalBlacklist) != 1 || f.GlobalBlacklist[0].String() != "45.126.0.0/16{16,32}" {
		t.Errorf("global_blacklist %v", f.GlobalBlacklist)
	}
	if !reflect.DeepEqual(f.TransitFreeASNs, []uint32{174, 3356}) {
		t.Errorf("transit_free_asns %v", f.TransitFreeASNs)
	}
	nv := f.ListedNeverViaRS()
	if len(nv) != 3 || nv[0].ASN != 21902 || nv[1].ASN != 21900 || !strings.HasSuffix(nv[1].Note, "nvrs.txt:2") || !strings.HasSuffix(nv[2].Note, "nvrs.txt:4") {
		t.Errorf("never via RS %+v", nv)
	}
	a, b := c.Peers[0], c.Peers[1]
	if a.ASSet != "AS-A,RIPE::AS-B" || !reflect.DeepEqual(ASSetNames(a.ASSet), []string{"AS-A", "RIPE::AS-B"}) {
		t.Errorf("as_set %q", a.ASSet)
	}
	if len(a.Blacklist) != 1 || !reflect.DeepEqual(a.AllowedOrigins, []uint32{21013}) || !a.PrefixCheckOff || a.OriginCheckOff {
		t.Errorf("peer a %+v", a)
	}
	if len(a.AllowedRoutes) != 2 || a.AllowedRoutes[0].Origin != 21012 || a.AllowedRoutes[1].Origin != 0 || a.AllowedRoutes[1].Range.String() != "2a0a:9::/32{32,48}" {
		t.Errorf("allowed_routes %+v", a.AllowedRoutes)
	}
	if !b.OriginCheckOff || b.PrefixCheckOff || len(b.AllowedRoutes) != 1 || b.AllowedRoutes[0].Range.String() != "45.8.0.0/24" {
		t.Errorf("peer b %+v", b)
	}
	// the normalized form parses back to the same lists
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	back := mustParse(t, string(out), dir)
	if !reflect.DeepEqual(back.Peers[0].AllowedRoutes, a.AllowedRoutes) || back.Peers[0].ASSet != a.ASSet ||
		!reflect.DeepEqual(back.Filters.ListedNeverViaRS(), nv) || !reflect.DeepEqual(back.Global.PeeringLANs, c.Global.PeeringLANs) {
		t.Errorf("normalized form differs:\n%s", out)
	}
}

func TestListDefaults(t *testing.T) {
	c := mustParse(t, baseGlobal, t.TempDir())
	if !reflect.DeepEqual(c.Filters.TransitFreeASNs, filters.DefaultTransitFreeASNs) {
		t.Errorf("default transit-free %v", c.Filters.TransitFreeASNs)
	}
	off := mustParse(t, baseGlobal+"[filters]\ntransit_free_asns = []\n", t.TempDir())
	if len(off.Filters.TransitFreeASNs) != 0 {
		t.Errorf("[] must turn the check off: %v", off.Filters.TransitFreeASNs)
	}
}

func TestParseListErrors(t *testing.T) {
	peer := "[[peers]]\nname = \"a\"\naddress = \"127.0.0.2\"\nasn = 21001\n"
	cases := []struct {
		name  string
		doc   string
		files map[string]string
		want  []wantErr
	}{
		{"peering LAN host bits", baseGlobal + `peering_lans = ["45.127.254.1/24"] # E` + "\n",
			nil, []wantErr{{"# E", "global.peering_lans[0]", "host bits set (did you mean 45.127.254.0/24?)"}}},
		{"peering LAN not a prefix", baseGlobal + `peering_lans = ["lan"] # E` + "\n",
			nil, []wantErr{{"# E", "global.peering_lans[0]", "is not a prefix"}}},
		{"global blacklist less-specific", baseGlobal + "[filters]\nglobal_blacklist = [\"45.0.0.0/8-\"] # E\n",
			nil, []wantErr{{"# E", "filters.global_blacklist[0]", "less-specific"}}},
		{"transit-free AS 0 and duplicate", baseGlobal + "[filters]\ntransit_free_asns = [0, 174, \"AS174\", \"x\"] # E\n",
			nil, []wantErr{{"# E", "filters.transit_free_asns[0]", "out of range 1..4294967295"},
				{"# E", "filters.transit_free_asns[2]", "AS174 is listed twice"},
				{"# E", "filters.transit_free_asns[3]", `"x" is not an ASN`}}},
		{"never-via file with bad lines", baseGlobal + "[filters]\nnever_via_route_servers_file = \"nv.txt\" # E\n",
			map[string]string{"nv.txt": "174\nAS-FOO\n# ok\n0\n"},
			[]wantErr{{"# E", "filters.never_via_route_servers_file", `nv.txt:2: "AS-FOO" is not an ASN`}}},
		{"never-via file missing", baseGlobal + "[filters]\nnever_via_route_servers_file = \"none.txt\" # E\n",
			nil, []wantErr{{"# E", "filters.never_via_route_servers_file", "no such file"}}},
		{"peer blacklist bad range", baseGlobal + peer + "blacklist = [\"45.1.0.0/16{8,24}\"] # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).blacklist[0]", "shorter than the prefix"}}},
		{"allowed_origins without as_set", baseGlobal + peer + "allowed_origins = [21013] # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).allowed_origins", "no as_set"}}},
		{"enforce_origins off without as_set", baseGlobal + peer + "enforce_origins = false # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).enforce_origins", "no as_set"}}},
		{"enforce_prefixes not a bool", baseGlobal + peer + "enforce_prefixes = \"no\" # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).enforce_prefixes", "want true or false"}}},
		{"allowed route without prefix", baseGlobal + peer + "allowed_routes = [{ origin = 21012 }] # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).allowed_routes[0].prefix", "required"}}},
		{"allowed route unknown key", baseGlobal + peer + "allowed_routes = [{ prefix = \"45.9.0.0/24\", asn = 1 }] # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).allowed_routes[0].asn", "unknown key"}}},
		{"as_set list with a bad and a duplicate name", baseGlobal + "[irr]\nservers = [\"127.0.0.1\"]\n" + peer + "as_set = [\"AS-A\", \"AS A\", \"as-a\"] # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).as_set[1]", "contains spaces"}, {"# E", "peers[0] (a).as_set[2]", "AS-A is listed twice"}}},
		{"as_set empty list", baseGlobal + peer + "as_set = [] # E\n",
			nil, []wantErr{{"# E", "peers[0] (a).as_set", "empty list"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkParseErrors(t, tc.doc, tc.files, tc.want) })
	}
}

func FuzzParseASNListFile(f *testing.F) {
	for _, s := range []string{"174\n", "AS174 # x\n\n# c\n", "0\n", "AS-FOO\n", "4294967296\n", "as1\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := ParseASNListFile("f", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range list {
			if e.ASN == 0 || !strings.HasPrefix(e.Note, "f:") {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

func TestListWarnings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "nvrs.txt", "21001\n")
	doc := baseGlobal + `peering_lans = ["45.127.254.0/24"]
[filters]
never_via_route_servers_file = "nvrs.txt"
global_blacklist = ["45.126.0.0/16+"]
[[peers]]
name = "a"
address = "127.0.0.2"
asn = 21001 # NV
prefixes = ["45.1.0.0/16{16,24}", "45.127.254.0/24", "45.126.0.0/16{16,24}", "45.1.3.0/24", "45.127.0.0/16{16,24}"]
blacklist = ["45.1.3.0/24+"]
`
	cfg := mustParse(t, doc, dir)
	want := []struct{ key, msg string }{
		{"peers[0] (a).asn", "nvrs.txt:1): it is first in every AS path"},
		{"peers[0] (a).prefixes[1]", "inside 45.127.254.0/24{24,32} (peering LAN), rejected as prefix_in_global_blacklist"},
		{"peers[0] (a).prefixes[2]", "inside 45.126.0.0/16{16,32} (global_blacklist)"},
		{"peers[0] (a).prefixes[3]", "inside the peer's blacklist entry 45.1.3.0/24{24,32}, rejected as prefix_in_peer_blacklist"},
	}
	ws := cfg.Warnings()
	if len(ws) != len(want) {
		t.Fatalf("%d warnings, want %d: %q", len(ws), len(want), ws)
	}
	for i, w := range want {
		if ws[i].Key != w.key || !strings.Contains(ws[i].Msg, w.msg) {
			t.Errorf("warning %d = %s, want %s: ...%s", i, ws[i], w.key, w.msg)
		}
	}
	if ws[0].Line != lineOf(t, doc, "# NV") {
		t.Errorf("warning line %d", ws[0].Line)
	}
}
