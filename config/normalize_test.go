package config

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestNormalizedTOMLRoundTrip: the normalized form parses back to the same
// config, with secrets redacted.
func TestNormalizedTOMLRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ix-b.md5", "file-secret\n")
	doc := baseGlobal + `
[irr]
servers = ["rr.example"]

[dampening]
half_life = "1h30m"
max_suppress = "6h"

[[peers]]
name = "ix-a"
address = "127.0.0.2"
asn = 21001
password = "inline-secret"
prefixes = ["45.65.0.0/22{22,24}", "45.66.0.0/24"]

[[peers]]
name = "ix-b"
address = "2a0a:4580::2"
asn = 21002
password_file = "ix-b.md5"
as_set = "as-b"
dampening = "observe"
`
	c := mustParse(t, doc, dir)
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"inline-secret", "file-secret"} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("normalized output leaks %q:\n%s", secret, out)
		}
	}
	if !bytes.Contains(out, []byte(`password = "`+Redacted+`"`)) {
		t.Errorf("inline password not shown as redacted:\n%s", out)
	}
	for _, want := range []string{`half_life = "1h30m"`, `max_suppress = "6h"`, `refresh = "6h"`, `servers = ["rr.example:43"]`, `as_set = "AS-B"`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("normalized output lacks %s:\n%s", want, out)
		}
	}
	again, err := Parse(out, "normalized.toml", dir)
	if err != nil {
		t.Fatalf("normalized output does not parse: %v\n%s", err, out)
	}
	c.Peers[0].Password = Redacted // what the output says instead
	c.pos, again.pos = nil, nil
	again.Path = c.Path
	if !reflect.DeepEqual(c, again) {
		t.Errorf("round trip changed the config:\n got %+v\nwant %+v", again, c)
	}
	out2, err := again.NormalizedTOML()
	if err != nil || !bytes.Equal(out, out2) {
		t.Errorf("normalizing twice differs (err %v):\n%s\n---\n%s", err, out, out2)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		6 * time.Hour:                 "6h",
		15 * time.Minute:              "15m",
		90 * time.Minute:              "1h30m",
		90 * time.Second:              "1m30s",
		time.Hour + time.Second:       "1h0m1s",
		0:                             "0s",
		1500 * time.Millisecond:       "1.5s",
		26*time.Hour + 30*time.Minute: "26h30m",
	} {
		got := formatDuration(d)
		if got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("formatDuration(%v) = %q does not parse back (%v, %v)", d, got, back, err)
		}
	}
}

// TestExampleNormalizes keeps the shipped example printable by `rsguard -n -v`.
func TestExampleNormalizes(t *testing.T) {
	c, err := Load(filepath.Join(repoRoot(t), "configs", "rsguard.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.NormalizedTOML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "md5-secret") {
		t.Errorf("example passwords leak into the normalized output:\n%s", out)
	}
}
