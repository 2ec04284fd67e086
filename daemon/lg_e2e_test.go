package daemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/rsguard/rsguard/lg/lgtest"
	"github.com/rsguard/rsguard/routestore"
)

// The looking-glass tests own 127.41.15.0/24 (octet 15 of the daemon block).
func lgAddr(host byte) string { return fmt.Sprintf("127.%d.15.%d", speakers.PkgDaemon, host) }

func lgConfig(dir, lgTable string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[6]q

[api]
socket = %[7]q

[filters]
global_blacklist = ["45.41.200.0/24+"]
never_via_route_servers_asns = [21077]

[irr]
files = [%[8]q]

[rpki]
files = [%[10]q]

%[9]s

[[peers]]
name = "alpha"
description = "Alpha Networks"
address = "%[2]s"
asn = 21001
prefixes = ["45.41.0.0/16{16,24}"]

[[peers]]
name = "bravo"
address = "%[3]s"
asn = 21002
prefixes = ["45.42.0.0/16{16,24}"]
max_prefixes_ipv4 = 2
max_prefix_action = "block"

[[peers]]
name = "charlie"
address = "%[4]s"
asn = 21003
as_set = "AS-CHARLIE"

[[peers]]
name = "delta"
address = "%[5]s"
asn = 21004
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:4580::5"
prefixes = ["45.44.0.0/16{16,24}", "2a0a:4584::/32{32,48}"]
blacklist = ["45.44.9.0/24"]
`, lgAddr(1), lgAddr(2), lgAddr(3), lgAddr(4), lgAddr(5), filepath.Join(dir, "state"), filepath.Join(dir, "run", "rsguard.sock"),
		filepath.Join(dir, "irr.rpsl"), lgTable, filepath.Join(dir, "vrps.json"))
}

func lgToRS(local string, asn uint32) speakers.BIRDNeighbor {
	return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: lgAddr(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
}

func lgGet(t *testing.T, base, path string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	return b
}

func lgRoutes(t *testing.T, base, path string) lgtest.Routes {
	t.Helper()
	r, err := lgtest.DecodeRoutes(lgGet(t, base, path), time.Now())
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return r
}

// TestLookingGlassWithBIRD runs the daemon with [lg] on and four real BIRD
// clients whose routes fail many different checks, then reads the looking
// glass as Alice-LG's birdwatcher source does, decoding into the structs
// that mirror the documented JSON. Every reason the store holds for a
// rejected route must be on that route as RS:65520:<code>, every code must
// have its own text in the shipped Alice config, and a reload must move,
// then close, the listener.
func TestLookingGlassWithBIRD(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "rsguard.toml")
	copyFile(t, "testdata/irr-before.rpsl", filepath.Join(dir, "irr.rpsl"))
	// 45.41.0.0/16 belongs to AS21001: alpha's routes with another origin
	// are RPKI invalid, the rest of 45.41/16 valid, everything else not found
	if err := os.WriteFile(filepath.Join(dir, "vrps.json"), []byte(`{"roas":[{"prefix":"45.41.0.0/16","maxLength":24,"asn":"AS21001","ta":"test"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	lgListen := lgAddr(1) + ":29184"
	if err := os.WriteFile(cfgPath, []byte(lgConfig(dir, "[lg]\nlisten = \""+lgListen+"\"\nttl = \"2m\"\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	d := runDaemon(t, cfgPath)
	base := "http://" + lgListen

	// charlie's accepted route tells the route server not to announce it
	// to alpha (RS:0:peer), and claims a reject reason of its own that
	// the looking glass must not show as rsguard's
	charlie, err := speakers.BIRDConfig{ASN: 21003, RouterID: lgAddr(4), Neighbors: []speakers.BIRDNeighbor{lgToRS(lgAddr(4), 21003)},
		Static4: []speakers.StaticRoute{{Prefix: "45.43.0.0/24"}, {Prefix: "45.43.2.0/24", ASPath: []uint32{21003, 21099}}}, // origin not in AS-SET
	}.WithCommunities(map[string]speakers.RouteCommunities{"45.43.0.0/24": {Std: []string{"21003:100"}, Large: []string{"21000:0:21001", "21000:65520:2"}}})
	if err != nil {
		t.Fatal(err)
	}
	deltaToRS := lgToRS(lgAddr(5), 21004)
	deltaToRS.IPv6, deltaToRS.NextHopAddr6 = true, "2a0a:4580::5"
	long := []uint32{21001}
	for len(long) < 34 {
		long = append(long, 21011)
	}
	birds := map[string]*speakers.BIRD{
		"alpha": speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: lgAddr(2), Neighbors: []speakers.BIRDNeighbor{lgToRS(lgAddr(2), 21001)},
			Static4: []speakers.StaticRoute{
				{Prefix: "45.41.1.0/24"},
				{Prefix: "45.41.2.0/24", ASPath: []uint32{21001, 21011}},
				{Prefix: "45.49.0.0/24"},                                        // not registered
				{Prefix: "192.168.5.0/25", ASPath: []uint32{21001, 64512}},      // bogon prefix and ASN, length, not registered
				{Prefix: "45.41.3.0/24", ASPath: []uint32{21001, 65551, 23456}}, // bogon ASNs
				{Prefix: "45.41.4.0/24", NextHop: lgAddr(99)},                   // third-party next hop
				{Prefix: "45.41.5.0/24", ASPath: long},                          // AS_PATH too long
				{Prefix: "45.41.200.0/24"},                                      // global blacklist
				{Prefix: "45.41.6.0/24", ASPath: []uint32{21001, 3356}},         // transit-free ASN (default list)
				{Prefix: "45.41.7.0/24", ASPath: []uint32{21001, 21077}},        // never via route servers
			}}),
		"bravo": speakers.StartBIRD(t, withOriginMED(speakers.BIRDConfig{ASN: 21002, RouterID: lgAddr(3), Neighbors: []speakers.BIRDNeighbor{lgToRS(lgAddr(3), 21002)},
			Static4: []speakers.StaticRoute{{Prefix: "45.42.1.0/24"}, {Prefix: "45.42.2.0/24"}, {Prefix: "45.42.3.0/24"}}}, "45.42.1.0/24")), // one over max-prefix: blocked
		"charlie": speakers.StartBIRD(t, charlie),
		"delta": speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21004, RouterID: lgAddr(5), Neighbors: []speakers.BIRDNeighbor{deltaToRS},
			Static4: []speakers.StaticRoute{{Prefix: "45.44.1.0/24", ASPath: []uint32{21099, 21004}}, // first AS is not the peer
				{Prefix: "45.44.9.0/24", ASPath: []uint32{21004}}}, // peer blacklist
			// IPv6 over the IPv4 session: listed under the same neighbor,
			// dumped in master6
			Static6: []speakers.StaticRoute{{Prefix: "2a0a:4584:1::/48", ASPath: []uint32{21004}},
				{Prefix: "fc00:1::/48", ASPath: []uint32{21004}}}}), // outside 2000::/3, not registered
	}
	for n, b := range birds {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", n, err)
		}
	}
	store := d.RouteServer().Store()
	want := map[string]int{"alpha": 10, "bravo": 3, "charlie": 2, "delta": 4}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok := true
		for p, n := range want {
			ok = ok && store.Counts(p).Received == n
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("store never got every route: %v", want)
		}
		time.Sleep(100 * time.Millisecond)
	}

	var st lgtest.Status
	if err := lgtest.DecodeStrict(lgGet(t, base, "/status"), &st); err != nil {
		t.Fatal(err)
	}
	if err := lgtest.CheckEnvelope(st.Envelope, time.Now()); err != nil || st.Status == nil || st.Status.RouterID != lgAddr(1) {
		t.Fatalf("/status: %v %+v", err, st.Status)
	}
	for what, v := range map[string]string{"current_server": st.Status.CurrentServer, "last_reboot": st.Status.LastReboot, "last_reconfig": st.Status.LastReconfig} {
		if err := lgtest.CheckTime(what, v, time.Now()); err != nil {
			t.Error(err)
		}
	}

	var ps lgtest.Protocols
	if err := lgtest.DecodeStrict(lgGet(t, base, "/protocols/bgp"), &ps); err != nil {
		t.Fatal(err)
	}
	if err := lgtest.CheckEnvelope(ps.Envelope, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, err := range lgtest.CheckProtocols(ps, time.Now()) {
		t.Error(err)
	}
	byAddr := map[string]string{}
	for id, p := range ps.Protocols {
		byAddr[p.NeighborAddress] = id
		if p.State != "up" {
			t.Errorf("%s: state %q, want up", id, p.State)
		}
	}
	names := map[string]string{"alpha": lgAddr(2), "bravo": lgAddr(3), "charlie": lgAddr(4), "delta": lgAddr(5)}
	if len(ps.Protocols) != len(names) {
		t.Fatalf("%d protocols, want %d", len(ps.Protocols), len(names))
	}

	tree, err := lgtest.LoadRejectionReasons(filepath.Join("..", "configs", "alice-lg.example.conf"))
	if err != nil {
		t.Fatal(err)
	}
	seenCodes := map[filters.Reason]bool{}
	var union []string
	for name, addr := range names {
		id, ok := byAddr[addr]
		if !ok {
			t.Fatalf("no protocol for %s (%s)", name, addr)
		}
		p := ps.Protocols[id]
		c := store.Counts(name)
		if *p.Routes.Imported != c.Accepted || *p.Routes.Filtered != c.Rejected {
			t.Errorf("%s: imported %d filtered %d, store %+v", id, *p.Routes.Imported, *p.Routes.Filtered, c)
		}
		acc := lgRoutes(t, base, "/routes/protocol/"+id)
		filt := lgRoutes(t, base, "/routes/filtered/"+id)
		if len(acc.Routes) != c.Accepted || len(filt.Routes) != c.Rejected {
			t.Errorf("%s: %d accepted and %d filtered listed, store %+v", id, len(acc.Routes), len(filt.Routes), c)
		}
		accNets := map[string]bool{}
		for _, r := range acc.Routes {
			if err := lgtest.CheckRoute(r, id, p, time.Now()); err != nil {
				t.Error(err)
			}
			checkAttrs(t, id, r)
			accNets[r.Network] = true
			union = append(union, id+" "+r.Network)
			for _, lc := range r.BGP.LargeCommunities {
				if lc[1] == 65520 {
					t.Errorf("%s: accepted %s carries %v", id, r.Network, lc)
				}
			}
		}
		for _, r := range filt.Routes {
			if err := lgtest.CheckRoute(r, id, p, time.Now()); err != nil {
				t.Error(err)
			}
			checkAttrs(t, id, r)
			if accNets[r.Network] {
				t.Errorf("%s: %s listed as accepted and filtered", id, r.Network)
			}
			e, ok := store.Get(name, routestore.Key{Prefix: mustPrefix(t, r.Network)})
			if !ok || e.Verdict.Accepted() {
				t.Fatalf("%s: filtered %s is not rejected in the store", id, r.Network)
			}
			var got, wantCodes []string
			for _, lc := range r.BGP.LargeCommunities {
				if lc[0] == 21000 && lc[1] == 65520 {
					got = append(got, fmt.Sprint(lc[2]))
					if text, ok := tree.Lookup(lc); !ok || strings.Contains(text, "unknown code") {
						t.Errorf("%s %s: %v has no text in the Alice config (%q)", id, r.Network, lc, text)
					}
				}
			}
			for _, x := range e.Verdict.Rejections {
				wantCodes = append(wantCodes, fmt.Sprint(uint16(x.Reason)))
				seenCodes[x.Reason] = true
			}
			if strings.Join(got, ",") != strings.Join(wantCodes, ",") {
				t.Errorf("%s %s: reject communities %v, the store's reasons %v", id, r.Network, got, wantCodes)
			}
			if r.RSGuard == nil || len(r.RSGuard.Reasons) != len(e.Verdict.Rejections) || r.RSGuard.Peer != name {
				t.Errorf("%s %s: evidence %+v, want %v", id, r.Network, r.RSGuard, e.Verdict.Rejections)
			}
			if r.BGP.NextHop != e.Route.NextHop.String() {
				t.Errorf("%s %s: next_hop %s, the route's %s", id, r.Network, r.BGP.NextHop, e.Route.NextHop)
			}
		}
		var noexp []string
		for _, r := range lgRoutes(t, base, "/routes/noexport/"+id).Routes {
			if err := lgtest.CheckRoute(r, r.FromProtocol, ps.Protocols[r.FromProtocol], time.Now()); err != nil {
				t.Error(err)
			}
			noexp = append(noexp, r.Network+" "+r.RSGuard.NotExported)
		}
		wantNoexp := ""
		if name == "alpha" {
			wantNoexp = "45.43.0.0/24 21000:0:21001: do not announce to AS21001"
		}
		if strings.Join(noexp, ",") != wantNoexp {
			t.Errorf("%s: not exported %q, want %q", name, noexp, wantNoexp)
		}
	}
	for _, r := range []filters.Reason{filters.ReasonIPv6NotGlobalUnicast, filters.ReasonGlobalBlacklist, filters.ReasonTransitFreeASN, filters.ReasonPeerBlacklist,
		filters.ReasonNeverViaRouteServersASN, filters.ReasonRPKIInvalid, filters.ReasonASPathTooLong, filters.ReasonBogonPrefix, filters.ReasonNextHopMismatch,
		filters.ReasonFirstASMismatch, filters.ReasonBogonASN, filters.ReasonOriginNotInASSet, filters.ReasonPrefixNotRegistered,
		filters.ReasonPrefixLength, filters.ReasonMaxPrefixBlocked} {
		if !seenCodes[r] {
			t.Errorf("no rejected route carries %s: the test lost a case", r.Name())
		}
	}
	// the table dumps are exactly the union of the per-neighbor lists
	var dump []string
	for _, tbl := range []string{"master4", "master6"} {
		for _, r := range lgRoutes(t, base, "/routes/table/"+tbl).Routes {
			if v6 := strings.Contains(r.Network, ":"); v6 != (tbl == "master6") {
				t.Errorf("%s holds %s", tbl, r.Network)
			}
			dump = append(dump, r.FromProtocol+" "+r.Network)
		}
	}
	sort.Strings(dump)
	sort.Strings(union)
	if strings.Join(dump, "\n") != strings.Join(union, "\n") {
		t.Errorf("master4 dump:\n%v\nper-neighbor union:\n%v", dump, union)
	}
	if r := lgRoutes(t, base, "/routes/prefix?prefix=45.43.0.0/24"); len(r.Routes) != 1 ||
		fmt.Sprint(r.Routes[0].BGP.Communities) != "[[21003 100]]" || fmt.Sprint(r.Routes[0].BGP.LargeCommunities) != "[[21000 0 21001] [21000 1000 2]]" {
		t.Errorf("charlie's communities as received (its own RS:65520:2 hidden), then RPKI not found: %+v", r.Routes)
	}
	if r := lgRoutes(t, base, "/route/net/45.41.1.77"); len(r.Routes) != 1 || r.Routes[0].Network != "45.41.1.0/24" {
		t.Errorf("lookup by address: %+v", r.Routes)
	}
	if r := lgRoutes(t, base, "/route/net/2a0a:4584:1::9"); len(r.Routes) != 1 || r.Routes[0].Network != "2a0a:4584:1::/48" ||
		r.Routes[0].Gateway != lgAddr(5) || r.Routes[0].BGP.NextHop != "2a0a:4580::5" {
		t.Errorf("IPv6 lookup by address: %+v", r.Routes)
	}

	// reload: a new port is bound and the old one closed; then off
	moved := lgAddr(1) + ":29185"
	reload := func(lgTable string) {
		t.Helper()
		if err := os.WriteFile(cfgPath, []byte(lgConfig(dir, lgTable)), 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := d.ReloadConfig(context.Background())
		if err != nil || !res.Applied || len(res.Errors) != 0 {
			t.Fatalf("reload: %v %+v", err, res)
		}
	}
	reload("[lg]\nlisten = \"" + moved + "\"\n")
	if _, err := http.Get(base + "/status"); err == nil {
		t.Error("old looking-glass address still answers after the reload moved it")
	}
	var st2 lgtest.Status
	if err := lgtest.DecodeStrict(lgGet(t, "http://"+moved, "/status"), &st2); err != nil || st2.Status == nil {
		t.Fatalf("moved looking glass: %v", err)
	}
	if st2.Status.LastReconfig < st.Status.LastReboot {
		t.Errorf("last_reconfig %s before last_reboot %s", st2.Status.LastReconfig, st2.Status.LastReboot)
	}
	// an address that cannot be bound (BGP's own) refuses the reload, as
	// for [api]; the old listener stays
	if err := os.WriteFile(cfgPath, []byte(lgConfig(dir, "[lg]\nlisten = \""+lgAddr(1)+":179\"\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := d.ReloadConfig(context.Background())
	if err != nil || res.Applied || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "[lg]") {
		t.Fatalf("reload onto a taken port: %v %+v, want it refused naming [lg]", err, res)
	}
	if err := lgtest.DecodeStrict(lgGet(t, "http://"+moved, "/status"), &st2); err != nil {
		t.Fatalf("old listener after a failed move: %v", err)
	}
	// options apply in place on the same listener
	reload("[lg]\nlisten = \"" + moved + "\"\nallow_from = [\"192.0.2.0/24\"]\n")
	if resp, err := http.Get("http://" + moved + "/status"); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("after allow_from excluded us: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	reload("")
	if _, err := http.Get("http://" + moved + "/status"); err == nil {
		t.Error("looking glass still answers after a reload unset [lg] listen")
	}
	if d.LGAddr() != nil {
		t.Errorf("LGAddr %v after [lg] was turned off", d.LGAddr())
	}
}

func mustPrefix(t *testing.T, s string) netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// withOriginMED renders c and makes BIRD send route with ORIGIN EGP and
// MED 50 (the builder has no such fields), so the looking glass shows
// values that are not the zero defaults.
func withOriginMED(c speakers.BIRDConfig, route string) speakers.BIRDConfig {
	text := c.Render("unused")
	text = text[strings.Index(text, "router id"):] // StartBIRD adds the preamble again
	// set in the export filter: BIRD drops a MED set earlier on eBGP export
	text = strings.Replace(text, "\taccept;\n}", "\tif net = "+route+" then { bgp_origin = ORIGIN_EGP; bgp_med = 50; }\n\taccept;\n}", 1)
	return speakers.BIRDConfig{Raw: text}
}

// checkAttrs: what BIRD sent, shown as birdwatcher shows it, and the RPKI
// state the VRPs give (Euro-IX RS:1000:1 valid, 2 not found, 4 invalid).
func checkAttrs(t *testing.T, id string, r lgtest.Route) {
	t.Helper()
	state, code := "not-found", uint32(2)
	if strings.HasPrefix(r.Network, "45.41.") {
		state, code = "valid", 1
		if r.BGP.ASPath[len(r.BGP.ASPath)-1] != "21001" {
			state, code = "invalid", 4
		}
	}
	var got []uint32
	for _, lc := range r.BGP.LargeCommunities {
		if lc[0] == 21000 && lc[1] == 1000 {
			got = append(got, lc[2])
		}
	}
	if r.RSGuard.RPKI != state || len(got) != 1 || got[0] != code {
		t.Errorf("%s %s: rpki %q %v, want %s (RS:1000:%d)", id, r.Network, r.RSGuard.RPKI, got, state, code)
	}
	origin, med := "IGP", "0"
	if r.Network == "45.42.1.0/24" {
		origin, med = "EGP", "50"
	}
	if r.BGP.Origin != origin || r.BGP.MED != med || r.BGP.LocalPref != "100" {
		t.Errorf("%s %s: origin %q med %q local_pref %q, BIRD sent %s and MED %s", id, r.Network, r.BGP.Origin, r.BGP.MED, r.BGP.LocalPref, origin, med)
	}
}
