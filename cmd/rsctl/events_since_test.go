package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
)

// TestEventsSince: events published before anyone watched are shown by
// `rsctl events --since`, filtered, without per-route rejections;
// --no-follow exits after them, and needs --since.
func TestEventsSince(t *testing.T) {
	c, b := newCLI(t)
	now := time.Now()
	b.Hub.Publish(apiserver.Event{Time: now.Add(-2 * time.Hour), Peer: "ix-a", PeerState: &apiserver.PeerStateChange{Reason: "too old"}})
	b.Hub.Publish(apiserver.Event{Time: now.Add(-time.Minute), Peer: "ix-a", PeerState: &apiserver.PeerStateChange{
		Old: apiserver.PeerStateEstablished, New: apiserver.PeerStateIdle, Reason: "hold timer expired (NOTIFICATION 4/0 sent to the peer)"}})
	b.Hub.Publish(apiserver.Event{Time: now.Add(-time.Minute), Peer: "ix-b", RouteRejected: &apiserver.RouteRejected{}})
	b.Hub.Publish(apiserver.Event{Time: now, Peer: "ix-b", MaxPrefix: &apiserver.MaxPrefixSanction{Family: "ipv4", Limit: 1, Received: 2, Action: "shutdown"}})

	r := c.run("events", "--since", "1h", "--no-follow", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var types []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var ev struct {
			Type      string `json:"type"`
			PeerState *struct {
				Reason string `json:"reason"`
			} `json:"peer_state"`
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		types = append(types, ev.Type)
		if ev.PeerState != nil && !strings.Contains(ev.PeerState.Reason, "hold timer expired") {
			t.Errorf("peer_state reason %q", ev.PeerState.Reason)
		}
	}
	if strings.Join(types, ",") != "peer_state,max_prefix" {
		t.Fatalf("replayed %v, want the hour's peer_state and max_prefix", types)
	}
	if r := c.run("events", "--since", "1h", "--no-follow", "--peer", "ix-b"); r.code != 0 || strings.Count(r.stdout, "\n") != 1 ||
		!strings.Contains(r.stdout, "ipv4 2/1 routes: shutdown") {
		t.Errorf("--peer ix-b: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := c.run("events", "--no-follow"); r.code == 0 || !strings.Contains(r.stderr, "--no-follow needs --since") {
		t.Errorf("--no-follow alone: exit %d %q", r.code, r.stderr)
	}
}
