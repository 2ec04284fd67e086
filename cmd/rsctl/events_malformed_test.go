package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
)

func publishMalformed(b *apiservertest.MemBackend) {
	at := apiservertest.Epoch
	b.Hub.Publish(apiserver.Event{Time: at, Peer: "ix-a", PeerState: &apiserver.PeerStateChange{Old: apiserver.PeerStateEstablished, New: apiserver.PeerStateIdle}})
	b.Hub.Publish(apiserver.Event{Time: at, Peer: "ix-a", MalformedUpdate: &apiserver.MalformedUpdate{Handling: "treat_as_withdraw",
		Prefixes: []string{"45.23.1.0/24", "45.23.2.0/24"}, PrefixCount: 70, Error: "nexthop length isn't correct"}})
}

// `rsctl events --type malformed_update` prints the peer, the prefixes
// (with how many more there were) and the RFC 7606 error; --json has
// them as fields.
func TestEventsMalformedUpdate(t *testing.T) {
	c, b := newCLI(t)
	out, stop := followEvents(t, c, b, "--type", "malformed_update")
	publishMalformed(b)
	waitFor(t, "1 line", func() bool { return strings.Count(out.String(), "\n") >= 1 })
	if r := stop(); r.code != 0 {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
	line := strings.TrimSpace(out.String())
	if strings.Contains(line, "\n") || !strings.Contains(line, "malformed_update ix-a") ||
		!strings.Contains(line, "treat_as_withdraw 45.23.1.0/24 45.23.2.0/24 (+68 more): nexthop length isn't correct") {
		t.Fatalf("output:\n%s", out.String())
	}

	// a fresh server: the first subscription may not have ended yet
	c, b = newCLI(t)
	out, stop = followEvents(t, c, b, "--json", "--type", "malformed_update")
	publishMalformed(b)
	waitFor(t, "1 line", func() bool { return strings.Count(out.String(), "\n") >= 1 })
	if r := stop(); r.code != 0 {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out.String())), &ev); err != nil {
		t.Fatalf("%v: %q", err, out.String())
	}
	wantKeys(t, "event", ev, "time", "type", "peer", "malformed_update")
	m := ev["malformed_update"].(map[string]any)
	wantKeys(t, "malformed_update", m, "handling", "prefixes", "prefix_count", "error")
	if ev["type"] != "malformed_update" || m["prefix_count"] != float64(70) || len(m["prefixes"].([]any)) != 2 {
		t.Fatalf("event %v", ev)
	}
}
