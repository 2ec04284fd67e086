package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// peerDoc is a valid config with one peer table written by the case.
func peerDoc(peer string) string {
	return baseGlobal + `
[filters]
ipv4_prefix_length = [8, 24]

[[peers]]
name = "ix-a"
address = "45.255.0.1"
families = ["ipv4", "ipv6"]
ipv6_address = "2a0a:4580:ffff::1"
` + peer + "\n"
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		peer string
		// want holds one (marker, key, message fragment) per warning, in
		// order; the marker names the line the warning must point at.
		want [][3]string
	}{
		{"healthy static", `asn = 21001
prefixes = ["45.1.0.0/16{16,24}", "2a0a:4580::/29{29,48}"]`, nil},
		{"healthy as_set", `asn = 21001
as_set = "AS-ALPHA"`, nil},
		{"private ASN", `asn = 64512
prefixes = ["45.1.0.0/16"]`, [][3]string{{"asn = 64512", "peers[0] (ix-a).asn", "AS64512 is a bogon ASN (private use, RFC 6996)"}}},
		{"AS_TRANS", `asn = 23456
prefixes = ["45.1.0.0/16"]`, [][3]string{{"asn = 23456", "peers[0] (ix-a).asn", "(bogon_asn)"}}},
		{"neither prefixes nor as_set", `asn = 21001`,
			[][3]string{{"[[peers]]", "peers[0] (ix-a)", "neither prefixes nor as_set"}}},
		{"empty prefix list", `asn = 21001
prefixes = []`, [][3]string{{"[[peers]]", "peers[0] (ix-a)", "(prefix_not_registered)"}}},
		{"as_set is a bogon ASN", `asn = 21001
as_set = "AS64496"`, [][3]string{{"as_set =", "peers[0] (ix-a).as_set", "AS64496 is a bogon ASN (documentation"}}},
		{"bogon static prefixes", `asn = 21001
prefixes = [
  "45.1.0.0/16",
  "10.0.0.0/8{8,24}",
  "fd00::/8{8,48}",
  "0.0.0.0/0",
]`, [][3]string{
			{`"10.0.0.0/8{8,24}"`, "peers[0] (ix-a).prefixes[1]", "inside 10.0.0.0/8"},
			{`"fd00::/8{8,48}"`, "peers[0] (ix-a).prefixes[2]", "inside fc00::/7"},
			{`"0.0.0.0/0"`, "peers[0] (ix-a).prefixes[3]", "0.0.0.0/0 can never match"},
		}},
		{"IPv6 outside global unicast", `asn = 21001
prefixes = ["4000::/16{16,48}", "2a0a:4580::/29"]`, [][3]string{
			{`"4000::/16{16,48}"`, "peers[0] (ix-a).prefixes[0]", "outside IPv6 global unicast 2000::/3"},
		}},
		{"default route with more-specifics is not dead", `asn = 21001
prefixes = ["0.0.0.0/0{0,24}"]`, nil},
		{"lengths outside the limits", `asn = 21001
prefixes = ["45.1.0.0/16{25,32}", "45.2.0.0/16{16,25}"]`, [][3]string{
			{`"45.1.0.0/16{25,32}"`, "peers[0] (ix-a).prefixes[0]", "outside filters.ipv4_prefix_length /8-/24"},
		}},
		{"several at once", `asn = 4200000001`, [][3]string{
			{"asn = 4200000001", "peers[0] (ix-a).asn", "bogon ASN"},
			{"[[peers]]", "peers[0] (ix-a)", "neither prefixes nor as_set"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := peerDoc(tc.peer)
			if strings.Contains(tc.peer, "as_set") {
				doc = strings.Replace(doc, "[filters]", "[irr]\nfiles = [\"irr.db\"]\n\n[filters]", 1)
			}
			dir := t.TempDir()
			writeFile(t, dir, "irr.db", "")
			cfg, err := Parse([]byte(doc), "rs.toml", dir)
			if err != nil {
				t.Fatalf("config must load (warnings are not errors): %v\n%s", err, doc)
			}
			ws := cfg.Warnings()
			if len(ws) != len(tc.want) {
				t.Fatalf("%d warnings, want %d: %q", len(ws), len(tc.want), ws)
			}
			for i, want := range tc.want {
				w := ws[i]
				line := lineOf(t, doc, want[0])
				if w.File != "rs.toml" || w.Line != line || w.Key != want[1] || !strings.Contains(w.Msg, want[2]) {
					t.Errorf("warning %d = %s\nwant rs.toml:%d key %q containing %q", i, w, line, want[1], want[2])
				}
				if !strings.HasPrefix(w.String(), "rs.toml:") || !strings.Contains(w.String(), ": warning: "+want[1]+": ") {
					t.Errorf("String() = %q", w.String())
				}
			}
		})
	}
}

// The shipped configs are meant to be copied: they must not warn.
func TestShippedConfigsHaveNoWarnings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "configs", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs: %v", err)
	}
	for _, f := range files {
		cfg, err := Load(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, w := range cfg.Warnings() {
			t.Errorf("%s", w)
		}
	}
}
