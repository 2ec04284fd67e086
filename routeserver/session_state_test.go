package routeserver

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// TestNotificationText: GoBGP's log fields of a NOTIFICATION, in both of
// the shapes GoBGP logs them, become a sentence naming code, subcode,
// direction and the detail.
func TestNotificationText(t *testing.T) {
	openErr := bgp.NewMessageError(bgp.BGP_ERROR_OPEN_MESSAGE_ERROR, bgp.BGP_ERROR_SUB_BAD_PEER_AS, nil,
		"as number mismatch expected 21002, received 21012")
	cases := []struct {
		name string
		sent bool
		f    gobgplog.Fields
		want string
	}{
		{"wrong ASN (OPEN check)", true, gobgplog.Fields{"Key": "127.0.0.1", "Data": openErr},
			"OPEN error: bad peer AS (NOTIFICATION 2/2 sent to the peer): as number mismatch expected 21002, received 21012"},
		{"hold timer", true, gobgplog.Fields{"Code": uint8(4), "Subcode": uint8(0), "Data": []byte{}},
			"hold timer expired (NOTIFICATION 4/0 sent to the peer)"},
		{"max-prefix", true, gobgplog.Fields{"Code": uint8(6), "Subcode": uint8(1), "Data": []byte{}},
			"max-prefix exceeded (Cease: maximum number of prefixes reached) (NOTIFICATION 6/1 sent to the peer)"},
		{"shutdown with RFC 8203 message", false, gobgplog.Fields{"Code": uint8(6), "Subcode": uint8(2), "Communicated-Reason": "maintenance"},
			`Cease: administrative shutdown (NOTIFICATION 6/2 received from the peer): "maintenance"`},
		{"unnamed code", false, gobgplog.Fields{"Code": uint8(3), "Subcode": uint8(8)},
			"code 3(update) subcode 8(invalid next hop attribute) (NOTIFICATION 3/8 received from the peer)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := notificationText(tc.sent, tc.f); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestLastErrorKeepsFamilyReset: the UPDATE error NOTIFICATION that
// carries out a family reset must not hide the reset's explanation, but a
// later error replaces it.
func TestLastErrorKeepsFamilyReset(t *testing.T) {
	s := &Server{}
	p := &peer{}
	now := time.Now()
	p.lastError, p.lastErrorAt = familyResetPrefix+" the peer sent a route of a family not negotiated", now
	s.setLastError(p, "update error (NOTIFICATION 3/1 sent to the peer)", now.Add(time.Second))
	if !strings.HasPrefix(p.lastError, familyResetPrefix) {
		t.Fatalf("family reset replaced by %q", p.lastError)
	}
	later := now.Add(time.Minute)
	s.setLastError(p, "hold timer expired", later)
	if p.lastError != "hold timer expired" || !p.lastErrorAt.Equal(later) {
		t.Fatalf("later error not recorded: %q at %v", p.lastError, p.lastErrorAt)
	}
	if got := p.recentLastError(later.Add(recentError / 2)); got != "hold timer expired" {
		t.Fatalf("recent error %q", got)
	}
	if got := p.recentLastError(later.Add(2 * recentError)); got != "" {
		t.Fatalf("old error %q still reported as recent", got)
	}
}

func TestPeerDownText(t *testing.T) {
	for reason, want := range map[string]string{
		"read-failed":                          "connection closed by the peer without a NOTIFICATION (read failed)",
		"notification-sent hold timer expired": "", // the NOTIFICATION line says it
		"admin-down":                           "",
	} {
		if got := peerDownText(reason); got != want {
			t.Errorf("%s: %q, want %q", reason, got, want)
		}
	}
}

// TestMD5HintPrecedence: the MD5 suspicion (a host-wide counter) never
// hides a fresh explanation, an operator's disable or a max-prefix
// shutdown, and never touches a peer without a password or one that is up.
func TestMD5HintPrecedence(t *testing.T) {
	now := time.Now()
	mk := func(password, state, lastErr string, age time.Duration, disabled bool) *peer {
		p := &peer{state: state, lastError: lastErr, disabled: disabled}
		p.cfg.Password = password
		if lastErr != "" {
			p.lastErrorAt = now.Add(-age)
		}
		return p
	}
	peers := map[string]*peer{
		"down":         mk("k", "ACTIVE", "", 0, false),
		"stale":        mk("k", "ACTIVE", "hold timer expired", time.Hour, false),
		"fresh":        mk("k", "ACTIVE", "hold timer expired", time.Second, false),
		"max-prefix":   mk("k", "IDLE", "max-prefix exceeded (Cease: maximum number of prefixes reached)", time.Hour, false),
		"disabled":     mk("k", "IDLE", "", 0, true),
		"up":           mk("k", "ESTABLISHED", "", 0, false),
		"no-password":  mk("", "ACTIVE", "", 0, false),
		"md5-repeated": mk("k", "ACTIVE", md5SuspectText(1), time.Second, false),
	}
	s := &Server{peers: peers}
	s.noteMD5Drops(4, now)
	for name, wantHint := range map[string]bool{"down": true, "stale": true, "fresh": false, "max-prefix": false,
		"disabled": false, "up": false, "no-password": false, "md5-repeated": true} {
		got := peers[name].lastError == md5SuspectText(4)
		if got != wantHint {
			t.Errorf("%s: hinted %v, want %v (last error %q)", name, got, wantHint, peers[name].lastError)
		}
	}
}

// TestPeerDownKeepsNotification: the read failure GoBGP reports after it
// sent a NOTIFICATION and closed the connection does not hide it; without
// a NOTIFICATION it is the explanation.
func TestPeerDownKeepsNotification(t *testing.T) {
	p := &peer{}
	p.cfg.Address = netip.MustParseAddr("127.0.0.9")
	s := &Server{byAddr: map[netip.Addr]*peer{p.cfg.Address: p}}
	down := gobgplog.Fields{"Key": "127.0.0.9", "Reason": "read-failed"}
	s.onGoBGPInfo("Peer Down", down)
	if !strings.HasPrefix(p.lastError, "connection closed by the peer") {
		t.Fatalf("plain read failure: %q", p.lastError)
	}
	s.onGoBGPWarn("sent notification", gobgplog.Fields{"Key": "127.0.0.9", "Code": uint8(4), "Subcode": uint8(0)})
	s.onGoBGPInfo("Peer Down", down)
	if !strings.HasPrefix(p.lastError, "hold timer expired (NOTIFICATION 4/0") {
		t.Fatalf("read failure after a NOTIFICATION replaced it: %q", p.lastError)
	}
}

func TestConnectHintsClearedWhenUp(t *testing.T) {
	for text, cleared := range map[string]bool{md5SuspectText(1): true, synSentText(false, 5*time.Second): true,
		"hold timer expired (NOTIFICATION 4/0 sent to the peer)": false} {
		p := &peer{lastError: text, lastErrorAt: time.Now()}
		p.clearConnectHints()
		if (p.lastError == "") != cleared {
			t.Errorf("%q: cleared %v, want %v", text, p.lastError == "", cleared)
		}
	}
}
