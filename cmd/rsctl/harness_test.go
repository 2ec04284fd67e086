package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver/apiservertest"
)

// syncBuffer lets a test read output that a running command is writing.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type result struct {
	stdout, stderr string
	code           int
}

// cli runs rsctl in-process against the daemon socket, as a user would.
type cli struct {
	t        *testing.T
	socket   string
	terminal bool // pretend stderr is a terminal
}

func newCLI(t *testing.T) (*cli, *apiservertest.MemBackend) {
	t.Helper()
	b, l := apiservertest.ServeMem(t)
	return &cli{t: t, socket: l.SocketPath()}, b
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.runCtx(ctx, &syncBuffer{}, args...)
}

func (c *cli) runCtx(ctx context.Context, out *syncBuffer, args ...string) result {
	var errb syncBuffer
	root := NewRootCommand(Streams{Out: out, Err: &errb, ErrIsTerminal: c.terminal})
	root.SetArgs(append([]string{"--socket", c.socket}, args...))
	code := Execute(ctx, root)
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// mustRun fails the test unless the command exits 0.
func (c *cli) mustRun(args ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("rsctl %v: exit %d, stderr %q", args, r.code, r.stderr)
	}
	return r
}

// decode parses JSON output into v.
func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
}

// wantKeys fails unless obj has exactly the keys in want.
func wantKeys(t *testing.T, what string, obj map[string]any, want ...string) {
	t.Helper()
	var got []string
	for k := range obj {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s keys %q, want %q", what, got, want)
	}
}
