package main

import (
	"strings"
	"testing"
)

// TestDampenedState: `rsctl dampened` leads with the State: line, and
// --state alone prints it with every loss, as text or JSON.
func TestDampenedState(t *testing.T) {
	c, _ := newCLI(t)
	out := c.mustRun("dampened").stdout
	if !strings.HasPrefix(out, "State: state restored from generation 6 at 2026-03-01T12:00:00Z; journal entries applied 3; lost: snapshot generation 7 rejected\n") ||
		!strings.Contains(out, "45.") {
		t.Fatalf("dampened:\n%s", out)
	}
	out = c.mustRun("dampened", "--state").stdout
	for _, want := range []string{"State: state restored from generation 6", "  lost: snapshot generation 7 rejected (state/dampening.7.json: ",
		"  torn tail ignored: state/dampening.7.journal line 4", "Writing generation 8"} {
		if !strings.Contains(out, want) {
			t.Errorf("dampened --state lacks %q:\n%s", want, out)
		}
	}
	var st map[string]any
	decode(t, c.mustRun("dampened", "--state", "--json").stdout, &st)
	wantKeys(t, "dampened --state", st, "status", "restored_generation", "restored_saved_at", "journal_entries_applied", "lost", "torn", "current_generation")
	if st["restored_generation"] != 6.0 || st["restored_saved_at"] != "2026-03-01T12:00:00Z" || st["journal_entries_applied"] != 3.0 ||
		len(st["lost"].([]any)) != 1 || st["current_generation"] != 8.0 {
		t.Fatalf("dampened --state --json: %v", st)
	}
}
