package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestRejectedWide(t *testing.T) {
	c, _ := newCLI(t)
	for _, flag := range [][]string{{"--wide"}, {"-o", "wide"}} {
		out := c.mustRun(append([]string{"rejected"}, flag...)...).stdout
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 || lines[0] != "PEER\tPREFIX\tAS_PATH\tNEXT_HOP\tRPKI\tCOMMUNITIES\tREASONS\tEVIDENCE" {
			t.Fatalf("%v: want a header and two lines:\n%s", flag, out)
		}
		f := strings.Split(lines[2], "\t")
		if len(f) != 8 || f[0] != "ix-b" || f[1] != "45.2.0.0/23" || f[2] != "21002 64512" || f[6] != "bogon_asn,origin_not_in_as_set" ||
			f[7] != "bogon_asn: AS64512 is private (RFC 6996); origin_not_in_as_set: AS64512 not in AS-BETA" {
			t.Errorf("%v: line %q", flag, f)
		}
	}
}

func TestRoutesLimitAndAdvertisedLearnedFrom(t *testing.T) {
	c, _ := newCLI(t)
	var rs []map[string]any
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--limit", "1", "--json").stdout, &rs)
	if len(rs) != 1 {
		t.Fatalf("--limit 1: %d routes", len(rs))
	}
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--json").stdout, &rs)
	if len(rs) != 3 {
		t.Fatalf("no limit: %d routes", len(rs))
	}
	if out := c.mustRun("rejected", "--wide", "--limit", "1").stdout; strings.Count(out, "\n") != 2 {
		t.Errorf("rejected --wide --limit 1: %q", out)
	}
	// ix-b is advertised ix-a's accepted routes; each says where it came from
	decode(t, c.mustRun("routes", "--peer", "ix-b", "--view", "advertised", "--json").stdout, &rs)
	if len(rs) != 2 || rs[0]["learned_from"] != "ix-a" || rs[0]["peer"] != "ix-b" {
		t.Fatalf("advertised: %v", rs)
	}
	out := c.mustRun("routes", "--peer", "ix-b", "--view", "advertised").stdout
	if !strings.Contains(out, "LEARNED FROM") || !strings.Contains(out, "ix-a") {
		t.Errorf("advertised table:\n%s", out)
	}
	if out := c.mustRun("routes", "--peer", "ix-b", "--view", "advertised", "--wide").stdout; !strings.HasPrefix(out, "PEER\tPREFIX\tAS_PATH\tNEXT_HOP\tRPKI\tLEARNED_FROM\t") {
		t.Errorf("advertised wide:\n%s", out)
	}
}

func TestRejectedSummary(t *testing.T) {
	c, _ := newCLI(t)
	var s struct {
		Rejected int            `json:"rejected_routes"`
		ByPeer   map[string]int `json:"by_peer"`
		Rows     []struct {
			Reason string `json:"reason"`
			Code   int    `json:"code"`
			Peer   string `json:"peer"`
			Routes int    `json:"routes"`
		} `json:"by_reason_and_peer"`
	}
	decode(t, c.mustRun("rejected", "--summary", "--json").stdout, &s)
	if s.Rejected != 2 || s.ByPeer["ix-a"] != 1 || s.ByPeer["ix-b"] != 1 || len(s.Rows) != 3 {
		t.Fatalf("summary %+v", s)
	}
	want := map[string]string{"bogon_prefix": "ix-a", "bogon_asn": "ix-b", "origin_not_in_as_set": "ix-b"}
	for _, r := range s.Rows {
		if want[r.Reason] != r.Peer || r.Routes != 1 || r.Code == 0 {
			t.Errorf("row %+v", r)
		}
	}
	out := c.mustRun("rejected", "--summary", "--peer", "ix-b").stdout
	if !strings.Contains(out, "bogon_asn") || strings.Contains(out, "bogon_prefix") || !strings.Contains(out, "1 rejected routes from 1 peers") {
		t.Errorf("summary of ix-b:\n%s", out)
	}
}

func TestInapplicableFiltersRefused(t *testing.T) {
	c, _ := newCLI(t)
	for _, args := range [][]string{
		{"routes", "--peer", "ix-a", "--view", "accepted", "--reason", "bogon_asn"},
		{"routes", "--peer", "ix-b", "--view", "advertised", "--reason", "bogon_asn"},
		{"rejected", "-o", "yaml"},
		{"rejected", "--summary", "--wide"},
		{"rejected", "--limit", "-1"},
	} {
		if r := c.run(args...); r.code != exitUsage || r.stdout != "" {
			t.Errorf("%v: exit %d stdout %q stderr %q, want a usage error", args, r.code, r.stdout, r.stderr)
		}
	}
	// the received view holds rejected routes too: --reason applies there
	var rs []map[string]any
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--view", "received", "--reason", "bogon_prefix", "--json").stdout, &rs)
	if len(rs) != 1 {
		t.Errorf("received --reason: %v", rs)
	}
}

func TestSocketFromEnvironment(t *testing.T) {
	c, _ := newCLI(t)
	t.Setenv(socketEnv, c.socket)
	out, errb := &syncBuffer{}, &syncBuffer{}
	root := NewRootCommand(Streams{Out: out, Err: errb})
	root.SetArgs([]string{"peers", "--json"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if code := Execute(ctx, root); code != 0 || !strings.Contains(out.String(), `"ix-a"`) {
		t.Fatalf("with %s set: exit %d, %s %s", socketEnv, code, out.String(), errb.String())
	}
	t.Setenv(socketEnv, "")
	if defaultSocket() != "/run/rsguard/rsguard.sock" {
		t.Errorf("default socket %q", defaultSocket())
	}
}

func TestVersionAndCompletion(t *testing.T) {
	c, _ := newCLI(t)
	if r := c.mustRun("--version"); !strings.HasPrefix(r.stdout, "rsctl ") || !strings.Contains(r.stdout, "commit ") {
		t.Errorf("--version: %q", r.stdout)
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		if r := c.mustRun("completion", sh); !strings.Contains(r.stdout, "rsctl") || len(r.stdout) < 500 {
			t.Errorf("completion %s: %d bytes", sh, len(r.stdout))
		}
	}
}
