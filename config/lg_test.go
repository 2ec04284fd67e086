package config

import (
	"net/netip"
	"testing"
	"time"
)

func TestLGKeys(t *testing.T) {
	c := mustParse(t, baseGlobal, t.TempDir())
	if c.LG.Listen != "" || len(c.LG.AllowFrom) != 2 || c.LG.TTL != DefaultLGTTL || c.LG.Timeout != DefaultLGTimeout || c.LG.MaxConcurrent != DefaultLGMaxConcurrent {
		t.Errorf("defaults: %+v", c.LG)
	}
	c = mustParse(t, baseGlobal+`
[lg]
listen = "127.0.0.1:29184"
allow_from = ["192.0.2.0/24", "2001:db8::7"]
ttl = "1m"
timeout = "10s"
max_concurrent = 2
`, t.TempDir())
	want := LG{Listen: "127.0.0.1:29184", AllowFrom: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("2001:db8::7/128")},
		TTL: time.Minute, Timeout: 10 * time.Second, MaxConcurrent: 2}
	if c.LG.Listen != want.Listen || len(c.LG.AllowFrom) != 2 || c.LG.AllowFrom[0] != want.AllowFrom[0] || c.LG.AllowFrom[1] != want.AllowFrom[1] ||
		c.LG.TTL != want.TTL || c.LG.Timeout != want.Timeout || c.LG.MaxConcurrent != want.MaxConcurrent {
		t.Errorf("got %+v, want %+v", c.LG, want)
	}
}

func TestLGErrors(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []wantErr
	}{
		{"listen not host:port", "listen = \"29184\" # E\n", []wantErr{{"# E", "lg.listen", `want "host:port"`}}},
		{"allow_from bad", "listen = \"127.0.0.1:29184\"\nallow_from = [\"alice\"] # E\n", []wantErr{{"# E", "lg.allow_from[0]", `"alice" is not a prefix or an address`}}},
		{"allow_from host bits", "allow_from = [\"192.0.2.1/24\"] # E\n", []wantErr{{"# E", "lg.allow_from[0]", "host bits set"}}},
		{"allow_from empty", "listen = \"127.0.0.1:29184\"\nallow_from = [] # E\n", []wantErr{{"# E", "lg.allow_from", "is empty"}}},
		{"timeout too long", "timeout = \"2m\" # E\n", []wantErr{{"# E", "lg.timeout", "want 1s..1m50s"}}},
		{"ttl zero", "ttl = \"0s\" # E\n", []wantErr{{"# E", "lg.ttl", "want 1s..24h"}}},
		{"max_concurrent zero", "max_concurrent = 0 # E\n", []wantErr{{"# E", "lg.max_concurrent", "out of range"}}},
		{"typo", "lisen = \"127.0.0.1:1\" # E\n", []wantErr{{"# E", "lg.lisen", `did you mean "listen"`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := baseGlobal + "\n[lg]\n" + tc.doc
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
