package daemon

import (
	"math"
	"os"
	"runtime/debug"

	"github.com/rsguard/rsguard/config"
	"github.com/sirupsen/logrus"
)

// applyRuntime sets the Go runtime's soft memory limit and GC percent from
// [global] memory_limit and gc_percent, at start (New) and after a reload
// that changed them. GOMEMLIMIT / GOGC in the environment win: the runtime
// already read them at process start, and an operator who sets them in the
// service unit means them, so the config does not silently undo them.
func (d *Daemon) applyRuntime(g config.Global, atStart bool) {
	fields := logrus.Fields{}
	if env := os.Getenv("GOMEMLIMIT"); env != "" { // empty = unset, as for the runtime
		fields["memory_limit"] = "GOMEMLIMIT=" + env + " from the environment wins over [global] memory_limit"
	} else {
		limit := g.MemoryLimit
		if limit == 0 {
			limit = math.MaxInt64 // the runtime's "no limit"
		}
		debug.SetMemoryLimit(limit)
		fields["memory_limit"] = config.FormatMemoryLimit(g.MemoryLimit)
	}
	if env := os.Getenv("GOGC"); env != "" {
		fields["gc_percent"] = "GOGC=" + env + " from the environment wins over [global] gc_percent"
	} else {
		debug.SetGCPercent(g.GCPercent)
		fields["gc_percent"] = g.GCPercent
	}
	msg := "Go runtime memory settings applied"
	if atStart {
		msg = "Go runtime memory settings"
	}
	d.log.WithFields(fields).Info(msg)
}
