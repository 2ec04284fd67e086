package speakers

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// recordTB captures Skipf/Fatalf and ends the goroutine as the real ones do.
type recordTB struct {
	testing.TB
	skipped, fatal string
}

func (r *recordTB) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recordTB) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// runRecorded calls f with a recordTB in its own goroutine, so Goexit ends
// only f.
func runRecorded(t *testing.T, f func(testing.TB)) *recordTB {
	rec := &recordTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	return rec
}

func TestRequireMissingBinary(t *testing.T) {
	const name = "rsguard-no-such-speaker"
	t.Run("skips by default", func(t *testing.T) {
		t.Setenv(EnvRequireSpeakers, "")
		rec := runRecorded(t, func(tb testing.TB) { Require(tb, name) })
		if !strings.Contains(rec.skipped, name) || rec.fatal != "" {
			t.Errorf("skipped=%q fatal=%q, want a skip naming %s", rec.skipped, rec.fatal, name)
		}
	})
	t.Run("fails when speakers are required", func(t *testing.T) {
		t.Setenv(EnvRequireSpeakers, "1")
		rec := runRecorded(t, func(tb testing.TB) { Require(tb, name) })
		if !strings.Contains(rec.fatal, name) || rec.skipped != "" {
			t.Errorf("skipped=%q fatal=%q, want a failure naming %s", rec.skipped, rec.fatal, name)
		}
	})
	t.Run("finds sh", func(t *testing.T) {
		if LookPath("sh") == "" {
			t.Error("LookPath(sh) found nothing")
		}
	})
}
