package main

import (
	"io"
	"testing"

	"github.com/rsguard/rsguard/internal/clihelp"
)

// TestEveryCommandTeachesByExample: `rsctl X --help` is the manual, so
// every command has a Long description and an Example that runs it.
func TestEveryCommandTeachesByExample(t *testing.T) {
	root := NewRootCommand(Streams{Out: io.Discard, Err: io.Discard})
	if n := clihelp.Count(root); n < 20 {
		t.Fatalf("walked only %d commands", n)
	}
	for _, p := range clihelp.Problems(root) {
		t.Error(p)
	}
}
