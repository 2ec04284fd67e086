package main

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/filters"
)

// TestGracefulShutdownCommands: peer shutdown --graceful and shutdown
// --graceful reach GracefulShutdown with the flags; bad combinations are
// usage errors (exit 2) before any call.
func TestGracefulShutdownCommands(t *testing.T) {
	c, b := newCLI(t)
	if out := c.mustRun("peer", "shutdown", "ix-a", "--graceful", "--wait", "2s", "--message", "maintenance").stdout; !strings.Contains(out, "peer ix-a: shut down gracefully") {
		t.Errorf("peer shutdown --graceful = %q", out)
	}
	c.mustRun("peer", "shutdown", "ix-b")
	if out := c.mustRun("shutdown", "--graceful").stdout; !strings.Contains(out, "every route tagged GRACEFUL_SHUTDOWN") {
		t.Errorf("shutdown --graceful = %q", out)
	}
	c.mustRun("shutdown", "--graceful", "--undo")
	want := []string{`GracefulShutdown "ix-a" 2s maintenance false`, "DisablePeer ix-b", `GracefulShutdown "" 0s  false`, `GracefulShutdown "" 0s  true`}
	if got := b.Calls(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
	for _, args := range [][]string{{"shutdown"}, {"peer", "shutdown", "ix-a", "--wait", "5s"}} {
		if r := c.run(args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage); stderr %q", args, r.code, r.stderr)
		}
	}
}

// TestRoutesMarkBlackhole: a blackhole request is marked in the table and
// in --json.
func TestRoutesMarkBlackhole(t *testing.T) {
	c, b := newCLI(t)
	b.AddRoute(apiserver.RouteEntry{Peer: "ix-a", Route: filters.Route{Prefix: netip.MustParsePrefix("45.1.0.1/32"),
		ASPath: filters.Seq(21001), NextHop: netip.MustParseAddr("45.255.0.1"), Blackhole: true}})
	if out := c.mustRun("routes", "--peer", "ix-a", "--view", "accepted").stdout; !strings.Contains(out, "45.1.0.1/32 (blackhole)") || strings.Contains(out, "45.1.0.0/24 (blackhole)") {
		t.Errorf("table:\n%s", out)
	}
	var routes []map[string]any
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--view", "accepted", "--json").stdout, &routes)
	marked := map[string]bool{}
	for _, r := range routes {
		marked[r["prefix"].(string)] = r["blackhole"] == true
	}
	if !marked["45.1.0.1/32"] || marked["45.1.0.0/24"] {
		t.Errorf("json blackhole flags %v", marked)
	}
}
