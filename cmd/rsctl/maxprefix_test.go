package main

import (
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
)

// TestPeersJSONMaxPrefix pins the max-prefix fields of `rsctl peers --json`
// and checks their values against the fixture.
func TestPeersJSONMaxPrefix(t *testing.T) {
	c, _ := newCLI(t)
	var peers []map[string]any
	decode(t, c.mustRun("peers", "--json").stdout, &peers)
	a, b := peers[0], peers[1]
	m, _ := a["max_prefix"].(map[string]any)
	wantKeys(t, "max_prefix", m, "limit_ipv4", "limit_ipv6", "action", "restart_after_seconds", "count_rejected", "warn_percent",
		"counted_ipv4", "counted_ipv6", "blocked_ipv4", "blocked_ipv6", "last_sanction", "last_sanction_time", "restart_at")
	if m["limit_ipv4"] != 3.0 || m["limit_ipv6"] != 0.0 || m["action"] != "block" || m["counted_ipv4"] != 3.0 || m["blocked_ipv4"] != 2.0 ||
		m["warn_percent"] != 90.0 || m["count_rejected"] != false || m["restart_at"] != nil ||
		m["last_sanction"] != "limit 3 IPv4 routes reached (action block): routes past it are refused" ||
		m["last_sanction_time"] != "2026-03-01T11:50:00Z" {
		t.Errorf("ix-a max_prefix = %v", m)
	}
	if a["contact_noc"] != "noc@alpha.example.net" || a["contact_abuse"] != "abuse@alpha.example.net" {
		t.Errorf("ix-a contacts = %v, %v", a["contact_noc"], a["contact_abuse"])
	}
	mb, _ := b["max_prefix"].(map[string]any)
	if mb["action"] != "restart" || mb["restart_after_seconds"] != 900.0 || mb["count_rejected"] != true || mb["restart_at"] != "2026-03-01T12:10:00Z" {
		t.Errorf("ix-b max_prefix = %v", mb)
	}
}

// TestPeerShowMaxPrefix: `rsctl peer show` prints the limits, counts,
// action, blocked routes, last sanction and contacts.
func TestPeerShowMaxPrefix(t *testing.T) {
	c, _ := newCLI(t)
	out := c.mustRun("peer", "show", "ix-a").stdout
	for _, want := range []string{
		"max-prefix:   IPv4 3/3, IPv6 1/no limit (accepted routes counted); action block; warn at 90%",
		"blocked:      2 IPv4, 0 IPv6 routes refused (max_prefix_blocked)",
		"last limit:   limit 3 IPv4 routes reached (action block): routes past it are refused at ",
		"contacts:     noc noc@alpha.example.net, abuse abuse@alpha.example.net",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("peer show ix-a lacks %q:\n%s", want, out)
		}
	}
	out = c.mustRun("peer", "show", "ix-b").stdout
	for _, want := range []string{"(received routes counted); action restart after 15m0s; warn at off", "restart at:   "} {
		if !strings.Contains(out, want) {
			t.Errorf("peer show ix-b lacks %q:\n%s", want, out)
		}
	}
	var p map[string]any
	decode(t, c.mustRun("peer", "show", "ix-a", "--json").stdout, &p)
	if m, _ := p["max_prefix"].(map[string]any); m["blocked_ipv4"] != 2.0 {
		t.Errorf("peer show --json max_prefix = %v", p["max_prefix"])
	}
}

// TestEventsMaxPrefixText: a sanction event shows its evidence and the
// peer's contacts; a threshold warning says so.
func TestEventsMaxPrefixText(t *testing.T) {
	c, b := newCLI(t)
	out, stop := followEvents(t, c, b, "--type", "max_prefix")
	publish := func(m apiserver.MaxPrefixSanction) {
		b.Hub.Publish(apiserver.Event{Time: apiservertest.Epoch, Peer: "ix-a", MaxPrefix: &m})
	}
	publish(apiserver.MaxPrefixSanction{Family: "ipv4", Limit: 3, Received: 4, Action: "block",
		Detail: "limit 3 IPv4 routes reached (action block): routes past it are refused", ContactNOC: "noc@alpha.example.net", ContactAbuse: "abuse@alpha.example.net"})
	publish(apiserver.MaxPrefixSanction{Family: "ipv4", Limit: 3, Received: 3, Action: "shutdown", Threshold: true, RestartAfter: time.Minute})
	waitFor(t, "2 lines", func() bool { return strings.Count(out.String(), "\n") >= 2 })
	if r := stop(); r.code != 0 {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 ||
		!strings.Contains(lines[0], "ipv4 4/3 routes: block: limit 3 IPv4 routes reached (action block): routes past it are refused [noc noc@alpha.example.net, abuse abuse@alpha.example.net]") ||
		!strings.Contains(lines[1], "ipv4 3/3 routes: shutdown (warning threshold)") {
		t.Errorf("lines:\n%s", out.String())
	}
}
