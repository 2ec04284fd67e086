package lg

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"sort"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/lg/lgtest"
	"github.com/rsguard/rsguard/routestore"
	"github.com/rsguard/rsguard/rpki"
)

func decodeRoutes(t *testing.T, path string, body []byte) lgtest.Routes {
	t.Helper()
	r, err := lgtest.DecodeRoutes(body, time.Now())
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return r
}

// TestAliceContract walks every endpoint Alice's single_table source calls,
// in Alice's order, and checks the doc's §5 list against a store with
// accepted and rejected routes of both families.
func TestAliceContract(t *testing.T) {
	f := newFake()
	srv := newTestServer(t, f, Options{})
	now := time.Now()

	resp, body := get(t, srv, "/status")
	if ct, cc := resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"); ct != "application/json" || cc != "max-age=300" {
		t.Errorf("/status Content-Type %q Cache-Control %q, want application/json and the 5m TTL", ct, cc)
	}
	var st lgtest.Status
	if err := lgtest.DecodeStrict(body, &st); err != nil {
		t.Fatal(err)
	}
	if err := lgtest.CheckEnvelope(st.Envelope, now); err != nil {
		t.Fatal(err)
	}
	if st.Status == nil {
		t.Fatal("/status: no status object")
	}
	for what, v := range map[string]string{"current_server": st.Status.CurrentServer, "last_reboot": st.Status.LastReboot, "last_reconfig": st.Status.LastReconfig} {
		if err := lgtest.CheckTime(what, v, time.Now()); err != nil {
			t.Error(err)
		}
	}
	if st.Status.LastReboot != "2026-01-02 03:04:05" || st.Status.RouterID != "127.0.0.1" || st.Status.Version != "rsguard test" {
		t.Errorf("/status: %+v", *st.Status)
	}

	_, body = get(t, srv, "/protocols/bgp")
	var ps lgtest.Protocols
	if err := lgtest.DecodeStrict(body, &ps); err != nil {
		t.Fatal(err)
	}
	if err := lgtest.CheckEnvelope(ps.Envelope, now); err != nil {
		t.Fatal(err)
	}
	for _, err := range lgtest.CheckProtocols(ps, time.Now()) {
		t.Error(err)
	}
	wantIDs := map[string]string{"AS21001_45_0_0_1": "up", "AS4200000001_2a0a_4580__2": "up", "AS21003_45_0_0_3": "start"}
	if len(ps.Protocols) != len(wantIDs) {
		t.Fatalf("protocols: %d, want %d", len(ps.Protocols), len(wantIDs))
	}
	for id, state := range wantIDs {
		if p, ok := ps.Protocols[id]; !ok || p.State != state {
			t.Errorf("protocol %s: %+v, want state %s", id, p, state)
		}
	}
	if p := ps.Protocols["AS21003_45_0_0_3"]; p.LastError != "connection refused" || p.Connection != "Active" {
		t.Errorf("down neighbor: %+v", p)
	}
	if p := ps.Protocols["AS21001_45_0_0_1"]; *p.Routes.Imported != 4 || *p.Routes.Filtered != 2 || p.Description != "a: Alpha Networks" {
		t.Errorf("neighbor a: %+v %+v", p, *p.Routes)
	}
	// a receives b's prefix only (45.1.0.0/24 it has itself; b's
	// 2a0a:4582::/32 is b's alone); b receives a's four accepted prefixes
	// of which 45.1.0.0/24 it also has.
	if e := *ps.Protocols["AS21001_45_0_0_1"].Routes.Exported; e != 2 {
		t.Errorf("exported to a: %d, want 2 (45.1.0.0/24, 2a0a:4582::/32)", e)
	}
	if e := *ps.Protocols["AS4200000001_2a0a_4580__2"].Routes.Exported; e != 4 {
		t.Errorf("exported to b: %d, want 4", e)
	}

	known := map[uint32]bool{}
	for _, r := range filters.AllReasons() {
		known[uint32(r)] = true
	}
	var allAccepted, allFiltered []string
	for id, p := range ps.Protocols {
		accPath, filtPath := "/routes/protocol/"+id, "/routes/filtered/"+id
		_, b := get(t, srv, accPath)
		acc := decodeRoutes(t, accPath, b)
		_, b = get(t, srv, filtPath)
		filt := decodeRoutes(t, filtPath, b)
		if len(acc.Routes) != *p.Routes.Imported || len(filt.Routes) != *p.Routes.Filtered {
			t.Errorf("%s: %d accepted / %d filtered listed, counts say %d / %d", id, len(acc.Routes), len(filt.Routes), *p.Routes.Imported, *p.Routes.Filtered)
		}
		accNets := map[string]bool{}
		for _, r := range acc.Routes {
			if err := lgtest.CheckRoute(r, id, p, time.Now()); err != nil {
				t.Error(err)
			}
			accNets[r.Network] = true
			for _, c := range r.BGP.LargeCommunities {
				if c[1] == RejectCauseFunction {
					t.Errorf("%s: accepted %s carries reject community %v", id, r.Network, c)
				}
			}
			if !*r.Primary || len(r.RSGuard.Reasons) != 0 {
				t.Errorf("%s: accepted %s: primary %v reasons %v", id, r.Network, *r.Primary, r.RSGuard.Reasons)
			}
			allAccepted = append(allAccepted, id+" "+r.Network)
		}
		for _, r := range filt.Routes {
			if err := lgtest.CheckRoute(r, id, p, time.Now()); err != nil {
				t.Error(err)
			}
			if accNets[r.Network] {
				t.Errorf("%s: %s is both accepted and filtered", id, r.Network)
			}
			var codes []uint16
			for _, c := range r.BGP.LargeCommunities {
				if c[0] == 21000 && c[1] == RejectCauseFunction {
					if !known[c[2]] {
						t.Errorf("%s: %s: unknown reason code %d", id, r.Network, c[2])
					}
					codes = append(codes, uint16(c[2]))
				}
			}
			var want []uint16
			for _, x := range r.RSGuard.Reasons {
				want = append(want, x.Code)
				if x.Detail == "" || x.Name == "" {
					t.Errorf("%s: %s: reason without evidence %+v", id, r.Network, x)
				}
			}
			if len(codes) == 0 || !equalU16(codes, want) {
				t.Errorf("%s: %s: reject communities %v, evidence %v", id, r.Network, codes, want)
			}
			allFiltered = append(allFiltered, id+" "+r.Network)
		}
		_, b = get(t, srv, "/routes/noexport/"+id)
		var noexp []string
		for _, r := range decodeRoutes(t, "/routes/noexport/"+id, b).Routes {
			if err := lgtest.CheckRoute(r, r.FromProtocol, ps.Protocols[r.FromProtocol], time.Now()); err != nil {
				t.Error(err)
			}
			noexp = append(noexp, r.FromProtocol+" "+r.Network+" "+r.RSGuard.NotExported)
		}
		// a is in b's path of 45.1.0.0/24; a's 45.1.2.0/24 carries 0:21003
		want := map[string][]string{
			"AS21001_45_0_0_1":          {"AS4200000001_2a0a_4580__2 45.1.0.0/24 AS21001 is in the AS_PATH: it would drop the route as a loop"},
			"AS4200000001_2a0a_4580__2": nil,
			"AS21003_45_0_0_3":          {"AS21001_45_0_0_1 45.1.2.0/24 0:21003: do not announce to AS21003"},
		}[id]
		if !equalJSON(noexp, want) {
			t.Errorf("noexport %s: %q, want %q", id, noexp, want)
		}
	}
	// attributes kept for display, and the RPKI state as Euro-IX RS:1000:x
	e := storeEntry("a", "45.1.1.0/24", 21001)
	e.Attrs = routestore.Attrs{Origin: routestore.OriginEGP, MED: 50, HasMED: true}
	e.Verdict.RPKI = rpki.StateValid
	f.store.Put(e)
	_, b := get(t, srv, "/routes/prefix?prefix=45.1.1.0/24")
	if r := decodeRoutes(t, "", b).Routes; len(r) != 1 || r[0].BGP.Origin != "EGP" || r[0].BGP.MED != "50" ||
		!equalJSON(r[0].BGP.LargeCommunities, [][3]uint32{{21000, 1000, 1}}) || r[0].RSGuard.RPKI != "valid" {
		t.Errorf("origin, MED and RPKI: %+v", r)
	}
	// received communities, without the peer's own "reason"
	_, b = get(t, srv, "/routes/prefix?prefix=45.1.2.0/24")
	if r := decodeRoutes(t, "", b).Routes; len(r) != 1 || !equalJSON(r[0].BGP.Communities, [][2]uint32{{0, 21003}, {21001, 7}}) ||
		!equalJSON(r[0].BGP.LargeCommunities, [][3]uint32{{21001, 5, 6}}) {
		t.Errorf("communities: %+v", r)
	}
	// the 45.1.9.0/24 route: three reasons, the Euro-IX codes after them
	_, b = get(t, srv, "/routes/filtered/AS21001_45_0_0_1")
	for _, r := range decodeRoutes(t, "", b).Routes {
		if r.Network == "45.1.9.0/24" {
			want := [][3]uint32{{21000, 65520, 5}, {21000, 65520, 7}, {21000, 65520, 12}, {21000, 1101, 8}, {21000, 1101, 4}, {21000, 1101, 9}}
			if !equalJSON(r.BGP.LargeCommunities, want) || r.BGP.NextHop != "45.0.0.99" || r.Gateway != "45.0.0.1" {
				t.Errorf("45.1.9.0/24: %+v", r)
			}
		}
	}

	// table dumps = the union of the per-neighbor lists, per family
	for _, filtered := range []bool{false, true} {
		var got []string
		for _, tbl := range []string{"master4", "master6"} {
			path := "/routes/table/" + tbl
			if filtered {
				path += "/filtered"
			}
			_, b := get(t, srv, path)
			for _, r := range decodeRoutes(t, path, b).Routes {
				if err := lgtest.CheckRoute(r, r.FromProtocol, ps.Protocols[r.FromProtocol], time.Now()); err != nil {
					t.Error(err)
				}
				if v6 := netip.MustParsePrefix(r.Network).Addr().Is6(); v6 != (tbl == "master6") {
					t.Errorf("%s holds %s", path, r.Network)
				}
				got = append(got, r.FromProtocol+" "+r.Network)
			}
		}
		want := allAccepted
		if filtered {
			want = allFiltered
		}
		sort.Strings(got)
		sort.Strings(want)
		if !equalJSON(got, want) {
			t.Errorf("table dumps (filtered %v): %v, want %v", filtered, got, want)
		}
	}
}

func equalU16(a, b []uint16) bool { return equalJSON(a, b) }

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestAliceDecodesAsAlice reads /status and /protocols/bgp the way Alice
// does: into map[string]any with unchecked type assertions, which panic on
// a wrong type.
func TestAliceDecodesAsAlice(t *testing.T) {
	srv := newTestServer(t, newFake(), Options{})
	decode := func(path string) map[string]any {
		_, b := get(t, srv, path)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return m
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Alice's type assertions panic: %v", r)
		}
	}()
	st := decode("/status")
	api := st["api"].(map[string]any)
	_ = api["Version"].(string)
	_ = api["result_from_cache"].(bool)
	_ = st["status"].(map[string]any)["version"].(string)
	ps := decode("/protocols/bgp")["protocols"].(map[string]any)
	for _, p := range ps {
		pm := p.(map[string]any)
		routes := pm["routes"].(map[string]any)
		for _, k := range []string{"imported", "filtered", "exported", "preferred"} {
			_ = int(routes[k].(float64))
		}
		_ = pm["neighbor_address"].(string)
		_ = int(pm["neighbor_as"].(float64))
		_ = pm["state"].(string)
		_ = pm["description"].(string)
	}
}

// TestRobustness: unknown and odd IDs, unknown tables, doubled slashes,
// writes and foreign clients all get a JSON body, never a bare 404 page.
func TestRobustness(t *testing.T) {
	srv := newTestServer(t, newFake(), Options{})
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/routes/protocol/AS1_1_2_3_4", 404},
		{"/routes/filtered/nope", 404},
		{"/routes/noexport/nope", 404},
		{"/routes/protocol/a%2Fb", 404},
		{"/routes/protocol/a%25b", 404},
		{"/routes/protocol/a%20b", 404},
		{"/routes/protocol/a/b", 404},
		{"/routes/table/master7", 404},
		{"/routes/prefix?prefix=banana", 400},
		{"/route/net/banana", 400},
		{"/nothing/here", 404},
		{"//status", 200},
		{"/protocols//bgp/", 200},
		{"/routes/count/protocol/AS21001_45_0_0_1", 200},
	} {
		resp, b := get(t, srv, tc.path)
		var m map[string]any
		if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &m) != nil {
			t.Errorf("GET %s: %d %q %q, want %d with a JSON body", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), b, tc.status)
		}
		if tc.status != 200 && (m["error"] == nil || resp.Header.Get("Cache-Control") != "no-store") {
			t.Errorf("GET %s: %s with Cache-Control %q, want an error not to be cached", tc.path, b, resp.Header.Get("Cache-Control"))
		}
	}
	resp, err := http.Post(srv.URL+"/status", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	closed := newTestServer(t, newFake(), Options{AllowFrom: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	if resp, b := get(t, closed, "/status"); resp.StatusCode != http.StatusForbidden || !json.Valid(b) {
		t.Errorf("client outside allow_from: %d %s", resp.StatusCode, b)
	}
}

// TestLookups: by prefix (exact) and by address (longest covering prefix).
func TestLookups(t *testing.T) {
	f := newFake()
	f.store.Put(storeEntry("a", "45.1.0.0/16", 21001))
	srv := newTestServer(t, f, Options{})
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/routes/prefix?prefix=45.1.0.0/24", []string{"AS21001_45_0_0_1 45.1.0.0/24", "AS4200000001_2a0a_4580__2 45.1.0.0/24"}},
		{"/route/net/45.1.0.77", []string{"AS21001_45_0_0_1 45.1.0.0/24", "AS4200000001_2a0a_4580__2 45.1.0.0/24"}},
		{"/route/net/45.1.200.1", []string{"AS21001_45_0_0_1 45.1.0.0/16"}},
		{"/route/net/45.1.0.0/16", []string{"AS21001_45_0_0_1 45.1.0.0/16"}},
		{"/route/net/2a0a:4582::1", []string{"AS4200000001_2a0a_4580__2 2a0a:4582::/32"}},
		{"/route/net/10.1.1.1", nil}, // rejected routes are not in the table
	} {
		_, b := get(t, srv, tc.path)
		var got []string
		for _, r := range decodeRoutes(t, tc.path, b).Routes {
			got = append(got, r.FromProtocol+" "+r.Network)
		}
		sort.Strings(got)
		if !equalJSON(got, tc.want) {
			t.Errorf("GET %s: %v, want %v", tc.path, got, tc.want)
		}
	}
}

// TestGzipStream: a big table through gzip decodes whole.
func TestGzipStream(t *testing.T) {
	f := newFake()
	for i := 0; i < 5000; i++ {
		f.store.Put(storeEntry("a", netip.PrefixFrom(netip.AddrFrom4([4]byte{45, 100 + byte(i>>8), byte(i), 0}), 24).String(), 21001))
	}
	srv := newTestServer(t, f, Options{})
	_, b := getGzip(t, srv, "/routes/table/master4")
	if r := decodeRoutes(t, "/routes/table/master4", b); len(r.Routes) != 5000+4 {
		t.Errorf("master4: %d routes, want %d", len(r.Routes), 5004)
	}
}

// TestSlowRIBHitsDeadline: a route list that cannot be produced within the
// deadline ends at the deadline with a body that is not valid JSON (so
// Alice reports an error instead of a short list), and a request waiting
// for a busy slot gets a JSON 503.
func TestSlowRIBHitsDeadline(t *testing.T) {
	f := newFake()
	f.delay = 1500 * time.Millisecond // per route: the first request holds its slot past the second one's deadline
	srv := newTestServer(t, f, Options{Timeout: 500 * time.Millisecond, MaxConcurrent: 1})
	start := time.Now()
	slow := make(chan []byte)
	go func() {
		_, b := get(t, srv, "/routes/table/master")
		slow <- b
	}()
	time.Sleep(100 * time.Millisecond)
	resp, b := get(t, srv, "/routes/table/master4")
	if resp.StatusCode != http.StatusServiceUnavailable || !json.Valid(b) {
		t.Errorf("second request while the only slot is busy: %d %s", resp.StatusCode, b)
	}
	body := <-slow
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("slow list took %s, deadline 500ms", took)
	}
	if json.Valid(body) {
		t.Errorf("a list cut short by the deadline is valid JSON: %s", body)
	}
}

func TestNeighborID(t *testing.T) {
	for _, tc := range []struct {
		addr string
		asn  uint32
		want string
	}{
		{"192.0.2.10", 64500, "AS64500_192_0_2_10"},
		{"::ffff:192.0.2.10", 64500, "AS64500_192_0_2_10"},
		{"2001:db8::1", 4200000000, "AS4200000000_2001_db8__1"},
		{"2001:db8:1:2:3:4:5:6", 1, "AS1_2001_db8_1_2_3_4_5_6"},
	} {
		if got := NeighborID(Neighbor{Address: netip.MustParseAddr(tc.addr), ASN: tc.asn}); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.addr, got, tc.want)
		}
	}
}
