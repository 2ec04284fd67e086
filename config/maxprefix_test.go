package config

import (
	"strings"
	"testing"
	"time"
)

const mpPeer = `
[[peers]]
name = "ix-a"
address = "127.0.0.2"
asn = 21001
`

// TestMaxPrefixKeys: the max_prefix_* and contact_* keys decode, with
// their defaults when absent.
func TestMaxPrefixKeys(t *testing.T) {
	cases := []struct {
		name  string
		lines string
		want  MaxPrefix
		noc   string
	}{
		{"defaults", "max_prefixes_ipv4 = 10", MaxPrefix{Action: "shutdown", RestartAfter: 15 * time.Minute, WarnPercent: 90}, ""},
		{"restart", "max_prefixes_ipv6 = 10\nmax_prefix_action = \"restart\"\nmax_prefix_restart_after = \"2s\"",
			MaxPrefix{Action: "restart", RestartAfter: 2 * time.Second, WarnPercent: 90}, ""},
		{"block counting rejected, no warning", "max_prefixes_ipv4 = 10\nmax_prefix_action = \"block\"\nmax_prefix_count_rejected = true\nmax_prefix_warn_percent = 0",
			MaxPrefix{Action: "block", RestartAfter: 15 * time.Minute, CountRejected: true}, ""},
		{"warn with contacts", "max_prefixes_ipv4 = 10\nmax_prefix_action = \"warn\"\nmax_prefix_warn_percent = 75\ncontact_noc = \"noc@a.example.net\"",
			MaxPrefix{Action: "warn", RestartAfter: 15 * time.Minute, WarnPercent: 75}, "noc@a.example.net"},
		{"contacts without a limit", "contact_noc = \"noc@a.example.net\"\ncontact_abuse = \"abuse@a.example.net\"",
			MaxPrefix{Action: "shutdown", RestartAfter: 15 * time.Minute, WarnPercent: 90}, "noc@a.example.net"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, baseGlobal+mpPeer+tc.lines+"\n", t.TempDir())
			p := c.Peers[0]
			if p.MaxPrefix != tc.want || p.ContactNOC != tc.noc {
				t.Errorf("got %+v noc %q, want %+v noc %q", p.MaxPrefix, p.ContactNOC, tc.want, tc.noc)
			}
			// the normalized config reads back to the same peer
			out, err := c.NormalizedTOML()
			if err != nil {
				t.Fatal(err)
			}
			back := mustParse(t, strings.ReplaceAll(string(out), Redacted, "x"), t.TempDir())
			if b := back.Peers[0]; b.MaxPrefix != p.MaxPrefix || b.ContactNOC != p.ContactNOC || b.ContactAbuse != p.ContactAbuse {
				t.Errorf("normalized round trip: %+v, want %+v\n%s", b, p, out)
			}
		})
	}
}

// TestMaxPrefixErrors: every bad value is reported with its line and key.
func TestMaxPrefixErrors(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []wantErr
	}{
		{"unknown action", "max_prefixes_ipv4 = 10\nmax_prefix_action = \"drop\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_action", `"drop": want "shutdown", "restart", "block", "warn"`}}},
		{"action of the wrong type", "max_prefixes_ipv4 = 10\nmax_prefix_action = 1 # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_action", "want a string"}}},
		{"restart_after without restart", "max_prefixes_ipv4 = 10\nmax_prefix_action = \"block\"\nmax_prefix_restart_after = \"5m\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_restart_after", `only used with max_prefix_action = "restart" (the action is "block")`}}},
		{"restart_after too short", "max_prefixes_ipv4 = 10\nmax_prefix_action = \"restart\"\nmax_prefix_restart_after = \"10ms\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_restart_after", "want at least 1s"}}},
		{"restart_after not a duration", "max_prefixes_ipv4 = 10\nmax_prefix_action = \"restart\"\nmax_prefix_restart_after = \"soon\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_restart_after", "is not a duration"}}},
		{"warn percent out of range", "max_prefixes_ipv4 = 10\nmax_prefix_warn_percent = 100 # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_warn_percent", "out of range"}}},
		{"count_rejected not a bool", "max_prefixes_ipv4 = 10\nmax_prefix_count_rejected = \"yes\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_count_rejected", "want true or false"}}},
		{"max_prefix keys without a limit", "max_prefix_action = \"warn\" # E1\nmax_prefix_warn_percent = 50 # E2\n",
			[]wantErr{{"# E1", "peers[0] (ix-a).max_prefix_action", "has no effect: max_prefixes_ipv4 and max_prefixes_ipv6 are 0"},
				{"# E2", "peers[0] (ix-a).max_prefix_warn_percent", "has no effect"}}},
		{"contact not an address", "contact_noc = \"call Bob\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).contact_noc", `"call Bob" is not an e-mail address`}}},
		{"contact with a display name", "contact_abuse = \"Abuse Desk <abuse@a.example.net>\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).contact_abuse", "want one address"}}},
		{"typo in a key", "max_prefix_actoin = \"warn\" # E\n",
			[]wantErr{{"# E", "peers[0] (ix-a).max_prefix_actoin", `unknown key (did you mean "max_prefix_action"?)`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := baseGlobal + mpPeer + tc.doc
			_, err := Parse([]byte(doc), "test.toml", t.TempDir())
			if err == nil {
				t.Fatal("no error")
			}
			got := asErrors(t, err)
			if len(got) != len(tc.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(got), len(tc.want), err)
			}
			for _, w := range tc.want {
				checkHasError(t, got, "test.toml", lineOf(t, doc, w.marker), w.key, w.msg)
			}
		})
	}
}

// FuzzCheckMailbox: an accepted contact is one bare address, with no
// control characters that could forge a log line or an event field.
func FuzzCheckMailbox(f *testing.F) {
	for _, s := range []string{"noc@example.net", "Abuse <abuse@example.net>", "a@b, c@d", "\"x y\"@example.net", "noc@example.net\n", "@", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkMailbox(s) != nil {
			return
		}
		if strings.Count(s, "@") < 1 {
			t.Fatalf("accepted %q without an @", s)
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("accepted %q with a control character", s)
			}
		}
	})
}
