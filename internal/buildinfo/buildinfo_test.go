package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		bi   debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.24.1", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "07a1808c3d2e"}, {Key: "vcs.modified", Value: "true"}, {Key: "vcs.time", Value: "2026-11-29T19:00:00Z"}}},
			"devel commit 07a1808c3d2e (modified) committed 2026-11-29T19:00:00Z go1.24.1"},
		{debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3 commit unknown"},
	} {
		if got := describe(&c.bi); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
