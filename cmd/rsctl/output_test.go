package main

import (
	"strings"
	"testing"
)

// These tests pin the --json field names (the CLI's stable interface) and
// check the values against the fixture served over a real unix socket.

func TestPeersJSON(t *testing.T) {
	c, _ := newCLI(t)
	var peers []map[string]any
	decode(t, c.mustRun("peers", "--json").stdout, &peers)
	if len(peers) != 2 {
		t.Fatalf("got %d peers", len(peers))
	}
	wantKeys(t, "peer", peers[0], "name", "description", "address", "asn", "state", "state_since", "uptime", "uptime_seconds",
		"received", "accepted", "rejected", "disabled", "shutdown_message", "last_error", "flaps", "max_prefix",
		"contact_noc", "contact_abuse", "checks_off", "last_error_time", "session", "families")
	a := peers[0]
	flaps, _ := a["flaps"].(map[string]any)
	wantKeys(t, "flaps", flaps, "withdrawals", "attribute_changes", "readvertisements", "suppressions", "releases",
		"tracked", "penalized", "suppressed")
	if flaps["withdrawals"] != 7.0 || flaps["suppressions"] != 1.0 || flaps["suppressed"] != 1.0 {
		t.Errorf("ix-a flaps = %v", flaps)
	}
	if a["name"] != "ix-a" || a["address"] != "45.255.0.1" || a["asn"] != 21001.0 || a["state"] != "established" ||
		a["uptime"] != "1h30m0s" || a["uptime_seconds"] != 5400.0 || a["received"] != 3.0 || a["accepted"] != 2.0 || a["rejected"] != 1.0 {
		t.Errorf("ix-a = %v", a)
	}
	if peers[1]["state"] != "idle" || peers[1]["uptime"] != "" {
		t.Errorf("ix-b = %v", peers[1])
	}
}

func TestPeersTable(t *testing.T) {
	c, _ := newCLI(t)
	out := c.mustRun("peers").stdout
	for _, want := range []string{"NAME", "ADDRESS", "ASN", "STATE", "UPTIME", "RECEIVED", "ACCEPTED", "REJECTED", "ix-a", "45.255.0.1", "21001", "established", "1h30m", "idle"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestRejectedJSON(t *testing.T) {
	c, _ := newCLI(t)
	var routes []map[string]any
	decode(t, c.mustRun("rejected", "--json").stdout, &routes)
	if len(routes) != 2 {
		t.Fatalf("got %d rejected routes, want 2", len(routes))
	}
	wantKeys(t, "route", routes[1], "peer", "prefix", "as_path", "next_hop", "reasons", "received_at", "rpki", "notes", "communities", "large_communities", "blackhole")
	r := routes[1]
	if r["peer"] != "ix-b" || r["prefix"] != "45.2.0.0/23" || r["as_path"] != "21002 64512" || r["next_hop"] != "45.255.0.2" {
		t.Errorf("route = %v", r)
	}
	reasons := r["reasons"].([]any)
	if len(reasons) != 2 {
		t.Fatalf("reasons %v", reasons)
	}
	first := reasons[0].(map[string]any)
	wantKeys(t, "reason", first, "code", "name", "detail")
	if first["code"] != 7.0 || first["name"] != "bogon_asn" || first["detail"] != "AS64512 is private (RFC 6996)" {
		t.Errorf("reason = %v", first)
	}
}

func TestRejectedFilters(t *testing.T) {
	c, _ := newCLI(t)
	tests := []struct {
		args []string
		want []string // prefixes
	}{
		{[]string{"--peer", "ix-a"}, []string{"10.1.0.0/16"}},
		{[]string{"--reason", "bogon_asn"}, []string{"45.2.0.0/23"}},
		{[]string{"--reason", "2"}, []string{"10.1.0.0/16"}},
		{[]string{"--reason", "bogon_asn,bogon_prefix"}, []string{"10.1.0.0/16", "45.2.0.0/23"}},
		{[]string{"--peer", "ix-a", "--reason", "bogon_asn"}, nil},
		{[]string{"--ip", "45.2.0.200"}, []string{"45.2.0.0/23"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var routes []map[string]any
			decode(t, c.mustRun(append([]string{"rejected", "--json"}, tt.args...)...).stdout, &routes)
			var got []string
			for _, r := range routes {
				got = append(got, r["prefix"].(string))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRoutesCommand(t *testing.T) {
	c, _ := newCLI(t)
	var routes []map[string]any
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--view", "accepted", "--json").stdout, &routes)
	if len(routes) != 2 || routes[0]["prefix"] != "45.1.0.0/24" || len(routes[0]["reasons"].([]any)) != 0 {
		t.Errorf("accepted = %v", routes)
	}
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--prefix", "10.1.0.0/16", "--json").stdout, &routes)
	if len(routes) != 1 || routes[0]["prefix"] != "10.1.0.0/16" {
		t.Errorf("--prefix = %v", routes)
	}
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--ip", "46.0.0.1", "--json").stdout, &routes)
	if len(routes) != 0 {
		t.Errorf("--ip outside = %v", routes)
	}
	out := c.mustRun("routes", "--peer", "ix-a", "--view", "rejected").stdout
	for _, want := range []string{"PREFIX", "AS PATH", "NEXT HOP", "REASONS", "10.1.0.0/16", "bogon_prefix (2): inside 10.0.0.0/8"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestExplainJSON(t *testing.T) {
	c, _ := newCLI(t)
	var v map[string]any
	decode(t, c.mustRun("explain", "10.0.0.0/25", "--peer", "ix-a", "--as-path", "21002 64512", "--next-hop", "45.255.0.9", "--json").stdout, &v)
	wantKeys(t, "explain", v, "peer", "prefix", "as_path", "next_hop", "verdict", "reasons", "rpki", "notes", "communities", "large_communities", "exports")
	if v["verdict"] != "reject" || v["as_path"] != "21002 64512" || v["next_hop"] != "45.255.0.9" {
		t.Errorf("explain = %v", v)
	}
	var names []string
	for _, r := range v["reasons"].([]any) {
		m := r.(map[string]any)
		wantKeys(t, "reason", m, "code", "name", "detail")
		names = append(names, m["name"].(string))
	}
	if strings.Join(names, ",") != "bogon_prefix,prefix_length,first_as_mismatch,bogon_asn,next_hop_mismatch" {
		t.Errorf("reasons %q", names)
	}

	decode(t, c.mustRun("explain", "45.3.0.0/24", "--peer", "ix-a", "--json").stdout, &v)
	if v["verdict"] != "accept" || v["as_path"] != "21001" {
		t.Errorf("accepted explain = %v", v)
	}
	if rs, ok := v["reasons"].([]any); !ok || len(rs) != 0 {
		t.Errorf("accepted reasons = %#v, want []", v["reasons"])
	}
}

func TestExplainTable(t *testing.T) {
	c, _ := newCLI(t)
	out := c.mustRun("explain", "45.3.0.0/25", "--peer", "ix-a", "--as-path", "21001 {21003,21004}").stdout
	for _, want := range []string{"verdict:   reject", "as path:   21001 {21003,21004}", "CODE", "13", "prefix_length", "/25 longer than /24"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDampenedJSON(t *testing.T) {
	c, b := newCLI(t)
	var ds []map[string]any
	decode(t, c.mustRun("dampened", "--json").stdout, &ds)
	if len(ds) != 2 {
		t.Fatalf("got %d entries", len(ds))
	}
	wantKeys(t, "dampened", ds[0], "peer", "prefix", "path_id", "penalty", "suppressed", "would_suppress", "suppressed_since", "reuse_at", "flaps")
	if ds[0]["penalty"] != 6400.5 || ds[0]["suppressed"] != true || ds[0]["reuse_at"] != "2026-03-01T12:42:00Z" || ds[0]["flaps"] != 7.0 {
		t.Errorf("entry = %v", ds[0])
	}
	if ds[1]["reuse_at"] != nil || ds[1]["path_id"] != 2.0 {
		t.Errorf("unsuppressed entry = %v", ds[1])
	}

	var cl map[string]any
	decode(t, c.mustRun("dampening", "clear", "--peer", "ix-a", "--prefix", "45.1.0.0/24", "--json").stdout, &cl)
	wantKeys(t, "clear", cl, "peer", "prefix", "cleared")
	if cl["cleared"] != 1.0 {
		t.Errorf("clear = %v", cl)
	}
	if out := c.mustRun("dampening", "clear", "--peer", "ix-b").stdout; out != "peer ix-b: cleared 1 damping entry\n" {
		t.Errorf("human clear = %q", out)
	}
	calls := b.Calls()
	if len(calls) != 2 || calls[0] != "ClearDampening ix-a 45.1.0.0/24" || calls[1] != "ClearDampening ix-b" {
		t.Errorf("backend calls %q", calls)
	}
}

func TestIRRStatusJSON(t *testing.T) {
	c, _ := newCLI(t)
	var sts []map[string]any
	decode(t, c.mustRun("irr", "status", "--json").stdout, &sts)
	if len(sts) != 2 {
		t.Fatalf("got %d", len(sts))
	}
	wantKeys(t, "irr status", sts[0], "peer", "as_set", "origins", "ipv4_prefixes", "ipv6_prefixes", "sources",
		"last_refresh", "age_seconds", "last_error", "last_error_at", "held_back")
	if sts[0]["as_set"] != "AS-ALPHA" || sts[0]["ipv4_prefixes"] != 12.0 || sts[0]["age_seconds"] != 7200.0 || sts[0]["held_back"] != nil {
		t.Errorf("ix-a = %v", sts[0])
	}
	hb, ok := sts[1]["held_back"].(map[string]any)
	if !ok {
		t.Fatalf("ix-b held_back = %v", sts[1]["held_back"])
	}
	wantKeys(t, "held_back", hb, "reason", "since", "old", "new")
	wantKeys(t, "held_back.old", hb["old"].(map[string]any), "origins", "ipv4_prefixes", "ipv6_prefixes")
	if hb["old"].(map[string]any)["ipv4_prefixes"] != 40.0 || hb["new"].(map[string]any)["ipv4_prefixes"] != 4.0 {
		t.Errorf("held_back = %v", hb)
	}
	out := c.mustRun("irr", "status").stdout
	for _, want := range []string{"AS-SET", "AS-BETA", "held back: prefix list shrank by 90% (v4 40→4", "error: whois.example: i/o timeout", "2h0m"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestIRRRefresh(t *testing.T) {
	c, b := newCLI(t)
	r := c.run("irr", "refresh", "--peer", "ix-b")
	if !strings.Contains(r.stdout, "held back") || !strings.Contains(r.stdout, "use --force") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("held-back refresh, want one line:\n%s", r.stdout)
	}
	if r.code != exitHeldBack || r.stderr != "rsctl: irr refresh held back for 1 peer(s): rerun with --force to apply\n" {
		t.Errorf("held back: exit %d, stderr %q (no progress drawn without a terminal)", r.code, r.stderr)
	}
	var res map[string]any
	decode(t, c.mustRun("irr", "refresh", "--peer", "ix-b", "--force", "--json").stdout, &res)
	peers := res["peers"].([]any)
	p := peers[0].(map[string]any)
	wantKeys(t, "refresh", p, "peer", "changed", "origins", "ipv4_prefixes", "ipv6_prefixes", "held_back", "error")
	if p["changed"] != true || p["ipv4_prefixes"] != 4.0 || p["held_back"] != nil {
		t.Errorf("forced refresh = %v", p)
	}
	if calls := b.Calls(); len(calls) != 2 || calls[1] != "RefreshIRR ix-b force=true" {
		t.Errorf("backend calls %q", calls)
	}
}

func TestIRRRefreshProgressOnTerminal(t *testing.T) {
	c, _ := newCLI(t)
	c.terminal = true
	r := c.run("irr", "refresh") // ix-b is held back: exit 3
	if r.code != exitHeldBack || !strings.Contains(r.stderr, "[0/2] ix-a: expanding AS-ALPHA") || !strings.Contains(r.stderr, "\r\033[Krsctl: irr refresh held back") {
		t.Errorf("progress on stderr = %q", r.stderr)
	}
}

func TestConfigCommands(t *testing.T) {
	c, b := newCLI(t)
	if r := c.mustRun("config", "check"); r.stdout != "a reload would change nothing\n/etc/rsguard/rsguard.toml: configuration OK\n" {
		t.Errorf("clean check = %q", r.stdout)
	}
	// the plan, one change a line, never a Go slice
	r0 := c.run("config", "check", "/etc/rsguard/restart.toml")
	if r0.code != 1 || !strings.Contains(r0.stdout, "a reload would:\n  [global] listen_port changed: needs a restart, a reload is refused\n  peer ix-b: added\n") ||
		strings.Contains(r0.stdout, "[[") {
		t.Errorf("refused check: %+v", r0)
	}
	r := c.run("config", "check", "/etc/rsguard/bad.toml")
	if r.code != 1 || !strings.Contains(r.stdout, "/etc/rsguard/bad.toml:12: peers.\"ix-a\".asn: 64512 is a private ASN\n") ||
		r.stderr != "rsctl: /etc/rsguard/bad.toml: 2 error(s)\n" {
		t.Errorf("bad check: %+v", r)
	}
	r = c.run("config", "check", "/etc/rsguard/bad.toml", "--json")
	var v map[string]any
	decode(t, r.stdout, &v)
	wantKeys(t, "check", v, "path", "ok", "errors", "plan")
	errs := v["errors"].([]any)
	if r.code != 1 || v["ok"] != false || len(errs) != 2 {
		t.Fatalf("json check: %+v", r)
	}
	wantKeys(t, "config error", errs[0].(map[string]any), "file", "line", "key", "message")

	v = nil
	decode(t, c.mustRun("config", "reload", "--json").stdout, &v)
	wantKeys(t, "reload", v, "path", "applied", "errors", "changes")
	if v["applied"] != true || len(v["changes"].([]any)) != 1 {
		t.Errorf("reload = %v", v)
	}
	b.SetReloadResult(reloadFailure())
	r = c.run("config", "reload")
	if r.code != 1 || !strings.Contains(r.stdout, "rs.toml:3: peers: broken") || !strings.Contains(r.stderr, "not reloaded") {
		t.Errorf("failed reload: %+v", r)
	}
}

func TestPeerCommands(t *testing.T) {
	c, b := newCLI(t)
	var p map[string]any
	decode(t, c.mustRun("peer", "show", "ix-a", "--json").stdout, &p)
	if p["name"] != "ix-a" || p["asn"] != 21001.0 {
		t.Errorf("show = %v", p)
	}
	if out := c.mustRun("peer", "show", "ix-b").stdout; !strings.Contains(out, "last error:   hold timer expired") {
		t.Errorf("human show:\n%s", out)
	}
	if out := c.mustRun("peer", "disable", "ix-a", "--message", "maintenance until 14:00").stdout; out != "peer ix-a: disabled\n" {
		t.Errorf("disable = %q", out)
	}
	var a map[string]any
	decode(t, c.mustRun("peer", "enable", "ix-a", "--json").stdout, &a)
	wantKeys(t, "action", a, "peer", "action", "ok")
	c.mustRun("peer", "reset", "ix-b")
	c.mustRun("peer", "reset", "ix-b", "--hard")
	want := []string{"DisablePeer ix-a maintenance until 14:00", "EnablePeer ix-a", "ResetPeer ix-b soft_in", "ResetPeer ix-b hard"}
	if got := b.Calls(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("backend calls %q, want %q", got, want)
	}
}

func TestRoutesRPKIState(t *testing.T) {
	c, _ := newCLI(t)
	var routes []map[string]any
	decode(t, c.mustRun("routes", "--peer", "ix-a", "--view", "accepted", "--json").stdout, &routes)
	if len(routes) != 2 || routes[0]["rpki"] != "valid" || routes[1]["rpki"] != nil {
		t.Fatalf("rpki states = %v", routes)
	}
	out := c.mustRun("routes", "--peer", "ix-a", "--view", "accepted").stdout
	if !strings.Contains(out, "RPKI") || !strings.Contains(out, "valid") {
		t.Fatalf("table lacks the RPKI column:\n%s", out)
	}
}

func TestRPKIStatus(t *testing.T) {
	c, _ := newCLI(t)
	var st map[string]any
	decode(t, c.mustRun("rpki", "status", "--json").stdout, &st)
	wantKeys(t, "rpki status", st, "enabled", "vrps", "sources")
	sources := st["sources"].([]any)
	if st["enabled"] != true || st["vrps"] != 1500.0 || len(sources) != 3 {
		t.Fatalf("rpki status = %v", st)
	}
	wantKeys(t, "source", sources[1].(map[string]any), "kind", "name", "vrps", "fresh", "error", "serial")
	out := c.mustRun("rpki", "status").stdout
	for _, want := range []string{"VRPs in force: 1500", "/var/lib/routinator/vrps.json: not a VRP JSON document", "dropped", "connection refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
