package main

import (
	"strings"
	"testing"
)

// The fixture's ix-a has 45.65.0.0/22, 45.65.1.0/24 (covered) and
// 45.65.4.0/22 (merges into a /21) besides 45.1.0.0/24, 2a0a:1::/32 and
// 2a0a:4580::/29; ix-b has no prefixes at all.

func TestACLEveryFormat(t *testing.T) {
	c, _ := newCLI(t)
	deny := map[string]string{"nftables": "counter drop", "iptables": "-j DROP", "ip6tables": "-j DROP",
		"junos": "discard;", "cisco": "deny ipv6 any any"}
	for format, last := range deny {
		t.Run(format, func(t *testing.T) {
			out := c.mustRun("acl", "--peer", "ix-a", "--format", format, "--interface", "eth3").stdout
			want := []string{"ix-a", "AS21001", "AS-ALPHA", "2026-03-01T12:00:00Z", "eth3", last, "45.255.0.1"}
			if format != "ip6tables" {
				want = append(want, "45.1.0.0", "45.65.0.0")
			}
			if format != "iptables" {
				want = append(want, "2a0a:1::/32", "2a0a:4580::/29")
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, gone := range []string{"45.65.1.0", "45.65.4.0"} {
				if strings.Contains(out, gone) {
					t.Errorf("output lists %s, which the aggregate covers:\n%s", gone, out)
				}
			}
		})
	}
}

func TestACLDefaults(t *testing.T) {
	c, _ := newCLI(t)
	out := c.mustRun("acl", "--peer", "ix-a").stdout
	if !strings.Contains(out, "table inet ") || !strings.Contains(out, `iifname "PEER-PORT"`) {
		t.Errorf("default is not nftables on the placeholder interface:\n%s", out)
	}
	out = c.mustRun("acl", "--peer", "ix-a", "--no-session-address").stdout
	if strings.Contains(out, "45.255.0.1") {
		t.Errorf("--no-session-address still accepts the session address:\n%s", out)
	}
}

func TestACLJSON(t *testing.T) {
	c, _ := newCLI(t)
	var got map[string]any
	decode(t, c.mustRun("acl", "--peer", "ix-a", "--json").stdout, &got)
	wantKeys(t, "acl", got, "peer", "asn", "as_set", "address", "generated_at", "ipv4", "ipv6")
	v4, _ := got["ipv4"].([]any)
	v6, _ := got["ipv6"].([]any)
	if len(v4) != 2 || v4[0] != "45.1.0.0/24" || v4[1] != "45.65.0.0/21" {
		t.Errorf("ipv4 = %v, want [45.1.0.0/24 45.65.0.0/21]", v4)
	}
	if len(v6) != 2 || v6[0] != "2a0a:1::/32" || v6[1] != "2a0a:4580::/29" {
		t.Errorf("ipv6 = %v", v6)
	}
	if got["as_set"] != "AS-ALPHA" || got["asn"] != 21001.0 || got["address"] != "45.255.0.1" || got["generated_at"] != "2026-03-01T12:00:00Z" {
		t.Errorf("acl = %v", got)
	}
}

func TestACLErrors(t *testing.T) {
	c, _ := newCLI(t)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown peer", []string{"acl", "--peer", "nope"}, exitFailure, []string{"NotFound", `"nope"`}},
		{"peer without prefixes", []string{"acl", "--peer", "ix-b", "--format", "cisco"}, exitFailure,
			[]string{"FailedPrecondition", "ix-b has no registered prefixes"}},
		{"peer without prefixes, json", []string{"acl", "--peer", "ix-b", "--json"}, exitFailure, []string{"FailedPrecondition"}},
		{"unknown format", []string{"acl", "--peer", "ix-a", "--format", "pf"}, exitUsage, []string{`"pf"`, "nftables"}},
		{"no peer", []string{"acl"}, exitUsage, []string{"peer"}},
		{"bad interface", []string{"acl", "--peer", "ix-a", "--interface", `eth0"; accept`}, exitUsage, []string{"--interface"}},
		{"Junos interface for nftables", []string{"acl", "--peer", "ix-a", "--interface", "ge-0/0/1.0"}, exitUsage, []string{"no '/'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.run(tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q on error: a partial filter must never be printed", r.stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
		})
	}
}
