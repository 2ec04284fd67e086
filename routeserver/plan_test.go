package routeserver

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/config"
)

const planBase = `
[global]
asn = 21000
router_id = "127.10.6.1"
state_dir = "STATE"

[irr]
files = ["irr.rpsl"]

[[peers]]
name = "a"
address = "127.10.6.2"
asn = 21001
prefixes = ["45.61.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "127.10.6.3"
asn = 21002
prefixes = ["45.62.0.0/16{16,24}"]
`

// TestPlanReload: what each kind of change does, in the words check and
// reload print; nothing prints a Go slice.
func TestPlanReload(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "irr.rpsl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	parse := func(t *testing.T, s string) *config.Config {
		t.Helper()
		cfg, err := config.Parse([]byte(s), "rs.toml", dir)
		if err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
		return cfg
	}
	edit := func(old, new string) string {
		if !strings.Contains(planBase, old) {
			t.Fatalf("base lacks %q", old)
		}
		return strings.Replace(planBase, old, new, 1)
	}
	peerA := "asn = 21001\n"
	for _, c := range []struct {
		name    string
		next    string
		lines   []string
		refused bool
	}{
		{"nothing", planBase, nil, false},
		{"max prefixes", edit(peerA, peerA+"max_prefixes_ipv4 = 10\nmax_prefixes_ipv6 = 5\n"),
			[]string{"peer a: max_prefixes_ipv4, max_prefixes_ipv6 changed: updated, session kept"}, false},
		{"static to as_set", edit(`prefixes = ["45.61.0.0/16{16,24}"]`, `as_set = "AS-A"`),
			[]string{"IRR refresher started: the first peer with an as_set", "peer a: prefixes, as_set changed: updated, session kept"}, false},
		{"password resets", edit(peerA, peerA+"password = \"s3cret-secret\"\n"),
			[]string{"peer a: password changed: session re-created"}, false},
		{"passive resets", edit(peerA, peerA+"passive = false\n"),
			[]string{"peer a: passive changed: session re-created"}, false},
		{"dampening per peer", edit(peerA, peerA+"dampening = \"observe\"\n"),
			[]string{"peer a: dampening changed: updated, session kept"}, false},
		{"filters live", edit("[irr]", "[filters]\nipv4_prefix_length = [8, 25]\nnext_hop = \"off\"\n\n[irr]"),
			[]string{"[filters] ipv4_prefix_length, next_hop changed: policy updated in place, every peer's routes re-evaluated, sessions kept",
				"peer a: resolved next_hop policy changed: updated, session kept",
				"peer b: resolved next_hop policy changed: updated, session kept"}, false},
		{"dampening live", edit("[irr]", "[dampening]\nmode = \"observe\"\nhalf_life = \"10m\"\n\n[irr]"),
			[]string{"[dampening] mode, half_life changed: applied to the running engine, sessions kept"}, false},
		{"listen port refused", edit("state_dir", "listen_port = 1179\nstate_dir"),
			[]string{"[global] listen_port changed: needs a restart, a reload is refused"}, true},
		{"memory_limit and gc_percent live", edit("state_dir", "memory_limit = \"1GiB\"\ngc_percent = 150\nstate_dir"),
			[]string{"[global] memory_limit, gc_percent changed: " + runtimeLiveEffect}, false},
		{"memory_limit live, listen_port still refused", edit("state_dir", "memory_limit = \"1GiB\"\nlisten_port = 1179\nstate_dir"),
			[]string{"[global] listen_port changed: needs a restart, a reload is refused",
				"[global] memory_limit changed: " + runtimeLiveEffect}, true},
		{"api live", edit("[irr]", "[api]\nsocket = \"/tmp/other.sock\"\n\n[irr]"),
			[]string{"[api] socket changed: listeners rebound or their TLS key pair and token swapped"}, false},
		{"state_dir refused", edit(`state_dir = "STATE"`, `state_dir = "OTHER"`),
			[]string{"[global] state_dir changed: needs a restart, a reload is refused"}, true},
		{"peer removed and added", edit(`name = "b"`, `name = "c"`),
			[]string{"peer b: removed (session closed)", "peer c: added"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := PlanReload(parse(t, planBase), parse(t, c.next))
			got := p.Lines()
			if strings.Join(got, "\n") != strings.Join(c.lines, "\n") {
				t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.lines, "\n"))
			}
			err := p.Refused()
			if (err != nil) != c.refused || (err != nil && !errors.Is(err, ErrNeedsRestart)) {
				t.Fatalf("Refused() = %v, want refused=%v", err, c.refused)
			}
			if err != nil && strings.Contains(err.Error(), "[[") {
				t.Fatalf("refusal prints a Go slice: %v", err)
			}
		})
	}
}

func TestTOMLName(t *testing.T) {
	for in, want := range map[string]string{"ListenPort": "listen_port", "TLSCert": "tls_cert", "StateDir": "state_dir",
		"HalfLife": "half_life", "MaxASPathLength": "max_as_path_length", "NextHop": "next_hop", "TokenFile": "token_file",
		"IRRMaxLengthIPv4": "irr_max_length_ipv4", "ASSet": "as_set"} {
		if got := tomlName(in); got != want {
			t.Errorf("tomlName(%s) = %s, want %s", in, got, want)
		}
	}
}
