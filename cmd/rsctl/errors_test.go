package main

import (
	"strings"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
)

func reloadFailure() apiserver.ReloadResult {
	return apiserver.ReloadResult{Path: "rs.toml", Errors: []apiserver.ConfigError{{File: "rs.toml", Line: 3, Key: "peers", Message: "broken"}}}
}

func TestErrorsAndExitCodes(t *testing.T) {
	c, _ := newCLI(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // exact, or a prefix when it ends in "…"
	}{
		{"not found", []string{"peer", "show", "nope"}, 1, "rsctl: NotFound: peer \"nope\": not found\n"},
		{"failed precondition", []string{"peer", "enable", "ix-a"}, 1, "rsctl: FailedPrecondition: peer \"ix-a\" is not disabled: failed precondition\n"},
		{"server-side invalid argument", []string{"peer", "disable", "ix-a", "--message", strings.Repeat("x", 300)}, 1, "rsctl: InvalidArgument: message: 300 bytes…"},
		{"unknown command", []string{"frobnicate"}, 2, "rsctl: unknown command \"frobnicate\" for \"rsctl\"\n…"},
		{"unknown flag", []string{"peers", "--bogus"}, 2, "rsctl: unknown flag: --bogus\n…"},
		{"missing argument", []string{"peer", "show"}, 2, "rsctl: accepts 1 arg(s), received 0\n…"},
		{"missing required flag", []string{"routes"}, 2, "rsctl: required flag(s) \"peer\" not set\n…"},
		{"bad view", []string{"routes", "--peer", "ix-a", "--view", "filtered"}, 2, "rsctl: --view \"filtered\"…"},
		{"prefix and ip", []string{"routes", "--peer", "ix-a", "--prefix", "45.0.0.0/8", "--ip", "45.0.0.1"}, 2, "rsctl: if any flags in the group [prefix ip] are set none of the others can be…"},
		{"bad prefix", []string{"explain", "45.0.0/8", "--peer", "ix-a"}, 2, "rsctl: \"45.0.0/8\": not a prefix\n…"},
		{"bad as path", []string{"explain", "45.0.0.0/24", "--peer", "ix-a", "--as-path", "AS21001"}, 2, "rsctl: --as-path: as path \"AS21001\": unexpected 'A'…"},
		{"bad reason", []string{"rejected", "--reason", "evil"}, 2, "rsctl: --reason \"evil\": unknown; valid: as_path_too_long, bogon_prefix…"},
		{"bare group", []string{"irr"}, 2, "rsctl: irr: missing subcommand (status, refresh)\n…"},
		{"tcp without token", []string{"peers", "--addr", "127.0.0.1:1"}, 2, "rsctl: --addr needs --token-file…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.run(tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if prefix, ok := strings.CutSuffix(tt.stderr, "…"); ok {
				if !strings.HasPrefix(r.stderr, prefix) {
					t.Errorf("stderr %q, want it to start with %q", r.stderr, prefix)
				}
			} else if r.stderr != tt.stderr {
				t.Errorf("stderr %q, want %q", r.stderr, tt.stderr)
			}
			if strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
				t.Errorf("error is not one clear line: %q", r.stderr)
			}
		})
	}
}

func TestUnreachableDaemon(t *testing.T) {
	c := &cli{t: t, socket: "/nonexistent/rsguard.sock"}
	r := c.run("peers")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "rsctl: Unavailable: ") {
		t.Errorf("got %+v", r)
	}
}
