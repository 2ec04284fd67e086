package main

import (
	"strings"
	"testing"
)

func TestRoutesHistory(t *testing.T) {
	c, _ := newCLI(t)
	var h []map[string]any
	decode(t, c.mustRun("routes", "--history", "45.1.0.0/24", "--peer", "ix-a", "--json").stdout, &h)
	if len(h) != 2 || h[0]["cause"] != "irr refresh AS-ALPHA" || h[0]["new_verdict"] != "accept" || h[1]["cause"] != "reload" || h[1]["new_verdict"] != "reject" {
		t.Fatalf("history: %v", h)
	}
	wantKeys(t, "history entry", h[1], "time", "peer", "prefix", "path_id", "as_path", "old_verdict", "new_verdict", "old_reasons", "new_reasons", "cause")

	out := c.mustRun("routes", "--history", "45.1.0.0/24").stdout
	for _, want := range []string{"accept→reject", "reject→accept", "reload", "irr refresh AS-ALPHA", "prefix_not_registered"} {
		if !strings.Contains(out, want) {
			t.Errorf("history table lacks %q:\n%s", want, out)
		}
	}
	if out := c.mustRun("routes", "--history", "45.9.0.0/24").stdout; !strings.Contains(out, "no verdict change") {
		t.Errorf("empty history: %q", out)
	}
	for _, args := range [][]string{
		{"routes", "--history", "not-a-prefix"},
		{"routes", "--history", "45.1.0.0/24", "--view", "accepted"},
		{"routes", "--view", "accepted"}, // --peer required without --history
	} {
		if r := c.run(args...); r.code != 2 {
			t.Errorf("%v: exit %d (%s), want usage error 2", args, r.code, r.stderr)
		}
	}
}
