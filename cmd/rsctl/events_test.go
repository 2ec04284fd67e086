package main

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
	"github.com/rsguard/rsguard/filters"
)

// waitFor polls cond until it holds, bounded by a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// followEvents starts `rsctl events args...` and returns its output buffer
// and a stop function (Ctrl-C) that returns the result.
func followEvents(t *testing.T, c *cli, b *apiservertest.MemBackend, args ...string) (*syncBuffer, func() result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	out := &syncBuffer{}
	done := make(chan result, 1)
	go func() { done <- c.runCtx(ctx, out, append([]string{"events"}, args...)...) }()
	waitFor(t, "the subscription", func() bool { return b.Hub.Subscribers() == 1 })
	return out, func() result {
		cancel()
		return <-done
	}
}

func publishFixtureEvents(b *apiservertest.MemBackend) {
	at := apiservertest.Epoch
	b.Hub.Publish(apiserver.Event{Time: at, Peer: "ix-a", PeerState: &apiserver.PeerStateChange{Old: apiserver.PeerStateEstablished, New: apiserver.PeerStateIdle, Reason: "hold timer expired"}})
	b.Hub.Publish(apiserver.Event{Time: at, Peer: "ix-b", RouteRejected: &apiserver.RouteRejected{
		Route:      filters.Route{Prefix: netip.MustParsePrefix("10.0.0.0/8"), ASPath: filters.Seq(21002), NextHop: netip.MustParseAddr("45.255.0.2")},
		Rejections: []filters.Rejection{{Reason: filters.ReasonBogonPrefix, Detail: "inside 10.0.0.0/8"}},
	}})
	b.Hub.Publish(apiserver.Event{Time: at, Peer: "ix-a", Dampening: &apiserver.DampeningTransition{Action: apiserver.DampeningWouldSuppress,
		Route: apiserver.DampenedRoute{Peer: "ix-a", Prefix: netip.MustParsePrefix("45.1.0.0/24"), Penalty: 6001, ReuseAt: at.Add(time.Hour)}}})
	b.Hub.Publish(apiserver.Event{Time: at, Peer: "ix-b", IRRRefresh: &apiserver.IRRRefreshOutcome{Peer: "ix-b", Error: "timeout"}})
	b.Hub.Publish(apiserver.Event{Time: at, Peer: "ix-b", MaxPrefix: &apiserver.MaxPrefixSanction{Family: "ipv6", Limit: 10, Received: 11, Action: "restart", RestartAfter: time.Minute}})
}

func TestEventsJSONLines(t *testing.T) {
	c, b := newCLI(t)
	out, stop := followEvents(t, c, b, "--json")
	publishFixtureEvents(b)
	waitFor(t, "5 lines", func() bool { return strings.Count(out.String(), "\n") >= 5 })
	r := stop()
	if r.code != 0 {
		t.Fatalf("Ctrl-C ended events with exit %d: %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	wantPayload := []string{"peer_state", "route_rejected", "dampening", "irr_refresh", "max_prefix"}
	if len(lines) != len(wantPayload) {
		t.Fatalf("got %d lines:\n%s", len(lines), out.String())
	}
	payloadKeys := map[string][]string{
		"peer_state":     {"old_state", "new_state", "reason"},
		"route_rejected": {"prefix", "as_path", "next_hop", "reasons"},
		"dampening":      {"action", "route"},
		"irr_refresh":    {"peer", "changed", "origins", "ipv4_prefixes", "ipv6_prefixes", "held_back", "error"},
		"max_prefix":     {"family", "limit", "received", "action", "restart_after_seconds", "detail", "threshold", "count_rejected", "contact_noc", "contact_abuse"},
	}
	for i, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line %d is not one JSON object: %q", i, l)
		}
		typ := wantPayload[i]
		wantKeys(t, "event", ev, "time", "type", "peer", typ)
		if ev["type"] != typ || ev["time"] != "2026-03-01T12:00:00Z" {
			t.Errorf("line %d: %v", i, ev)
		}
		wantKeys(t, typ, ev[typ].(map[string]any), payloadKeys[typ]...)
	}
	if !strings.Contains(lines[0], `"new_state":"idle"`) || !strings.Contains(lines[2], `"action":"would_suppress"`) {
		t.Errorf("values:\n%s", out.String())
	}
}

func TestEventsHumanFiltered(t *testing.T) {
	c, b := newCLI(t)
	out, stop := followEvents(t, c, b, "--peer", "ix-b", "--type", "max_prefix,route_rejected")
	publishFixtureEvents(b)
	waitFor(t, "2 lines", func() bool { return strings.Count(out.String(), "\n") >= 2 })
	if r := stop(); r.code != 0 {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "route_rejected") || !strings.Contains(lines[0], "10.0.0.0/8 path 21002 next hop 45.255.0.2: bogon_prefix") ||
		!strings.Contains(lines[1], "ipv6 11/10 routes: restart") {
		t.Errorf("lines:\n%s", out.String())
	}
	if r := c.run("events", "--type", "nonsense"); r.code != 2 {
		t.Errorf("bad --type: exit %d", r.code)
	}
}
