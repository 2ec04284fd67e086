package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress draws a one-line status on the error stream, only on a
// terminal: piped or captured output stays clean.
type progress struct {
	w  io.Writer
	on bool
}

func (a *app) progress() *progress {
	return &progress{w: a.streams.Err, on: a.streams.ErrIsTerminal}
}

// show replaces the status line with msg.
func (p *progress) show(msg string) {
	if p.on {
		fmt.Fprintf(p.w, "\r\033[K%s", msg)
	}
}

// clear removes the status line.
func (p *progress) clear() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// spin shows label with the elapsed time until the returned stop is called
// (for calls that report no progress of their own).
func (p *progress) spin(label string) (stop func()) {
	if !p.on {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		frames := `|/-\`
		for i := 0; ; i++ {
			p.show(fmt.Sprintf("%c %s %s", frames[i%len(frames)], label, time.Since(start).Round(time.Second)))
			select {
			case <-done:
				p.clear()
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
		})
	}
}
