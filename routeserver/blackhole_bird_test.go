package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/rsguard/rsguard/routestore"
)

// Blackholing, graceful shutdown and reject tagging with real BIRD
// clients. Addresses 127.10.13.x (this branch's octet).
func bhAddr(host byte) string { return fmt.Sprintf("127.10.13.%d", host) }

// bhConfig: the route server on host rs, a (21001) announces, b (21002)
// accepts blackholes, c (21003) does not. extra goes into [filters].
func bhConfig(rs, a, b, c byte, global, filtersExtra string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "STATE"
%[5]s

[filters]
%[6]s

[blackhole]
next_hop_ipv4 = "%[7]s"
next_hop_ipv6 = "2a0a:ffff::666"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.1.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.2.0.0/16{16,24}"]

[[peers]]
name = "c"
address = "%[4]s"
asn = 21003
prefixes = ["45.3.0.0/16{16,24}"]
accept_blackholes = false
`, bhAddr(rs), bhAddr(a), bhAddr(b), bhAddr(c), global, filtersExtra, bhAddr(66))
}

func bhNeighbor(rs, local byte, asn uint32) speakers.BIRDNeighbor {
	return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: bhAddr(local), PeerAddr: bhAddr(rs), PeerASN: 21000,
		LocalASN: asn, IPv4: true, ImportAll: true}
}

// startBHClients starts a, b and c; a's static routes carry the given
// communities.
func startBHClients(t *testing.T, rs, a, b, c byte, aRoutes map[string]speakers.RouteCommunities, aPlain ...string) (ba, bb, bc *speakers.BIRD) {
	t.Helper()
	cfgA := speakers.BIRDConfig{ASN: 21001, RouterID: bhAddr(a), Neighbors: []speakers.BIRDNeighbor{bhNeighbor(rs, a, 21001)}}
	for p := range aRoutes {
		cfgA.Static4 = append(cfgA.Static4, speakers.StaticRoute{Prefix: p})
	}
	for _, p := range aPlain {
		cfgA.Static4 = append(cfgA.Static4, speakers.StaticRoute{Prefix: p})
	}
	cfgA, err := cfgA.WithCommunities(aRoutes)
	if err != nil {
		t.Fatal(err)
	}
	ba = speakers.StartBIRD(t, cfgA)
	bb = speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: bhAddr(b), Neighbors: []speakers.BIRDNeighbor{bhNeighbor(rs, b, 21002)},
		Static4: []speakers.StaticRoute{{Prefix: "45.2.1.0/24"}}})
	bc = speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21003, RouterID: bhAddr(c), Neighbors: []speakers.BIRDNeighbor{bhNeighbor(rs, c, 21003)},
		Static4: []speakers.StaticRoute{{Prefix: "45.3.1.0/24"}}})
	for name, sp := range map[string]*speakers.BIRD{"a": ba, "b": bb, "c": bc} {
		if err := sp.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", name, err)
		}
	}
	return ba, bb, bc
}

func hasStd(r speakers.Route, c string) bool {
	return strings.Contains(r.Attrs["BGP.community"], "("+strings.ReplaceAll(c, ":", ",")+")")
}

func hasLargeAttr(r speakers.Route, c string) bool {
	return strings.Contains(r.Attrs["BGP.large_community"], "("+strings.ReplaceAll(c, ":", ", ")+")") ||
		strings.Contains(r.Attrs["BGP.large_community"], "("+strings.ReplaceAll(c, ":", ",")+")")
}

// routeFrom returns the route for prefix in rs, if any.
func routeFrom(rs []speakers.Route, prefix string) (speakers.Route, bool) {
	if f := speakers.FindRoute(rs, prefix); len(f) > 0 {
		return f[0], true
	}
	return speakers.Route{}, false
}

func storeEntry(t *testing.T, s *Server, peer, prefix string) routestore.Entry {
	t.Helper()
	var e routestore.Entry
	waitFor(t, 20*time.Second, "store entry "+prefix, func() bool {
		var ok bool
		e, ok = s.Store().Get(peer, routestore.Key{Prefix: netip.MustParsePrefix(prefix)})
		return ok
	})
	return e
}

// TestBlackholeAndGracefulShutdownBIRD: a blackhole /32 inside a's space
// reaches b with the blackhole next hop and NO_EXPORT, never c (which
// refuses blackholes); one outside a's space is rejected (reason 12 only,
// not 13); a server-wide graceful shutdown tags everything and is lifted;
// a graceful shutdown of a tags its routes at b before its session drops.
func TestBlackholeAndGracefulShutdownBIRD(t *testing.T) {
	speakers.Require(t, "bird")
	rs := startRS(t, bhConfig(1, 2, 3, 4, "", ""), nil)
	bh := speakers.RouteCommunities{Std: []string{"65535:666"}}
	_, b, c := startBHClients(t, 1, 2, 3, 4, map[string]speakers.RouteCommunities{
		"45.1.9.1/32": bh, // inside a's 45.1.0.0/16: accepted at /32
		"45.7.7.7/32": bh, // outside: rejected
	}, "45.1.5.0/24")

	got, err := b.WaitRoutes("master4", func(rs []speakers.Route) bool {
		_, ok1 := routeFrom(rs, "45.1.9.1/32")
		_, ok2 := routeFrom(rs, "45.3.1.0/24")
		return ok1 && ok2
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("b: %v (has %v)", err, got)
	}
	r, _ := routeFrom(got, "45.1.9.1/32")
	if r.NextHop.String() != bhAddr(66) || !hasStd(r, "65535:666") || !hasStd(r, "65535:65281") {
		t.Fatalf("blackhole at b: next hop %s, communities %q; want %s, BLACKHOLE and NO_EXPORT", r.NextHop, r.Attrs["BGP.community"], bhAddr(66))
	}
	if strings.Count(r.Attrs["BGP.community"], "(65535,65281)") != 1 {
		t.Errorf("NO_EXPORT added more than once: %q", r.Attrs["BGP.community"])
	}
	if _, ok := routeFrom(got, "45.7.7.7/32"); ok {
		t.Errorf("blackhole outside a's space reached b")
	}
	// c refuses blackholes: it has a's ordinary route, never the /32.
	gotC, err := c.WaitRoutes("master4", func(rs []speakers.Route) bool { _, ok := routeFrom(rs, "45.1.5.0/24"); return ok }, 30*time.Second)
	if err != nil {
		t.Fatalf("c: %v", err)
	}
	time.Sleep(time.Second) // the /32 was sent to b already; give c the same time
	if gotC, _ = c.Routes("to_rs", "master4"); len(speakers.FindRoute(gotC, "45.1.9.1/32")) > 0 {
		t.Errorf("c (accept_blackholes = false) received the blackhole")
	}
	in := storeEntry(t, rs, "a", "45.1.9.1/32")
	if !in.Verdict.Accepted() || !in.Route.Blackhole {
		t.Errorf("store: blackhole inside space: accepted=%v blackhole=%v %+v", in.Verdict.Accepted(), in.Route.Blackhole, in.Verdict.Rejections)
	}
	out := storeEntry(t, rs, "a", "45.7.7.7/32")
	if len(out.Verdict.Rejections) != 1 || !out.Verdict.Has(filters.ReasonPrefixNotRegistered) {
		t.Errorf("store: blackhole outside space: want only prefix_not_registered, got %+v", out.Verdict.Rejections)
	}

	// An IRR-style filter change reaches the blackhole sets too: once
	// 45.7.0.0/16 is a's, its /32 request is accepted (store and wire).
	ctx := context.Background()
	wider := []filters.PrefixRange{
		{Prefix: netip.MustParsePrefix("45.1.0.0/16"), Min: 16, Max: 24},
		{Prefix: netip.MustParsePrefix("45.7.0.0/16"), Min: 16, Max: 24}}
	if _, err := rs.SetPeerFilter(ctx, "a", wider, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := b.WaitRoutes("master4", func(rs []speakers.Route) bool {
		r, ok := routeFrom(rs, "45.7.7.7/32")
		return ok && r.NextHop.String() == bhAddr(66)
	}, 30*time.Second); err != nil {
		t.Fatalf("blackhole inside the widened space not at b: %v (%v)", err, got)
	}
	if e := storeEntry(t, rs, "a", "45.7.7.7/32"); !e.Verdict.Accepted() {
		t.Errorf("store after the filter change: %+v", e.Verdict.Rejections)
	}

	// Server-wide graceful shutdown: every route b receives is tagged.
	if err := rs.SetGracefulShutdown(ctx, true); err != nil {
		t.Fatal(err)
	}
	tagged := func(on bool, prefixes ...string) func([]speakers.Route) bool {
		return func(rs []speakers.Route) bool {
			for _, p := range prefixes {
				r, ok := routeFrom(rs, p)
				if !ok || hasStd(r, "65535:0") != on {
					return false
				}
			}
			return true
		}
	}
	if got, err := b.WaitRoutes("master4", tagged(true, "45.1.5.0/24", "45.3.1.0/24", "45.1.9.1/32"), 30*time.Second); err != nil {
		t.Fatalf("server-wide graceful shutdown: %v (b has %v)", err, got)
	}
	if err := rs.SetGracefulShutdown(ctx, false); err != nil {
		t.Fatal(err)
	}
	if got, err := b.WaitRoutes("master4", tagged(false, "45.1.5.0/24", "45.3.1.0/24"), 30*time.Second); err != nil {
		t.Fatalf("graceful shutdown lifted: %v (b has %v)", err, got)
	}

	// Graceful shutdown of peer a: tagged at b while a is still up.
	done := make(chan error, 1)
	go func() { done <- rs.GracefulShutdownPeer(ctx, "a", 4*time.Second, "maintenance") }()
	if got, err := b.WaitRoutes("master4", tagged(true, "45.1.5.0/24"), 4*time.Second); err != nil {
		t.Fatalf("a's routes not tagged during its graceful shutdown: %v (b has %v)", err, got)
	}
	if st := peerStateName(rs, "a"); st != "ESTABLISHED" {
		t.Fatalf("a is %s while its routes are only tagged", st)
	}
	if r, _ := routeFrom(mustRoutes(t, b), "45.3.1.0/24"); hasStd(r, "65535:0") {
		t.Errorf("c's route tagged by a's graceful shutdown")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "a's session down and its routes gone at b", func() bool {
		rs2, _ := b.Routes("to_rs", "master4")
		return peerStateName(rs, "a") != "ESTABLISHED" && len(speakers.FindRoute(rs2, "45.1.5.0/24")) == 0
	})
}

func mustRoutes(t *testing.T, b *speakers.BIRD) []speakers.Route {
	t.Helper()
	rs, err := b.Routes("to_rs", "master4")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func peerStateName(s *Server, name string) string {
	p, _ := peerState(s, name)
	return p.State
}

// ribLarge returns the large communities of prefix in the route server's
// RIB as peer viewer sees it (before export policy).
func ribLarge(t *testing.T, s *Server, viewer, prefix string) ([]string, bool) {
	t.Helper()
	dp, ok := ribPaths(t, s, viewer)[netip.MustParsePrefix(prefix)]
	var out []string
	for _, l := range dp.Comms.Large {
		out = append(out, l.String())
	}
	return out, ok
}

// TestRejectPolicyTagBIRD: with reject_policy = "tag" a rejected route
// stays in the route server's RIB carrying every cause (RS:65520:code and
// the Euro-IX RS:1101:x), is still "rejected" in the store, and reaches no
// client; an accepted one carries the informational communities inside
// the RS and reaches the clients without them. graceful_shutdown = true in
// the config tags everything from the start.
func TestRejectPolicyTagBIRD(t *testing.T) {
	speakers.Require(t, "bird")
	rs := startRS(t, bhConfig(11, 12, 13, 14, "graceful_shutdown = true", `reject_policy = "tag"
info_communities = true`), nil)
	_, b, c := startBHClients(t, 11, 12, 13, 14, map[string]speakers.RouteCommunities{
		// a client's fake reject cause is scrubbed on import
		"45.1.1.0/24": {Large: []string{"21000:65520:9"}},
	}, "10.1.0.0/16", "45.9.0.0/24")

	got, err := b.WaitRoutes("master4", func(rs []speakers.Route) bool {
		_, ok := routeFrom(rs, "45.1.1.0/24")
		_, ok2 := routeFrom(rs, "45.3.1.0/24")
		return ok && ok2
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("b: %v", err)
	}
	for _, p := range []string{"45.1.1.0/24", "45.3.1.0/24"} {
		if r, _ := routeFrom(got, p); !hasStd(r, "65535:0") {
			t.Errorf("%s at b without GRACEFUL_SHUTDOWN ([global] graceful_shutdown = true): %q", p, r.Attrs["BGP.community"])
		}
	}
	if r, _ := routeFrom(got, "45.1.1.0/24"); r.Attrs["BGP.large_community"] != "" {
		t.Errorf("route server's own communities leaked to b: %q", r.Attrs["BGP.large_community"])
	}
	time.Sleep(time.Second)
	for name, sp := range map[string]*speakers.BIRD{"b": b, "c": c} {
		rs2 := mustRoutes(t, sp)
		for _, p := range []string{"10.1.0.0/16", "45.9.0.0/24"} {
			if len(speakers.FindRoute(rs2, p)) > 0 {
				t.Errorf("tagged (rejected) %s reached %s", p, name)
			}
		}
	}
	want := map[string][]string{
		"10.1.0.0/16": {"21000:65520:2", "21000:1101:3", "21000:65520:12", "21000:1101:9"},
		"45.9.0.0/24": {"21000:65520:12", "21000:1101:9"},
		"45.1.1.0/24": {"21000:1001:1", "21000:1000:3"},
	}
	for p, w := range want {
		var l []string
		waitFor(t, 20*time.Second, p+" in the RS RIB", func() bool {
			var ok bool
			l, ok = ribLarge(t, rs, bhAddr(13), p)
			return ok
		})
		have := map[string]bool{}
		for _, x := range l {
			have[x] = true
		}
		for _, x := range w {
			if !have[x] {
				t.Errorf("%s in the RIB: missing %s (has %v)", p, x, l)
			}
		}
		if p == "45.1.1.0/24" && (have["21000:65520:9"] || len(l) != len(w)) {
			t.Errorf("%s in the RIB: want exactly %v, has %v", p, w, l)
		}
		e := storeEntry(t, rs, "a", p)
		if (p == "45.1.1.0/24") != e.Verdict.Accepted() {
			t.Errorf("store: %s accepted=%v, %+v", p, e.Verdict.Accepted(), e.Verdict.Rejections)
		}
	}
}

// TestBlackholeRPKIBIRD: a blackhole request must also be RPKI not
// invalid. 45.1.9.1/32 is covered by a ROA allowing /32 (valid: accepted,
// reaches b); 45.1.200.1/32 only by one with maxLength 24 (invalid:
// rejected as rpki_invalid). In tag mode with info communities the RIB
// shows the RPKI state (RS:1000:1 / RS:1000:4) and the cause (RS:65520:14,
// RS:1101:13).
func TestBlackholeRPKIBIRD(t *testing.T) {
	speakers.Require(t, "bird")
	vrpFile := filepath.Join(t.TempDir(), "vrps.json")
	writeVRPs(t, vrpFile, `{"roas":[{"prefix":"45.1.0.0/17","maxLength":32,"asn":21001},{"prefix":"45.1.128.0/17","maxLength":24,"asn":21001}]}`, time.Now())
	rs := startRS(t, bhConfig(41, 42, 43, 44, fmt.Sprintf("[rpki]\nfiles = [%q]", vrpFile), `reject_policy = "tag"
info_communities = true`), nil)
	bh := speakers.RouteCommunities{Std: []string{"65535:666"}}
	_, b, _ := startBHClients(t, 41, 42, 43, 44, map[string]speakers.RouteCommunities{"45.1.9.1/32": bh, "45.1.200.1/32": bh})
	if got, err := b.WaitRoutes("master4", func(rs []speakers.Route) bool { _, ok := routeFrom(rs, "45.1.9.1/32"); return ok }, 30*time.Second); err != nil {
		t.Fatalf("RPKI-valid blackhole not at b: %v (%v)", err, got)
	}
	time.Sleep(time.Second)
	if len(speakers.FindRoute(mustRoutes(t, b), "45.1.200.1/32")) > 0 {
		t.Errorf("RPKI-invalid blackhole reached b")
	}
	if e := storeEntry(t, rs, "a", "45.1.200.1/32"); len(e.Verdict.Rejections) != 1 || !e.Verdict.Has(filters.ReasonRPKIInvalid) {
		t.Errorf("store: invalid blackhole: want only rpki_invalid, got %+v", e.Verdict.Rejections)
	}
	if e := storeEntry(t, rs, "a", "45.1.9.1/32"); !e.Verdict.Accepted() {
		t.Errorf("store: valid blackhole rejected: %+v", e.Verdict.Rejections)
	}
	for p, want := range map[string][]string{
		"45.1.9.1/32":   {"21000:1000:1", "21000:1001:3"},
		"45.1.200.1/32": {"21000:1000:4", "21000:65520:14", "21000:1101:13"},
	} {
		var l []string
		waitFor(t, 20*time.Second, p+" in the RS RIB", func() bool {
			var ok bool
			l, ok = ribLarge(t, rs, bhAddr(43), p)
			return ok
		})
		for _, w := range want {
			if !slices.Contains(l, w) {
				t.Errorf("%s in the RIB: missing %s (has %v)", p, w, l)
			}
		}
	}
}
