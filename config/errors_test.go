package config

import (
	"fmt"
	"strings"
	"testing"
)

// wantErr is one expected error: marker is a substring of the line it must
// point at ("" = no line), key the exact displayed key, msg a substring.
type wantErr struct {
	marker, key, msg string
}

func TestParseErrors(t *testing.T) {
	peerA := `
[[peers]]
name = "ix-a"
address = "127.0.0.2"
asn = 21001
`
	cases := []struct {
		name  string
		doc   string
		files map[string]string // created in the config directory
		want  []wantErr
	}{
		{
			name: "unknown key in global with suggestion",
			doc:  baseGlobal + "listen_prot = 1179 # E\n",
			want: []wantErr{{"# E", "global.listen_prot", `unknown key (did you mean "listen_port"?)`}},
		},
		{
			name: "unknown table",
			doc:  baseGlobal + "[globl] # E\nasn = 1\n",
			want: []wantErr{{"# E", "globl", `unknown key (did you mean "global"?)`}},
		},
		{
			name: "unknown key in second peer names the peer",
			doc: baseGlobal + peerA + `
[[peers]]
name = "ix-b"
address = "127.0.0.3"
asn = 21002
colour = "blue" # E
`,
			want: []wantErr{{"# E", "peers[1] (ix-b).colour", "unknown key"}},
		},
		{
			name: "unknown key in a sub-table of a peer",
			doc: baseGlobal + peerA + `
[peers.import] # E
x = 1
`,
			want: []wantErr{{"# E", "peers[0] (ix-a).import", "unknown key"}},
		},
		{
			name: "bad prefix in a multi-line array",
			doc: baseGlobal + peerA + `
[[peers]]
name = "ix-b"
address = "127.0.0.3"
asn = 21002
prefixes = [
  "45.65.0.0/22",
  "10.0.0.0/33", # E
]
`,
			want: []wantErr{{"# E", "peers[1] (ix-b).prefixes[1]", `prefix range "10.0.0.0/33"`}},
		},
		{
			name: "prefix with host bits",
			doc:  baseGlobal + peerA + `prefixes = ["45.65.1.0/22"] # E` + "\n",
			want: []wantErr{{"# E", "peers[0] (ix-a).prefixes[0]", "host bits set"}},
		},
		{
			name: "duplicate peer name",
			doc: baseGlobal + peerA + `
[[peers]]
name = "ix-a" # E
address = "127.0.0.3"
asn = 21002
`,
			want: []wantErr{{"# E", "peers[1] (ix-a).name", `"ix-a" is already the name of peers[0] (line 6)`}},
		},
		{
			name: "duplicate peer address",
			doc: baseGlobal + peerA + `
[[peers]]
name = "ix-b"
address = "127.0.0.2" # E
asn = 21002
`,
			want: []wantErr{{"# E", "peers[1] (ix-b).address", "127.0.0.2 is already the address of peers[0] (ix-a)"}},
		},
		{
			name: "missing password file",
			doc:  baseGlobal + peerA + `password_file = "secrets/nope.md5" # E` + "\n",
			want: []wantErr{{"# E", "peers[0] (ix-a).password_file", "no such file"}},
		},
		{
			name:  "empty password file",
			doc:   baseGlobal + peerA + `password_file = "empty.md5" # E` + "\n",
			files: map[string]string{"empty.md5": "\n\n"},
			want:  []wantErr{{"# E", "peers[0] (ix-a).password_file", "file is empty"}},
		},
		{
			name:  "password and password_file together",
			doc:   baseGlobal + peerA + "password = \"x\"\npassword_file = \"a.md5\" # E\n",
			files: map[string]string{"a.md5": "secret\n"},
			want:  []wantErr{{"# E", "peers[0] (ix-a).password_file", "mutually exclusive"}},
		},
		{
			name: "password too long for TCP-MD5",
			doc:  baseGlobal + peerA + `password = "` + strings.Repeat("x", 81) + `" # E` + "\n",
			want: []wantErr{{"# E", "peers[0] (ix-a).password", "at most 80"}},
		},
		{
			name:  "TCP API without TLS or token",
			doc:   baseGlobal + "[api]\nlisten = \"127.0.0.1:50051\" # E\ntls_cert = \"c.pem\"\n",
			files: map[string]string{"c.pem": "x"},
			want:  []wantErr{{"# E", "api.listen", "missing: tls_key, token_file): the API is closed by default"}},
		},
		{
			name:  "TCP API with a missing certificate file",
			doc:   baseGlobal + "[api]\nlisten = \"127.0.0.1:50051\"\ntls_cert = \"c.pem\" # E\ntls_key = \"k.pem\"\ntoken_file = \"tok\"\n",
			files: map[string]string{"k.pem": "x", "tok": "t"},
			want:  []wantErr{{"# E", "api.tls_cert", "no such file"}},
		},
		{
			name:  "TCP API listen without a port",
			doc:   baseGlobal + "[api]\nlisten = \"127.0.0.1\" # E\ntls_cert = \"c\"\ntls_key = \"c\"\ntoken_file = \"c\"\n",
			files: map[string]string{"c": "x"},
			want:  []wantErr{{"# E", "api.listen", `want "host:port"`}},
		},
		{
			name: "dampening suppress below reuse points at suppress",
			doc:  baseGlobal + "[dampening]\nreuse = 750\nsuppress = 500 # E\n",
			want: []wantErr{{"# E", "dampening", "suppress (500) must be greater than reuse (750)"}},
		},
		{
			name: "dampening suppress above the ceiling",
			doc:  baseGlobal + "[dampening]\nsuppress = 20000 # E\n",
			want: []wantErr{{"# E", "dampening", "can never be reached"}},
		},
		{
			name: "dampening zero half-life",
			doc:  baseGlobal + "[dampening]\nmode = \"observe\"\nhalf_life = \"0s\" # E\n",
			want: []wantErr{{"# E", "dampening", "half_life must be positive"}},
		},
		{
			name: "dampening negative penalty",
			doc:  baseGlobal + "[dampening]\nreuse = 750\nattribute_change_penalty = -1 # E\n",
			want: []wantErr{{"# E", "dampening", "penalties must not be negative"}},
		},
		{
			name: "dampening bad duration is reported once, not also as a parameter error",
			doc:  baseGlobal + "[dampening]\nhalf_life = \"15 minutes\" # E\n",
			want: []wantErr{{"# E", "dampening.half_life", "is not a duration"}},
		},
		{
			name: "dampening mode",
			doc:  baseGlobal + "[dampening]\nmode = \"on\" # E\n",
			want: []wantErr{{"# E", "dampening.mode", `"on": want "off", "observe", "enforce"`}},
		},
		{
			name: "type error does not stop decoding",
			doc:  "[global]\nasn = \"x\" # E1\nrouter_id = \"::1\" # E2\n",
			want: []wantErr{
				{"# E1", "global.asn", `want an integer, got string "x"`},
				{"# E2", "global.router_id", "not IPv4"},
			},
		},
		{
			name: "dotted key at top level",
			doc:  "global.asn = 0 # E\nglobal.router_id = \"127.0.0.1\"\n",
			want: []wantErr{{"# E", "global.asn", "required"}},
		},
		{
			name: "missing global table",
			doc:  "[log]\nlevel = \"debug\"\n",
			want: []wantErr{
				{"", "global.asn", "required"},
				{"", "global.router_id", "required"},
			},
		},
		{
			name: "listen_port negative",
			doc:  baseGlobal + "listen_port = -1 # E\n",
			want: []wantErr{{"# E", "global.listen_port", "-1 is out of range 0..65535 (0 = do not listen)"}},
		},
		{
			name: "listen_port 0 with a passive peer",
			doc:  baseGlobal + "listen_port = 0\n" + peerA + "passive = true # E\n",
			want: []wantErr{{"# E", "peers[0] (ix-a).passive", "no listener"}},
		},
		{
			name: "bad listen address element",
			doc:  baseGlobal + "listen_addresses = [\"127.0.0.1\", \"localhost\"] # E\n",
			want: []wantErr{{"# E", "global.listen_addresses[1]", `"localhost" is not an IP address`}},
		},
		{
			name: "log level and format",
			doc:  baseGlobal + "[log]\nlevel = \"loud\" # E1\nformat = \"xml\" # E2\n",
			want: []wantErr{
				{"# E1", "log.level", `"loud" is not a log level`},
				{"# E2", "log.format", `"xml": want "text" or "json"`},
			},
		},
		{
			name: "filter lengths",
			doc:  baseGlobal + "[filters]\nipv4_prefix_length = [24, 8] # E1\nipv6_prefix_length = [12, 129] # E2\nmax_as_path_length = 0 # E3\nnext_hop = \"loose\" # E4\n",
			want: []wantErr{
				{"# E1", "filters.ipv4_prefix_length", "minimum is larger than the maximum"},
				{"# E2", "filters.ipv6_prefix_length[1]", "129 is out of range 0..128"},
				{"# E3", "filters.max_as_path_length", "0 is out of range 1.."},
				{"# E4", "filters.next_hop", `"loose": want "strict"`},
			},
		},
		{
			name: "filter length pair with three values",
			doc:  baseGlobal + "[filters]\nipv4_prefix_length = [8, 16, 24] # E\n",
			want: []wantErr{{"# E", "filters.ipv4_prefix_length", "want two lengths [min, max], got 3"}},
		},
		{
			name: "irr values",
			doc: baseGlobal + `[irr]
servers = ["rr.example:43", "bad host:43"] # E1
sources = ["RIPE", "ripe"] # E2
files = ["missing.db.gz"] # E3
refresh = "30s" # E4
max_shrink = 1.5 # E5
concurrency = 0 # E6
query_timeout = "10ms" # E7
refresh_timeout = "0s" # E8
`,
			want: []wantErr{
				{"# E1", "irr.servers[1]", `"bad host:43"`},
				{"# E2", "irr.sources[1]", `"RIPE" is listed twice`},
				{"# E3", "irr.files[0]", "no such file"},
				{"# E4", "irr.refresh", "30s is too short"},
				{"# E5", "irr.max_shrink", "1.5: want a fraction in 0..1"},
				{"# E6", "irr.concurrency", "0 is out of range 1..64"},
				{"# E7", "irr.query_timeout", "10ms is too short"},
				{"# E8", "irr.refresh_timeout", "0s is too short"},
			},
		},
		{
			name: "as_set syntax",
			doc:  baseGlobal + "[irr]\nservers = [\"rr.example\"]\n" + peerA + `as_set = "AS21001:AS21002" # E` + "\n",
			want: []wantErr{{"# E", "peers[0] (ix-a).as_set", "needs at least one set-name component"}},
		},
		{
			name: "as_set without any IRR source",
			doc:  baseGlobal + peerA + `as_set = "AS-FOO" # E` + "\n",
			want: []wantErr{{"# E", "peers[0] (ix-a).as_set", "[irr] lists no servers and no files"}},
		},
		{
			name: "peer required keys and name syntax",
			doc:  baseGlobal + "\n[[peers]] # E\nname = \"ix a\" # N\n",
			want: []wantErr{
				{"# E", "peers[0] (ix a).address", "required"},
				{"# E", "peers[0] (ix a).asn", "required"},
				{"# N", "peers[0] (ix a).name", "use only letters"},
			},
		},
		{
			name: "peer uses the route server's ASN",
			doc:  baseGlobal + "\n[[peers]]\nname = \"ix-a\"\naddress = \"127.0.0.2\"\nasn = 21000 # E\n",
			want: []wantErr{{"# E", "peers[0] (ix-a).asn", "route server's own ASN"}},
		},
		{
			name: "peer numeric ranges and modes",
			doc: baseGlobal + peerA + `max_prefixes_ipv4 = -5 # E1
irr_max_length_ipv4 = 33 # E2
irr_max_length_ipv6 = 129 # E3
dampening = "sometimes" # E4
passive = "yes" # E5
`,
			want: []wantErr{
				{"# E1", "peers[0] (ix-a).max_prefixes_ipv4", "out of range 0..4294967295 (0 = no limit)"},
				{"# E2", "peers[0] (ix-a).irr_max_length_ipv4", "33 is out of range 0..32"},
				{"# E3", "peers[0] (ix-a).irr_max_length_ipv6", "129 is out of range 0..128"},
				{"# E4", "peers[0] (ix-a).dampening", `"sometimes": want "off"`},
				{"# E5", "peers[0] (ix-a).passive", "want true or false"},
			},
		},
		{
			name: "peers as inline tables",
			doc:  "peers = [\n  {name = \"ix-a\", address = \"127.0.0.2\", asn = 21001},\n  {name = \"ix-b\", address = \"127.0.0.3\", asn = 21002, bogus = 1}, # E\n]\n" + baseGlobal,
			want: []wantErr{{"# E", "peers[1] (ix-b).bogus", "unknown key"}},
		},
		{
			name: "peers not an array of tables",
			doc:  "peers = 3 # E\n" + baseGlobal,
			want: []wantErr{{"# E", "peers", "want an array of tables"}},
		},
		{
			name: "syntax error keeps the library's line",
			doc:  baseGlobal + "state_dir = \n# E\n",
			want: []wantErr{{"state_dir", "global.state_dir", "expected value"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkParseErrors(t, tc.doc, tc.files, tc.want) })
	}
}

// checkParseErrors parses doc (with files created next to it) and checks
// that exactly the wanted errors come back, each at its marker's line.
func checkParseErrors(t *testing.T, doc string, files map[string]string, want []wantErr) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, dir, name, content)
	}
	_, err := Parse([]byte(doc), "test.toml", dir)
	if err == nil {
		t.Fatalf("no error; want %d", len(want))
	}
	got := asErrors(t, err)
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for _, w := range want {
		line := 0
		if w.marker != "" {
			line = lineOf(t, doc, w.marker)
		}
		checkHasError(t, got, "test.toml", line, w.key, w.msg)
	}
}

// checkHasError asserts that one error has exactly this file, line and key,
// a message containing msg, and renders as "file:line: key: msg".
func checkHasError(t *testing.T, got []*Error, file string, line int, key, msg string) {
	t.Helper()
	for _, e := range got {
		if e.Key != key || e.Line != line || !strings.Contains(e.Msg, msg) {
			continue
		}
		var prefix string
		switch {
		case file == "" && line == 0:
			prefix = key + ": "
		case line == 0:
			prefix = fmt.Sprintf("%s: %s: ", file, key)
		default:
			prefix = fmt.Sprintf("%s:%d: %s: ", file, line, key)
		}
		if !strings.HasPrefix(e.Error(), prefix) {
			t.Errorf("error renders as %q, want prefix %q", e.Error(), prefix)
		}
		return
	}
	var lines []string
	for _, e := range got {
		lines = append(lines, fmt.Sprintf("  line=%d key=%q msg=%q", e.Line, e.Key, e.Msg))
	}
	t.Errorf("no error with line %d, key %q, message containing %q; got:\n%s", line, key, msg, strings.Join(lines, "\n"))
}

// TestParseReportsAllErrorsAtOnce pins that problems of every kind (type,
// unknown key, bad value, cross-field) come back together, in file order.
func TestParseReportsAllErrorsAtOnce(t *testing.T) {
	doc := `[global]
asn = "21000" # E1
router_id = "127.0.0.1"
colour = 1 # E2

[api]
listen = "[::1]:50051" # E3

[dampening]
suppress = 100 # E4

[[peers]]
name = "ix-a"
address = "127.0.0.2"
asn = 21001
prefixes = ["45.65.0.0/33"] # E5

[[peers]]
name = "ix-a" # E6
address = "127.0.0.2" # E7
asn = 21002
password_file = "missing.md5" # E8
`
	_, err := Parse([]byte(doc), "rsguard.toml", t.TempDir())
	got := asErrors(t, err)
	want := []struct{ marker, key string }{
		{"# E1", "global.asn"},
		{"# E2", "global.colour"},
		{"# E3", "api.listen"},
		{"# E4", "dampening"},
		{"# E5", "peers[0] (ix-a).prefixes[0]"},
		{"# E6", "peers[1] (ix-a).name"},
		{"# E7", "peers[1] (ix-a).address"},
		{"# E8", "peers[1] (ix-a).password_file"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i, w := range want {
		if l := lineOf(t, doc, w.marker); got[i].Line != l || got[i].Key != w.key {
			t.Errorf("error %d = line %d key %q, want line %d key %q", i, got[i].Line, got[i].Key, l, w.key)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != len(want) {
		t.Errorf("Error() has %d lines, want one per error (%d):\n%v", n, len(want), err)
	}
	if !strings.Contains(err.Error(), "rsguard.toml:16: peers[0] (ix-a).prefixes[0]: prefix range \"45.65.0.0/33\"") {
		t.Errorf("Error() lacks the documented form:\n%v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	p := t.TempDir() + "/nope.toml"
	_, err := Load(p)
	got := asErrors(t, err)
	if len(got) != 1 || got[0].File != p || !strings.Contains(got[0].Msg, "no such file") {
		t.Fatalf("Load(missing) = %v", err)
	}
}
