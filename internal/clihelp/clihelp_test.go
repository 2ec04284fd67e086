package clihelp

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func tree() *cobra.Command {
	root := &cobra.Command{Use: "tool"}
	peer := &cobra.Command{Use: "peer"}
	show := &cobra.Command{Use: "show NAME", Run: func(*cobra.Command, []string) {}}
	own := &cobra.Command{Use: "own", Long: "its own", Example: "  tool own", Run: func(*cobra.Command, []string) {}}
	peer.AddCommand(show)
	root.AddCommand(peer, own)
	return root
}

func TestProblemsFindsEveryGap(t *testing.T) {
	root := tree()
	Apply(root, map[string]Text{
		"":          {Long: "the tool", Example: "  tool --json peer show a"},
		"peer":      {Long: "peers", Example: "  tool peers\n  other peer"}, // neither line runs "tool peer"
		"peer show": {Long: "one peer"},                                     // no example
		"own":       {Long: "replaced?", Example: "  tool other"},           // must not replace its own
	})
	got := strings.Join(Problems(root), "\n")
	for _, want := range []string{`"tool peer": no Example line runs it`, `"tool peer show" has no Example`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{`"tool" `, `"tool own"`} {
		if strings.Contains(got, unwanted) {
			t.Errorf("problems wrongly name %s:\n%s", unwanted, got)
		}
	}
	if n := Count(root); n != 4 {
		t.Errorf("Count = %d, want 4", n)
	}
}
