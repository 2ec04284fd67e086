package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/internal/clihelp"
)

// TestEveryCommandTeachesByExample: `rsguard X --help` is the manual, so
// every command has a Long description and an Example that runs it.
func TestEveryCommandTeachesByExample(t *testing.T) {
	root := newRootCommand()
	if n := clihelp.Count(root); n < 6 {
		t.Fatalf("walked only %d commands", n)
	}
	for _, p := range clihelp.Problems(root) {
		t.Error(p)
	}
}

// TestExampleConfigCommandsRun: every `rsguard ...` command the example
// config tells its reader to type runs (with the file itself), so the
// header cannot drift from the CLI as "rsguard -n -c" once did.
func TestExampleConfigCommandsRun(t *testing.T) {
	const example = "../../configs/rsguard.example.toml"
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	cmdLine := regexp.MustCompile(`\brsguard ([-a-z ]*?-c) \S+`)
	found := cmdLine.FindAllStringSubmatch(string(data), -1)
	if len(found) == 0 {
		t.Fatal("the example config names no rsguard command")
	}
	for _, m := range found {
		args := append(strings.Fields(m[1]), example)
		if args[0] == "run" {
			continue // would start the daemon
		}
		if _, stderr, err := runCmd(t, args...); err != nil {
			t.Errorf("%q from the example config fails: %v\n%s", m[0], err, stderr)
		}
	}
}
