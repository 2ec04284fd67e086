package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// listsReloadConfig: peer a (static IPv4 prefixes only, IPv6 negotiated)
// with a blacklist and extra keys, peer b receiving.
func listsReloadConfig(blacklist, extra string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "127.10.2.1"
listen_addresses = ["127.10.2.1"]
listen_port = 179
state_dir = "STATE"
[[peers]]
name = "a"
address = "127.10.2.2"
asn = 21001
families = ["ipv4", "ipv6"] # IPv6 negotiated, no IPv6 prefix registered
ipv6_address = "2a0a:1::2"
prefixes = ["45.1.0.0/16+"]
blacklist = [%s]
%s
[[peers]]
name = "b"
address = "127.10.2.3"
asn = 21002
families = ["ipv4", "ipv6"]
`, blacklist, extra)
}

// TestReloadBlacklistInPlace: a reloaded per-peer blacklist is applied to
// the live sets without resetting the session, and routes move between
// accepted and rejected at the other client and in the store.
func TestReloadBlacklistInPlace(t *testing.T) {
	rs := startRS(t, listsReloadConfig(`"45.1.3.0/24+"`, ""), nil)
	ctx := context.Background()
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: addrL(3), Address: addrL(3), RSAddr: addrL(1), RSPort: 179, RSASN: 21000})
	a := startSpeaker(t, SpeakerConfig{ASN: 21001, RouterID: addrL(2), Address: addrL(2), RSAddr: addrL(1), RSPort: 179, RSASN: 21000})
	for _, sp := range []*Speaker{a, b} {
		if err := sp.WaitEstablished(ctx, 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	three, four := mustPrefix("45.1.3.0/24"), mustPrefix("45.1.4.0/24")
	for _, p := range []netip.Prefix{three, four} {
		if err := a.Announce(ctx, filters.Route{Prefix: p, NextHop: netip.MustParseAddr(addrL(2))}); err != nil {
			t.Fatal(err)
		}
	}
	atB := func(want, gone netip.Prefix) {
		t.Helper()
		waitFor(t, 20*time.Second, fmt.Sprintf("b to have %s and not %s", want, gone), func() bool {
			got, err := b.ReceivedSet(ctx)
			_, ok := got[want]
			_, bad := got[gone]
			return err == nil && ok && !bad
		})
		e, ok := rs.Store().Get("a", routestoreKey(gone))
		if !ok || !e.Verdict.Has(filters.ReasonPeerBlacklist) || !strings.Contains(e.Verdict.Rejections[0].Detail, "blacklist of peer a") {
			t.Fatalf("store entry for %s: %v %+v", gone, ok, e.Verdict)
		}
	}
	atB(four, three)
	since := peerSince(rs, "a")

	next, err := config.Parse([]byte(listsReloadConfig(`"45.1.4.0/24"`, "")), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	next.Global.StateDir = rs.Config().Global.StateDir
	changes, err := rs.ApplyConfig(ctx, next, nil)
	if err != nil || len(changes) != 1 || !strings.Contains(changes[0], "peer a: blacklist changed: updated, session kept") {
		t.Fatalf("reload: %v %q", err, changes)
	}
	atB(three, four)
	if got := peerSince(rs, "a"); !got.Equal(since) {
		t.Fatalf("session of a was reset (%s -> %s)", since, got)
	}

	// allowed_routes shapes statements: the peer is re-created
	next2, err := config.Parse([]byte(listsReloadConfig(`"45.1.4.0/24"`, `allowed_routes = ["46.1.0.0/24"]`)), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	next2.Global.StateDir = next.Global.StateDir
	changes, err = rs.ApplyConfig(ctx, next2, nil)
	if err != nil || len(changes) != 1 || !strings.Contains(changes[0], "re-created") {
		t.Fatalf("reload with allowed_routes: %v %q", err, changes)
	}
}
