// Package clihelp keeps the --help texts of rsguard and rsctl: every
// command has a Long description and an Example that runs it, so
// `X --help` is the manual page. Texts are kept in one table per binary
// (Apply) and a test per binary walks the command tree (Problems).
package clihelp

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Text is the manual of one command: what it does, and how it is run.
type Text struct{ Long, Example string }

// Apply fills in Long and Example of root and every command below it from
// texts, keyed by the command path after the binary's name ("" is the
// root, "peer show" a subcommand). A command that sets its own keeps it.
func Apply(root *cobra.Command, texts map[string]Text) {
	walk(root, func(c *cobra.Command) {
		h, ok := texts[key(c)]
		if !ok {
			return
		}
		if c.Long == "" {
			c.Long = h.Long
		}
		if c.Example == "" {
			c.Example = h.Example
		}
	})
}

// Problems lists every command under root (root included) that lacks a
// Long description or an Example, or whose Example never runs it.
func Problems(root *cobra.Command) []string {
	var out []string
	walk(root, func(c *cobra.Command) {
		path := c.CommandPath()
		if strings.TrimSpace(c.Long) == "" {
			out = append(out, fmt.Sprintf("%q has no Long description", path))
		}
		if strings.TrimSpace(c.Example) == "" {
			out = append(out, fmt.Sprintf("%q has no Example", path))
			return
		}
		if !runsCommand(c) {
			out = append(out, fmt.Sprintf("%q: no Example line runs it:\n%s", path, c.Example))
		}
	})
	return out
}

// Count is the number of commands Problems looks at, so a test can tell a
// clean tree from an empty one.
func Count(root *cobra.Command) int {
	n := 0
	walk(root, func(*cobra.Command) { n++ })
	return n
}

// runsCommand: some Example line starts with the binary and has every word
// of the command's path, in order (global flags may sit between them).
func runsCommand(c *cobra.Command) bool {
	want := strings.Fields(c.CommandPath())
	for _, line := range strings.Split(c.Example, "\n") {
		words := strings.Fields(line)
		if len(words) == 0 || words[0] != want[0] {
			continue
		}
		i := 1
		for _, w := range words[1:] {
			if i < len(want) && w == want[i] {
				i++
			}
		}
		if i == len(want) {
			return true
		}
	}
	return false
}

func key(c *cobra.Command) string {
	return strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), c.Root().Name()), " ")
}

// walk visits c and its subcommands, skipping cobra's own help and
// completion commands and hidden ones.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
		return
	}
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}
