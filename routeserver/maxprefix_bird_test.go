package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// Max-prefix against real BIRD 2 clients. Addresses 127.10.4.x: the route
// server on .1, the limited client a on .2, the receiving client b on .3.
func mpAddr(host byte) string { return fmt.Sprintf("127.10.4.%d", host) }

const (
	mpNOC   = "noc@as21001.example.net"
	mpAbuse = "abuse@as21001.example.net"
)

// mpConfig limits a to 3 IPv4 routes with the given max_prefix_* lines.
func mpConfig(limitLines string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "S"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:4580:4::2"
prefixes = ["45.1.0.0/16{16,24}", "2a0a:4580::/32{32,48}"]
contact_noc = %[4]q
contact_abuse = %[5]q
%[6]s

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:4580:4::3"
prefixes = ["45.2.0.0/16{16,24}"]
`, mpAddr(1), mpAddr(2), mpAddr(3), mpNOC, mpAbuse, limitLines)
}

// mpRoutes are n valid routes of a: 45.1.1.0/24 … 45.1.n.0/24.
func mpRoutes(n int) []speakers.StaticRoute {
	var out []speakers.StaticRoute
	for i := 1; i <= n; i++ {
		out = append(out, speakers.StaticRoute{Prefix: fmt.Sprintf("45.1.%d.0/24", i)})
	}
	return out
}

// mpBIRD: the IPv6 next hop is the peer's configured ipv6_address
// (2a0a:4580:4::<host>), as the strict next-hop check requires.
func mpBIRD(host byte, asn uint32, routes []speakers.StaticRoute, routes6 ...speakers.StaticRoute) speakers.BIRDConfig {
	return speakers.BIRDConfig{ASN: asn, RouterID: mpAddr(host), Static4: routes, Static6: routes6,
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: mpAddr(host), PeerAddr: mpAddr(1), PeerASN: 21000,
			LocalASN: asn, IPv4: true, IPv6: true, ImportAll: true, NextHopAddr6: fmt.Sprintf("2a0a:4580:4::%d", host)}}}
}

// mpHarness is a route server with clients a and b, recording max-prefix
// events and warning log lines.
type mpHarness struct {
	rs   *Server
	a, b *speakers.BIRD
	hook *test.Hook

	mu        sync.Mutex
	sanctions []Sanction
}

func startMP(t *testing.T, limitLines string, aRoutes []speakers.StaticRoute, aRoutes6 ...speakers.StaticRoute) *mpHarness {
	speakers.Require(t, "bird")
	h := &mpHarness{}
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.InfoLevel)
	h.hook = hook
	h.rs = startRS(t, mpConfig(limitLines), func(s *Server) {
		s.log = log
		s.opts.OnEvent = func(e Event) {
			if e.Kind == EventMaxPrefix && e.MaxPrefix != nil {
				h.mu.Lock()
				h.sanctions = append(h.sanctions, *e.MaxPrefix)
				h.mu.Unlock()
			}
		}
	})
	h.b = speakers.StartBIRD(t, mpBIRD(3, 21002, []speakers.StaticRoute{{Prefix: "45.2.1.0/24"}}))
	if err := h.b.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatal(err)
	}
	h.a = speakers.StartBIRD(t, mpBIRD(2, 21001, aRoutes, aRoutes6...))
	return h
}

func (h *mpHarness) events() []Sanction {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Sanction(nil), h.sanctions...)
}

// limitEvents are the sanctions that are not threshold warnings.
func (h *mpHarness) limitEvents() []Sanction {
	var out []Sanction
	for _, s := range h.events() {
		if !s.Threshold {
			out = append(out, s)
		}
	}
	return out
}

func (h *mpHarness) state(name string) PeerStatus {
	for _, p := range h.rs.Peers() {
		if p.Name == name {
			return p
		}
	}
	return PeerStatus{}
}

// bRoutesFromA lists the prefixes of a that b holds, sorted.
func (h *mpHarness) bRoutesFromA(t *testing.T) []string {
	rs, err := h.b.Routes("", "master4")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		if strings.HasPrefix(r.Prefix.String(), "45.1.") {
			out = append(out, r.Prefix.String())
		}
	}
	sort.Strings(out)
	return out
}

// storePrefixes lists a's prefixes in the store that are accepted, or that
// carry reason, sorted.
func (h *mpHarness) storePrefixes(reason filters.Reason) []string {
	var out []string
	h.rs.Store().List(routestore.Query{Peer: "a"}, func(e routestore.Entry) bool {
		if (reason == 0 && e.Verdict.Accepted()) || (reason != 0 && e.Verdict.Has(reason)) {
			out = append(out, e.Key.Prefix.String())
		}
		return true
	})
	sort.Strings(out)
	return out
}

// logged finds a warning whose message contains msg and that names the
// peer's contacts.
func (h *mpHarness) logged(msg string) bool {
	for _, e := range h.hook.AllEntries() {
		if e.Level == logrus.WarnLevel && strings.Contains(e.Message, msg) &&
			e.Data["contact_noc"] == mpNOC && e.Data["contact_abuse"] == mpAbuse && e.Data["peer"] == "a" {
			return true
		}
	}
	return false
}

func checkSanction(t *testing.T, s Sanction, action string, count int, detail string) {
	t.Helper()
	if s.Action != action || s.Family != "ipv4" || s.Limit != 3 || s.Count != count || s.Threshold ||
		!strings.Contains(s.Detail, detail) || s.ContactNOC != mpNOC || s.ContactAbuse != mpAbuse {
		t.Errorf("sanction %+v, want action %s, ipv4, limit 3, count %d, detail containing %q, contacts", s, action, count, detail)
	}
}

// TestMaxPrefixBIRDShutdown: past the limit the session ends with Cease
// "maximum number of prefixes reached", stays down, and comes back only
// with EnablePeer (`rsctl peer enable`).
func TestMaxPrefixBIRDShutdown(t *testing.T) {
	h := startMP(t, "max_prefixes_ipv4 = 3\nmax_prefix_action = \"shutdown\"", mpRoutes(5))
	waitFor(t, 30*time.Second, "the shutdown sanction", func() bool { return len(h.limitEvents()) > 0 })
	checkSanction(t, h.limitEvents()[0], "shutdown", 4, "limit 3 IPv4 routes reached: 4 accepted (action shutdown)")
	waitFor(t, 15*time.Second, "BIRD to receive Cease/maximum number of prefixes", func() bool {
		_, info, _, _ := h.a.ProtocolState("to_rs")
		return strings.Contains(info, "Maximum number of prefixes reached")
	})
	waitFor(t, 10*time.Second, "the log line with the contacts", func() bool { return h.logged("max-prefix limit reached") })
	waitFor(t, 10*time.Second, "b to lose a's routes", func() bool { return len(h.bRoutesFromA(t)) == 0 })
	// BIRD retries every 1-5 s; the session must stay down.
	time.Sleep(6 * time.Second)
	if st := h.state("a"); st.State == "ESTABLISHED" {
		t.Fatal("the session came back without EnablePeer")
	}
	if st := h.state("a").MaxPrefix; st.Last == nil || st.Last.Action != "shutdown" || st.Limits[0] != 3 {
		t.Errorf("status %+v: want the last sanction and limit 3", st)
	}
	// fewer routes, then re-arm: the session comes up and stays up
	if err := h.a.Reconfigure(mpBIRD(2, 21001, mpRoutes(2))); err != nil {
		t.Fatal(err)
	}
	if err := h.rs.EnablePeer(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if err := h.a.WaitEstablished("to_rs", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "b to get a's 2 routes", func() bool { return len(h.bRoutesFromA(t)) == 2 })
	if n := len(h.limitEvents()); n != 1 {
		t.Errorf("%d limit sanctions, want 1", n)
	}
}

// TestMaxPrefixBIRDRestart: the session is re-enabled by itself after
// restart_after.
func TestMaxPrefixBIRDRestart(t *testing.T) {
	h := startMP(t, "max_prefixes_ipv4 = 3\nmax_prefix_action = \"restart\"\nmax_prefix_restart_after = \"2s\"", mpRoutes(5))
	waitFor(t, 30*time.Second, "the restart sanction", func() bool { return len(h.limitEvents()) > 0 })
	down := time.Now()
	checkSanction(t, h.limitEvents()[0], "restart", 4, "session re-enabled after 2s")
	if got := h.limitEvents()[0].RestartAfter; got != 2*time.Second {
		t.Errorf("restart_after in the event = %s, want 2s", got)
	}
	waitFor(t, 10*time.Second, "the session to go down", func() bool { return h.state("a").State != "ESTABLISHED" })
	if st := h.state("a").MaxPrefix; st.RestartAt.IsZero() {
		// the PFX_CT event may not have been handled yet
		waitFor(t, 5*time.Second, "a restart time in the status", func() bool { return !h.state("a").MaxPrefix.RestartAt.IsZero() })
	}
	if err := h.a.Reconfigure(mpBIRD(2, 21001, mpRoutes(2))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the route server to re-enable the session", func() bool {
		for _, e := range h.hook.AllEntries() {
			if strings.Contains(e.Message, "restart_after passed, session re-enabled") {
				return true
			}
		}
		return false
	})
	// down is when the test saw the event, a moment after the sanction:
	// allow for that lag, but not for a re-enable long before restart_after.
	if took := time.Since(down); took < 1500*time.Millisecond {
		t.Errorf("re-enabled after %s, before restart_after (2s)", took)
	}
	t.Logf("route server re-enabled the session %s after the sanction", time.Since(down).Round(100*time.Millisecond))
	if err := h.a.WaitEstablished("to_rs", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(down); took < 1500*time.Millisecond {
		t.Errorf("session back after %s, before restart_after (2s)", took)
	}
	t.Logf("session established again %s after the sanction (BIRD's error wait adds to restart_after)", time.Since(down).Round(100*time.Millisecond))
	waitFor(t, 20*time.Second, "b to get a's 2 routes", func() bool { return len(h.bRoutesFromA(t)) == 2 })
}

// TestMaxPrefixBIRDBlock: the session stays up, routes past the limit are
// rejected with max_prefix_blocked by the evaluator and by GoBGP (b never
// keeps them), and are admitted when routes are withdrawn; a reload that
// raises the limit admits the rest without resetting the session.
func TestMaxPrefixBIRDBlock(t *testing.T) {
	lines := "max_prefixes_ipv4 = 3\nmax_prefix_action = \"block\""
	h := startMP(t, lines, mpRoutes(5))
	if err := h.a.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "3 accepted and 2 blocked routes in the store", func() bool {
		return len(h.storePrefixes(0)) == 3 && len(h.storePrefixes(filters.ReasonMaxPrefixBlocked)) == 2
	})
	accepted := h.storePrefixes(0)
	waitFor(t, 15*time.Second, "b to hold exactly the accepted routes", func() bool {
		return fmt.Sprint(h.bRoutesFromA(t)) == fmt.Sprint(accepted)
	})
	time.Sleep(time.Second) // a blocked route wrongly re-advertised would be back by now
	if got := h.bRoutesFromA(t); fmt.Sprint(got) != fmt.Sprint(accepted) {
		t.Fatalf("b holds %v, want exactly the accepted %v", got, accepted)
	}
	for _, p := range h.storePrefixes(filters.ReasonMaxPrefixBlocked) {
		e, _ := h.rs.Store().Get("a", routestoreKey(netip.MustParsePrefix(p)))
		if len(e.Verdict.Rejections) != 1 || !strings.Contains(e.Verdict.Rejections[0].Detail, "limit 3 IPv4 routes reached (action block)") {
			t.Errorf("%s: verdict %+v, want only max_prefix_blocked with its evidence", p, e.Verdict.Rejections)
		}
	}
	if ev := h.limitEvents(); len(ev) != 1 {
		t.Errorf("%d block sanctions, want 1: %+v", len(ev), ev)
	} else {
		checkSanction(t, ev[0], "block", 4, "limit 3 IPv4 routes reached (action block)")
	}
	if !h.logged("max-prefix limit reached") {
		t.Error("no warning log line with the contacts")
	}
	st := h.state("a")
	if st.State != "ESTABLISHED" || st.MaxPrefix.Counted[0] != 3 || st.MaxPrefix.Blocked[0] != 2 {
		t.Fatalf("state %s, max-prefix %+v: want established, 3 counted, 2 blocked", st.State, st.MaxPrefix)
	}
	since := st.Since

	// a withdraws one accepted route: one blocked route takes its place
	var keep []speakers.StaticRoute
	for _, r := range mpRoutes(5) {
		if r.Prefix != accepted[0] {
			keep = append(keep, r)
		}
	}
	if err := h.a.Reconfigure(mpBIRD(2, 21001, keep)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "one blocked route released", func() bool {
		return len(h.storePrefixes(0)) == 3 && len(h.storePrefixes(filters.ReasonMaxPrefixBlocked)) == 1
	})
	accepted = h.storePrefixes(0)
	waitFor(t, 15*time.Second, "b to hold the new accepted set", func() bool {
		return fmt.Sprint(h.bRoutesFromA(t)) == fmt.Sprint(accepted)
	})

	// reload with a higher limit: everything admitted, no session reset
	next := *h.rs.Config()
	next.Peers = append([]config.Peer(nil), next.Peers...)
	next.Peers[0].MaxPrefixesIPv4 = 10
	changes, err := h.rs.ApplyConfig(context.Background(), &next, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(changes) != "[peer a: max_prefixes_ipv4 changed: updated, session kept]" {
		t.Errorf("reload changes %q", changes)
	}
	waitFor(t, 20*time.Second, "b to get all 4 of a's routes", func() bool { return len(h.bRoutesFromA(t)) == 4 })
	if n := len(h.storePrefixes(filters.ReasonMaxPrefixBlocked)); n != 0 {
		t.Errorf("%d routes still blocked after the limit was raised", n)
	}
	if st := h.state("a"); st.State != "ESTABLISHED" || !st.Since.Equal(since) {
		t.Errorf("the reload reset the session: state %s since %s, was established since %s", st.State, st.Since, since)
	}
}

// TestMaxPrefixBIRDWarn: past the limit routes are still accepted and
// propagated; an event and a log line with the contacts say so.
func TestMaxPrefixBIRDWarn(t *testing.T) {
	h := startMP(t, "max_prefixes_ipv4 = 3\nmax_prefix_action = \"warn\"", mpRoutes(5))
	waitFor(t, 30*time.Second, "b to get all 5 of a's routes", func() bool { return len(h.bRoutesFromA(t)) == 5 })
	waitFor(t, 10*time.Second, "the warn sanction", func() bool { return len(h.limitEvents()) > 0 })
	checkSanction(t, h.limitEvents()[0], "warn", 4, "limit 3 IPv4 routes reached: 4 accepted (action warn)")
	if !h.logged("max-prefix limit reached") {
		t.Error("no warning log line with the contacts")
	}
	if n := len(h.storePrefixes(0)); n != 5 {
		t.Errorf("%d accepted routes in the store, want 5", n)
	}
	if st := h.state("a"); st.State != "ESTABLISHED" || st.MaxPrefix.Counted[0] != 5 {
		t.Errorf("state %s, counted %d: want established, 5", st.State, st.MaxPrefix.Counted[0])
	}
	if n := len(h.limitEvents()); n != 1 {
		t.Errorf("%d warn sanctions for one crossing, want 1", n)
	}
}

// TestMaxPrefixBIRDCountRejected: 2 valid and 3 rejected routes against a
// limit of 3 cross it only when rejected routes count. The warning
// threshold (60%: 2 routes) fires in both cases, once.
func TestMaxPrefixBIRDCountRejected(t *testing.T) {
	routes := append(mpRoutes(2), speakers.StaticRoute{Prefix: "45.9.1.0/24"}, speakers.StaticRoute{Prefix: "45.9.2.0/24"},
		speakers.StaticRoute{Prefix: "45.9.3.0/24"})
	for _, tc := range []struct {
		countRejected bool
		counted       int
		limitHit      bool
	}{{false, 2, false}, {true, 5, true}} {
		t.Run(fmt.Sprintf("count_rejected=%t", tc.countRejected), func(t *testing.T) {
			h := startMP(t, fmt.Sprintf("max_prefixes_ipv4 = 3\nmax_prefix_action = \"warn\"\nmax_prefix_warn_percent = 60\nmax_prefix_count_rejected = %t",
				tc.countRejected), routes)
			waitFor(t, 30*time.Second, "all 5 routes in the store", func() bool { return h.rs.Store().Counts("a").Received == 5 })
			waitFor(t, 10*time.Second, "the threshold warning", func() bool {
				for _, s := range h.events() {
					if s.Threshold {
						return true
					}
				}
				return false
			})
			time.Sleep(500 * time.Millisecond)
			var thresholds int
			for _, s := range h.events() {
				if s.Threshold {
					thresholds++
					if !strings.Contains(s.Detail, "60% of the limit of 3 IPv4 routes reached") || s.ContactNOC != mpNOC {
						t.Errorf("threshold event %+v", s)
					}
				}
			}
			if thresholds != 1 {
				t.Errorf("%d threshold warnings, want 1", thresholds)
			}
			if !h.logged("max-prefix warning") {
				t.Error("no threshold log line with the contacts")
			}
			if got := h.state("a").MaxPrefix.Counted[0]; got != tc.counted {
				t.Errorf("counted %d, want %d", got, tc.counted)
			}
			if hit := len(h.limitEvents()) > 0; hit != tc.limitHit {
				t.Errorf("limit sanction = %v, want %v (%+v)", hit, tc.limitHit, h.limitEvents())
			}
			if tc.limitHit {
				checkSanction(t, h.limitEvents()[0], "warn", 4, "4 received (action warn)")
			}
		})
	}
}

// TestMaxPrefixBIRDBlockIPv6: the IPv6 limit is separate from the IPv4
// one and blocks through the IPv6 block set.
func TestMaxPrefixBIRDBlockIPv6(t *testing.T) {
	v6 := []speakers.StaticRoute{{Prefix: "2a0a:4580:1::/48"}, {Prefix: "2a0a:4580:2::/48"}, {Prefix: "2a0a:4580:3::/48"}}
	h := startMP(t, "max_prefixes_ipv6 = 2\nmax_prefix_action = \"block\"", mpRoutes(3), v6...)
	waitFor(t, 30*time.Second, "3 IPv4 and 2 IPv6 accepted, 1 IPv6 blocked", func() bool {
		return len(h.storePrefixes(0)) == 5 && len(h.storePrefixes(filters.ReasonMaxPrefixBlocked)) == 1
	})
	blocked := h.storePrefixes(filters.ReasonMaxPrefixBlocked)[0]
	if !strings.HasPrefix(blocked, "2a0a:4580:") {
		t.Fatalf("blocked %s, want an IPv6 route", blocked)
	}
	bRoutes6 := func() []string {
		rs, err := h.b.Routes("", "master6")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Prefix.String())
		}
		sort.Strings(out)
		return out
	}
	waitFor(t, 15*time.Second, "b to hold exactly a's 2 accepted IPv6 routes", func() bool {
		got := bRoutes6()
		return len(got) == 2 && !strings.Contains(fmt.Sprint(got), blocked)
	})
	st := h.state("a").MaxPrefix
	if st.Counted != [2]int{0, 2} || st.Blocked != [2]int{0, 1} || st.Last == nil || st.Last.Family != "ipv6" ||
		!strings.Contains(st.Last.Detail, "limit 2 IPv6 routes reached (action block)") {
		t.Errorf("status %+v", st)
	}
	if n := len(h.bRoutesFromA(t)); n != 3 {
		t.Errorf("b holds %d of a's IPv4 routes, want 3 (IPv4 has no limit)", n)
	}
}
