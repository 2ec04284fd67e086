package routeserver

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

func limiterPeer(limit4 uint32, action string, countRejected bool, warn uint8) config.Peer {
	return config.Peer{Name: "a", MaxPrefixesIPv4: limit4, ContactNOC: "noc@a.example.net",
		MaxPrefix: config.MaxPrefix{Action: action, RestartAfter: time.Minute, CountRejected: countRejected, WarnPercent: warn}}
}

func k4(i int) routestore.Key {
	return routestore.Key{Prefix: netip.MustParsePrefix(fmt.Sprintf("45.1.%d.0/24", i))}
}

var rejected = filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered}}}

// TestLimiterBlock: routes past the limit are blocked; a withdrawal makes
// room for the oldest blocked route; a blocked route's own withdrawal only
// takes it out of the set.
func TestLimiterBlock(t *testing.T) {
	l := newPrefixLimiter(limiterPeer(2, config.MaxPrefixBlock, false, 0))
	t0 := time.Unix(1000, 0)
	for i := 1; i <= 2; i++ {
		if o := l.announce(k4(i), filters.Verdict{}, t0); !o.empty() {
			t.Fatalf("route %d under the limit: %+v", i, o)
		}
	}
	o := l.announce(k4(3), filters.Verdict{}, t0.Add(time.Second))
	if len(o.blocked) != 1 || o.blocked[0] != k4(3).Prefix || !o.resetIn || len(o.sanctions) != 1 || o.shutdown != nil {
		t.Fatalf("third route: %+v", o)
	}
	if s := o.sanctions[0]; s.Action != "block" || s.Count != 3 || s.Detail != "limit 2 IPv4 routes reached (action block): routes past it are refused" || s.ContactNOC != "noc@a.example.net" {
		t.Errorf("sanction %+v", s)
	}
	if d, ok := l.blockedDetail(k4(3).Prefix); !ok || d[:42] != "limit 2 IPv4 routes reached (action block)" {
		t.Errorf("evidence %q %v", d, ok)
	}
	// a fourth is blocked too, without a second sanction; re-announcing a
	// blocked route changes nothing
	if o := l.announce(k4(4), filters.Verdict{}, t0.Add(2*time.Second)); len(o.blocked) != 1 || len(o.sanctions) != 0 {
		t.Errorf("fourth route: %+v", o)
	}
	if o := l.announce(k4(3), filters.Verdict{}, t0.Add(3*time.Second)); !o.empty() {
		t.Errorf("re-announced blocked route: %+v", o)
	}
	// the blocked route 4 is withdrawn: out of the set, nothing released
	if o := l.withdraw(k4(4), t0); len(o.unblock) != 1 || len(o.release) != 0 || o.resetIn {
		t.Errorf("withdrawn blocked route: %+v", o)
	}
	// a counted route is withdrawn: route 3 takes its place
	o = l.withdraw(k4(1), t0)
	if len(o.release) != 1 || o.release[0] != k4(3) || len(o.unblock) != 1 || !o.resetIn {
		t.Errorf("withdrawn counted route: %+v", o)
	}
	// a counted route re-announced as rejected makes room too
	l.announce(k4(5), filters.Verdict{}, t0.Add(4*time.Second)) // blocked
	if o := l.announce(k4(2), rejected, t0); len(o.release) != 1 || o.release[0] != k4(5) {
		t.Errorf("counted route re-announced as rejected: %+v", o)
	}
	st := l.status()
	if st.Counted[famV4] != 2 || st.Blocked[famV4] != 0 || st.Last == nil {
		t.Errorf("status %+v", st)
	}
	if _, ok := l.blockedDetail(k4(3).Prefix); ok {
		t.Error("route 3 still blocked")
	}
}

// TestLimiterCounting: with count_rejected false rejected routes do not
// count; with true they do. A route whose verdict changes moves in or out.
func TestLimiterCounting(t *testing.T) {
	for _, tc := range []struct {
		countRejected bool
		want          int
	}{{false, 1}, {true, 3}} {
		l := newPrefixLimiter(limiterPeer(10, config.MaxPrefixWarn, tc.countRejected, 0))
		l.announce(k4(1), filters.Verdict{}, time.Now())
		l.announce(k4(2), rejected, time.Now())
		l.announce(k4(3), rejected, time.Now())
		if got := l.status().Counted[famV4]; got != tc.want {
			t.Errorf("count_rejected=%t: counted %d, want %d", tc.countRejected, got, tc.want)
		}
	}
	l := newPrefixLimiter(limiterPeer(10, config.MaxPrefixWarn, false, 0))
	l.announce(k4(1), filters.Verdict{}, time.Now())
	l.announce(k4(1), rejected, time.Now()) // re-announced, now rejected
	if got := l.status().Counted[famV4]; got != 0 {
		t.Errorf("a route that became rejected still counts: %d", got)
	}
	// IPv6 has no limit: not counted at all
	l.announce(routestore.Key{Prefix: netip.MustParsePrefix("2a0a:4580::/48")}, filters.Verdict{}, time.Now())
	if got := l.status().Counted[famV6]; got != 0 {
		t.Errorf("IPv6 without a limit counted: %d", got)
	}
}

// TestLimiterThresholdAndShutdown: the warning fires once when the count
// reaches warn_percent and re-arms below it; past the limit, shutdown
// trips once and later routes of the dying session are ignored.
func TestLimiterThresholdAndShutdown(t *testing.T) {
	l := newPrefixLimiter(limiterPeer(4, config.MaxPrefixShutdown, false, 50))
	now := time.Now()
	if o := l.announce(k4(1), filters.Verdict{}, now); len(o.sanctions) != 0 {
		t.Fatalf("1/4: %+v", o)
	}
	o := l.announce(k4(2), filters.Verdict{}, now)
	if len(o.sanctions) != 1 || !o.sanctions[0].Threshold || o.shutdown != nil ||
		o.sanctions[0].Detail != "50% of the limit of 4 IPv4 routes reached: 2 accepted (action shutdown on the limit)" {
		t.Fatalf("2/4: %+v", o)
	}
	if o := l.announce(k4(3), filters.Verdict{}, now); len(o.sanctions) != 0 {
		t.Errorf("3/4 warned again: %+v", o)
	}
	l.withdraw(k4(3), now)
	l.withdraw(k4(2), now) // 1/4: below the mark, re-armed
	if o := l.announce(k4(2), filters.Verdict{}, now); len(o.sanctions) != 1 || !o.sanctions[0].Threshold {
		t.Errorf("re-armed warning: %+v", o)
	}
	for i := 3; i <= 4; i++ {
		l.announce(k4(i), filters.Verdict{}, now)
	}
	o = l.announce(k4(5), filters.Verdict{}, now)
	if o.shutdown == nil || o.shutdown.Count != 5 || o.shutdown.Detail != "limit 4 IPv4 routes reached: 5 accepted (action shutdown)" {
		t.Fatalf("5/4: %+v", o)
	}
	if o := l.announce(k4(6), filters.Verdict{}, now); !o.empty() {
		t.Errorf("a route after the trip: %+v", o)
	}
	l.sessionDown()
	if st := l.status(); st.Counted[famV4] != 0 || st.Last == nil || st.Last.Action != "shutdown" {
		t.Errorf("after the session went down: %+v", st)
	}
	if o := l.announce(k4(1), filters.Verdict{}, now); len(o.sanctions) != 0 || o.shutdown != nil {
		t.Errorf("new session, first route: %+v", o)
	}
}

// TestLimiterReconfigure: raising the limit or leaving "block" admits the
// blocked routes without a new session; recount follows verdict changes.
func TestLimiterReconfigure(t *testing.T) {
	now := time.Now()
	entries := func(n int) []routestore.KeyVerdict {
		var out []routestore.KeyVerdict
		for i := 1; i <= n; i++ {
			out = append(out, routestore.KeyVerdict{Key: k4(i), Verdict: &filters.Verdict{}})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		next config.Peer
		want int // released
	}{
		{"limit raised to 4", limiterPeer(4, config.MaxPrefixBlock, false, 0), 2},
		{"limit raised to 3", limiterPeer(3, config.MaxPrefixBlock, false, 0), 1},
		{"action warn", limiterPeer(2, config.MaxPrefixWarn, false, 0), 3},
		{"limit removed", limiterPeer(0, config.MaxPrefixBlock, false, 0), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newPrefixLimiter(limiterPeer(2, config.MaxPrefixBlock, false, 0))
			for i := 1; i <= 5; i++ {
				l.announce(k4(i), filters.Verdict{}, now.Add(time.Duration(i)*time.Second))
			}
			o := l.reconfigure(tc.next, entries(5), now)
			if len(o.release) != tc.want {
				t.Errorf("released %v, want %d", o.release, tc.want)
			}
			if tc.want > 0 && o.release[0] != k4(3) {
				t.Errorf("released %v first, want the oldest blocked route %v", o.release[0], k4(3))
			}
		})
	}
	// recount: two of three counted routes became rejected (IRR change)
	l := newPrefixLimiter(limiterPeer(3, config.MaxPrefixWarn, false, 0))
	es := entries(3)
	for _, e := range es {
		l.announce(e.Key, filters.Verdict{}, now)
	}
	es[1].Verdict, es[2].Verdict = &rejected, &rejected
	l.recount(es, now)
	if got := l.status().Counted[famV4]; got != 1 {
		t.Errorf("recount: %d counted, want 1", got)
	}
}

// TestMaxPrefixChangesKeepTheSession: every max-prefix key is applied live
// by a reload, none of them re-creates the peer (which would reset it).
func TestMaxPrefixChangesKeepTheSession(t *testing.T) {
	base := limiterPeer(10, config.MaxPrefixShutdown, false, 90)
	for name, change := range map[string]func(*config.Peer){
		"limit ipv4":     func(p *config.Peer) { p.MaxPrefixesIPv4 = 20 },
		"limit ipv6":     func(p *config.Peer) { p.MaxPrefixesIPv6 = 5 },
		"action":         func(p *config.Peer) { p.MaxPrefix.Action = config.MaxPrefixBlock },
		"restart_after":  func(p *config.Peer) { p.MaxPrefix.RestartAfter = time.Hour },
		"count_rejected": func(p *config.Peer) { p.MaxPrefix.CountRejected = true },
		"warn_percent":   func(p *config.Peer) { p.MaxPrefix.WarnPercent = 50 },
		"contact_noc":    func(p *config.Peer) { p.ContactNOC = "other@a.example.net" },
		"contact_abuse":  func(p *config.Peer) { p.ContactAbuse = "abuse@a.example.net" },
	} {
		next := base
		change(&next)
		pc, changed := planPeer(base, next)
		if !changed || pc.Kind != PeerUpdated || !pc.Limits || !maxPrefixChanged(base, next) {
			t.Errorf("%s: plan %+v, maxPrefixChanged %v; want an update of the limits, session kept", name, pc, maxPrefixChanged(base, next))
		}
	}
}

// TestLimiterRestartTimer: a pending restart can be cancelled (operator
// enable, reload to another action, server stop) and then never fires.
func TestLimiterRestartTimer(t *testing.T) {
	l := newPrefixLimiter(limiterPeer(1, config.MaxPrefixRestart, false, 0))
	fired := make(chan struct{}, 2)
	l.scheduleRestart(50*time.Millisecond, func() { fired <- struct{}{} })
	if l.status().RestartAt.IsZero() {
		t.Fatal("no restart time while a restart is pending")
	}
	l.cancelRestart()
	select {
	case <-fired:
		t.Fatal("a cancelled restart fired")
	case <-time.After(150 * time.Millisecond):
	}
	l.scheduleRestart(10*time.Millisecond, func() { fired <- struct{}{} })
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("the restart never fired")
	}
	if !l.status().RestartAt.IsZero() {
		t.Error("restart time still shown after the restart")
	}
}
