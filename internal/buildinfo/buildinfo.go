// Package buildinfo names the build a binary came from, for --version:
// the module version and the VCS commit Go stamped into the binary
// (runtime/debug.ReadBuildInfo; `go build` in a git checkout records it).
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Commit may be set at link time (-ldflags "-X …/buildinfo.Commit=SHA",
// `make binaries`) for builds without VCS stamping: a git worktree, or
// GOFLAGS=-buildvcs=false. The stamped vcs.revision wins when present.
var Commit string

// Version is e.g. "v0.0.0-… commit 07a1808c3d2e (modified) built 2026-11-29T19:00:00Z go1.24.1".
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	return describe(bi)
}

func describe(bi *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	parts := []string{orUnknown(bi.Main.Version)}
	if rev := settings["vcs.revision"]; rev != "" {
		c := "commit " + rev
		if settings["vcs.modified"] == "true" {
			c += " (modified)"
		}
		parts = append(parts, c)
	} else if Commit != "" {
		parts = append(parts, "commit "+Commit)
	} else {
		parts = append(parts, "commit unknown")
	}
	if t := settings["vcs.time"]; t != "" {
		parts = append(parts, "committed "+t)
	}
	if bi.GoVersion != "" {
		parts = append(parts, bi.GoVersion)
	}
	return strings.Join(parts, " ")
}

func orUnknown(s string) string {
	if s == "" || s == "(devel)" {
		return "devel"
	}
	return s
}
