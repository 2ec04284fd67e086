package acl

import (
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var generated = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixtures are the peers the golden files show: IRR ranges that overlap and
// merge (45.65.0.0/22{22,24} stands for all of 45.65.0.0/22), static
// prefixes of both families, a peer with one family, a name that needs
// quoting and a session address inside the registered space.
var fixtures = map[string]Filter{
	"dual-stack": {Peer: "ix-a", ASN: 21001, ASSet: "AS-ALPHA", Interface: "eth3", Generated: generated,
		Prefixes: prefixList("45.65.0.0/22 45.65.4.0/22 45.65.1.0/24 45.70.0.0/24 2a0a:4580::/29 2a0a:4588::/29 2a0a:4580:10::/48"),
		Session:  netip.MustParseAddr("45.255.0.1")},
	"ipv4-only-static": {Peer: "beta.transit", ASN: 21002, Interface: "ge-0/0/1.100", Generated: generated,
		Prefixes: prefixList("45.2.0.0/23 45.2.2.0/24")},
	"ipv6-session": {Peer: "gamma", ASN: 21003, ASSet: "AS21003", Generated: generated,
		Prefixes: prefixList("2a0a:4590::/32 45.3.0.0/24"), Session: netip.MustParseAddr("2a0a:ff::3")},
}

// Linux formats cannot take a Junos interface name.
func fixtureFor(name string, f Format) Filter {
	fx := fixtures[name]
	if strings.Contains(fx.Interface, "/") && checkLinuxInterface(f, fx.Interface) != nil {
		fx.Interface = "eth4"
	}
	return fx
}

func TestRenderGolden(t *testing.T) {
	for name := range fixtures {
		for _, f := range Formats {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				got, err := Render(f, fixtureFor(name, f))
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", name+"."+string(f)+".golden")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
				}
			})
		}
	}
}

// TestRenderContent checks what every format must say, independently of
// the golden files: the aggregated prefixes, the default deny, the header
// naming peer, ASN, AS-SET and time, and nothing of the covered prefixes.
func TestRenderContent(t *testing.T) {
	fx := fixtures["dual-stack"]
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			out, err := Render(f, fx)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"ix-a", "AS21001", "AS-ALPHA", "2026-03-01T12:00:00Z", "45.255.0.1"}
			wantV4, wantV6 := f != IP6Tables, f != IPTables
			if wantV4 {
				want = append(want, "45.65.0.0", "45.70.0.0")
			}
			if wantV6 {
				want = append(want, "2a0a:4580::/28")
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, gone := range []string{"45.65.1.0", "45.65.4.0", "2a0a:4588::", "2a0a:4580:10::"} {
				if strings.Contains(out, gone) {
					t.Errorf("output still lists the merged or covered %s:\n%s", gone, out)
				}
			}
			deny := map[Format]string{NFTables: "counter drop", IPTables: "-j DROP", IP6Tables: "-j DROP",
				Junos: "discard;", Cisco: "deny ipv6 any any"}[f]
			if i := strings.LastIndex(out, deny); i < 0 || strings.Contains(out[i:], "accept") || strings.Contains(out[i:], "permit") {
				t.Errorf("no default deny %q after the last accept:\n%s", deny, out)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	ok := fixtures["dual-stack"]
	tests := []struct {
		name   string
		format Format
		edit   func(*Filter)
		want   string
	}{
		{"no prefixes", NFTables, func(f *Filter) { f.Prefixes = nil }, "no registered prefixes"},
		{"only invalid prefixes", Cisco, func(f *Filter) { f.Prefixes = []netip.Prefix{{}} }, "no registered prefixes"},
		{"unknown format", Format("pf"), func(*Filter) {}, `format "pf": want one of nftables`},
		{"interface injection", NFTables, func(f *Filter) { f.Interface = `eth0" accept; #` }, "only letters"},
		{"interface too long for Linux", IPTables, func(f *Filter) { f.Interface = "averyveryverylongif" }, "at most 15"},
		{"slash in Linux interface", NFTables, func(f *Filter) { f.Interface = "ge-0/0/1" }, "no '/'"},
		{"peer name with a quote", Junos, func(f *Filter) { f.Peer = `a*/b` }, `name "a*/b"`},
		{"empty peer", Cisco, func(f *Filter) { f.Peer = "" }, "peer name is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := ok
			tc.edit(&f)
			out, err := Render(tc.format, f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q; output:\n%s", err, tc.want, out)
			}
			if out != "" {
				t.Errorf("output %q with an error", out)
			}
			if strings.Contains(tc.name, "interface") && CheckInterface(tc.format, f.Interface) == nil {
				t.Errorf("CheckInterface(%s, %q) = nil", tc.format, f.Interface)
			}
		})
	}
	_, err := Render(NFTables, Filter{Peer: "x"})
	if !errors.Is(err, ErrNoPrefixes) {
		t.Errorf("err = %v, want ErrNoPrefixes", err)
	}
}

func TestDefaultInterface(t *testing.T) {
	f := fixtures["dual-stack"]
	f.Interface = ""
	for _, format := range Formats {
		out, err := Render(format, f)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !strings.Contains(out, DefaultInterface) {
			t.Errorf("%s: placeholder %s missing:\n%s", format, DefaultInterface, out)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(" " + strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("ParseFormat(%s) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("acl"); err == nil {
		t.Error("ParseFormat(acl) succeeded")
	}
}

func TestIdent(t *testing.T) {
	tests := []struct {
		prefix, name, keep string
		sep                rune
		max                int
		want               string
	}{
		{"RSG-", "ixa", "-", '-', 28, "RSG-ixa"},
		{"RSG-", "ix-a", "-", '-', 28, "RSG-ix-a"},
		{"RSG-", "ix.a", "-.", '-', 28, "RSG-ix.a"},
		{"RSG-", "ix.a", "-", '-', 28, "RSG-ix-a-"}, // changed: a hash follows
		{"x_", "ix-a", "", '_', 28, "x_ix_a_"},
		{"RSG-", strings.Repeat("x", 40), "-", '-', 28, "RSG-xxxxxxxxxxxxxxxxx-"},
	}
	for _, tc := range tests {
		got := ident(tc.prefix, tc.name, tc.keep, tc.sep, tc.max)
		if !strings.HasPrefix(got, tc.want) || len(got) > tc.max {
			t.Errorf("ident(%q) = %q, want prefix %q and at most %d characters", tc.name, got, tc.want, tc.max)
		}
	}
	if ident("RSG-", "ix.a", "-", '-', 28) == ident("RSG-", "ix-a", "-", '-', 28) {
		t.Error("ix.a and ix-a map to one identifier")
	}
}
