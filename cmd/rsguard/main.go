// Command rsguard is the route server daemon: `rsguard run` serves BGP,
// `rsguard check` validates a config, `rsguard demo` shows the whole job on
// an embedded config with in-process peers.
package main

import (
	"fmt"
	"os"

	"github.com/rsguard/rsguard/internal/buildinfo"
	"github.com/rsguard/rsguard/internal/clihelp"
	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "rsguard:", err)
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "rsguard",
		Short:         "A BGP route-filtering route server (RFC 7947) built on GoBGP",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildinfo.Version(),
	}
	root.SetVersionTemplate("rsguard {{.Version}}\n")
	root.AddCommand(newRunCommand(), newCheckCommand(), newDemoCommand())
	for _, extra := range extraCommands {
		root.AddCommand(extra())
	}
	clihelp.Apply(root, helpTexts) // help.go
	return root
}

// extraCommands are registered by other files of this package (irr), so
// each subsystem's commands live beside each other.
var extraCommands []func() *cobra.Command
