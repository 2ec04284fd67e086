package config

import "testing"

// TestForgetPositions: the config in force stays usable after its line
// index is dropped; warnings lose only their line.
func TestForgetPositions(t *testing.T) {
	cfg, err := Parse([]byte(peerDoc("asn = 64512\nprefixes = [\"45.1.0.0/16\"]")), "t.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	before := cfg.Warnings()
	if len(before) != 1 || before[0].Line == 0 {
		t.Fatalf("warnings before: %+v, want one with a line", before)
	}
	cfg.ForgetPositions()
	after := cfg.Warnings()
	if len(after) != 1 || after[0].Line != 0 || after[0].Key != before[0].Key || after[0].Msg != before[0].Msg {
		t.Fatalf("warnings after: %+v, want %+v at line 0", after, before)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("validate after: %v", err)
	}
	if len(cfg.Peers) != 1 || len(cfg.Peers[0].Prefixes) != 1 {
		t.Fatalf("peers changed: %+v", cfg.Peers)
	}
}
