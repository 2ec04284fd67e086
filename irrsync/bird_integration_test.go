package irrsync

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/rsguard/rsguard/routestore"
)

func syncAddr(host byte) string { return speakers.Addr(speakers.PkgIRRSync, host) }

// rsWithSyncer parses toml, wires a syncer into a route server exactly as
// the daemon does (InitialFilter, Attach, Start, Run) and returns both.
func rsWithSyncer(t *testing.T, toml string) (*routeserver.Server, *Syncer) {
	t.Helper()
	cfg, err := config.Parse([]byte(toml), "irrsync-test.toml", t.TempDir())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	sy, err := New(cfg, testLogger(), Options{ClientTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rs := routeserver.New(cfg, routeserver.Options{Logger: testLogger(), InitialFilter: sy.InitialFilter})
	sy.Attach(rs)
	if err := rs.Start(context.Background()); err != nil {
		t.Fatalf("route server: %v", err)
	}
	t.Cleanup(rs.Stop)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); sy.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return rs, sy
}

func birdToRS(local string, asn uint32) speakers.BIRDNeighbor {
	return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: syncAddr(1), PeerASN: 21000,
		LocalASN: asn, IPv4: true, ImportAll: true}
}

// TestBIRDIRRFilters runs real BIRD peers through a real route server fed
// by the syncer from an in-process whois server: registered routes pass,
// an unregistered prefix and a wrong origin are rejected (reasons 12 and
// 9), an IRR change applied by Refresh moves routes both ways without a
// session reset, and a registry that disappears or answers empty leaves
// the old filter in force.
func TestBIRDIRRFilters(t *testing.T) {
	speakers.Require(t, "bird")
	w := startWhois(t, syncAddr(30)+":0", "v1.rpsl")
	rs, sy := rsWithSyncer(t, fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "state"

[irr]
servers = ["%[4]s"]
sources = ["TEST"]

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
as_set = "AS-ALPHA"

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
as_set = "AS21002"
irr_max_length_ipv4 = 23
`, syncAddr(1), syncAddr(2), syncAddr(3), w.addr))

	// What a announces, and the reasons before (v1) and after (v2) the change.
	routesA := []struct {
		route  speakers.StaticRoute
		v1, v2 []filters.Reason
	}{
		{speakers.StaticRoute{Prefix: "45.21.1.0/24"}, nil, nil},
		{speakers.StaticRoute{Prefix: "45.22.0.0/24", ASPath: []uint32{21001, 21011}}, nil, nil},
		{speakers.StaticRoute{Prefix: "45.23.0.0/24"}, nil, []filters.Reason{filters.ReasonPrefixNotRegistered}},
		{speakers.StaticRoute{Prefix: "45.24.0.0/24"}, []filters.Reason{filters.ReasonPrefixNotRegistered}, nil},
		{speakers.StaticRoute{Prefix: "45.21.2.0/24", ASPath: []uint32{21001, 21099}}, []filters.Reason{filters.ReasonOriginNotInASSet}, nil},
		{speakers.StaticRoute{Prefix: "45.29.0.0/24", ASPath: []uint32{21001, 21099}},
			[]filters.Reason{filters.ReasonOriginNotInASSet, filters.ReasonPrefixNotRegistered}, nil},
	}
	var static []speakers.StaticRoute
	for _, r := range routesA {
		static = append(static, r.route)
	}
	a := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: syncAddr(2),
		Neighbors: []speakers.BIRDNeighbor{birdToRS(syncAddr(2), 21001)}, Static4: static})
	b := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: syncAddr(3),
		Neighbors: []speakers.BIRDNeighbor{birdToRS(syncAddr(3), 21002)},
		Static4:   []speakers.StaticRoute{{Prefix: "45.30.0.0/23"}, {Prefix: "45.30.2.0/24"}}})
	for name, sp := range map[string]*speakers.BIRD{"a": a, "b": b} {
		if err := sp.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", name, err)
		}
	}
	waitFor(t, 30*time.Second, "Run's first refresh of both peers", func() bool {
		all := sy.Status()
		return all[0].InForce && all[1].InForce
	})
	waitFor(t, 30*time.Second, "the store to hold all of a's routes", func() bool {
		return rs.Store().Counts("a").Received == len(routesA) && rs.Store().Counts("b").Received == 2
	})

	// checkPhase: the store's reasons for every route of a, and b's table
	// holding exactly the accepted ones.
	checkPhase := func(phase string, want func(i int) []filters.Reason) {
		t.Helper()
		accepted := func(i int) bool { return len(want(i)) == 0 }
		for i, r := range routesA {
			e, ok := rs.Store().Get("a", routestore.Key{Prefix: netip.MustParsePrefix(r.route.Prefix)})
			var got []filters.Reason
			for _, rej := range e.Verdict.Rejections {
				got = append(got, rej.Reason)
			}
			if !ok || fmt.Sprint(got) != fmt.Sprint(want(i)) {
				t.Errorf("%s: %s reasons %v, want %v (%+v)", phase, r.route.Prefix, got, want(i), e.Verdict.Rejections)
			}
		}
		_, err := b.WaitRoutes("master4", func(got []speakers.Route) bool {
			for i, r := range routesA {
				if (len(speakers.FindRoute(got, r.route.Prefix)) > 0) != accepted(i) {
					return false
				}
			}
			return true
		}, 30*time.Second)
		if err != nil {
			got, _ := b.Routes("", "master4")
			t.Fatalf("%s: b's table never matched the verdicts: %v\n%v", phase, err, got)
		}
	}
	checkPhase("v1", func(i int) []filters.Reason { return routesA[i].v1 })
	// b's ASN target with irr_max_length_ipv4 = 23: the /23 passes to a, the /24 not
	if _, err := a.WaitRoutes("master4", func(got []speakers.Route) bool {
		return len(speakers.FindRoute(got, "45.30.0.0/23")) == 1 && len(speakers.FindRoute(got, "45.30.2.0/24")) == 0
	}, 30*time.Second); err != nil {
		t.Errorf("a's view of b's routes: %v", err)
	}
	if e, _ := rs.Store().Get("b", routestore.Key{Prefix: netip.MustParsePrefix("45.30.2.0/24")}); !e.Verdict.Has(filters.ReasonPrefixNotRegistered) {
		t.Errorf("b's /24 beyond irr_max_length_ipv4: %+v", e.Verdict)
	}

	_, _, birdSince, err := a.ProtocolState("to_rs")
	if err != nil {
		t.Fatal(err)
	}
	rsSince := peerSince(t, rs, "a")

	// The registry changes: Refresh applies it live.
	w.restart("v2.rpsl")
	res, err := sy.Refresh(context.Background(), "a", false, nil)
	if err != nil || len(res) != 1 || !res[0].Applied || res[0].Change.VerdictChanges != 4 {
		t.Fatalf("refresh after the IRR change: %+v, %v", res, err)
	}
	checkPhase("v2", func(i int) []filters.Reason { return routesA[i].v2 })

	// The registry goes away: the v2 filter stays.
	w.stop()
	res, err = sy.Refresh(context.Background(), "a", false, nil)
	if err != nil || res[0].Err == "" || res[0].Applied {
		t.Fatalf("refresh with the registry down: %+v, %v", res, err)
	}
	if st := statusOf(t, sy, "a"); st.LastError == "" || st.Origins != 3 {
		t.Errorf("status with the registry down: %+v", st)
	}
	checkPhase("registry down", func(i int) []filters.Reason { return routesA[i].v2 })

	// The registry comes back without AS-ALPHA: held back, v2 stays.
	w.start("empty.rpsl")
	res, err = sy.Refresh(context.Background(), "a", false, nil)
	if err != nil || res[0].HeldBack == nil || res[0].Applied {
		t.Fatalf("refresh with an empty answer: %+v, %v", res, err)
	}
	if st := statusOf(t, sy, "a"); st.HeldBack == nil || st.HeldBack.NewCount != 0 || st.LastError != "" {
		t.Errorf("status after the empty answer: %+v", st)
	}
	checkPhase("empty answer held back", func(i int) []filters.Reason { return routesA[i].v2 })

	// No session was reset at any point.
	state, info, since, err := a.ProtocolState("to_rs")
	if err != nil || state != "up" || info != "Established" || !speakers.SameSince(since, birdSince) {
		t.Errorf("BIRD a's session: %s/%s since %v (was %v), %v", state, info, since, birdSince, err)
	}
	if got := peerSince(t, rs, "a"); !got.Equal(rsSince) {
		t.Errorf("route server's session with a: since %v, was %v", got, rsSince)
	}
}

func peerSince(t *testing.T, rs *routeserver.Server, name string) time.Time {
	t.Helper()
	for _, p := range rs.Peers() {
		if p.Name == name {
			if p.State != "ESTABLISHED" {
				t.Errorf("route server peer %s is %s", name, p.State)
			}
			return p.Since
		}
	}
	t.Fatalf("route server has no peer %s", name)
	return time.Time{}
}
