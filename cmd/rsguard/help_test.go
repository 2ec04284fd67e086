package main

import (
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
