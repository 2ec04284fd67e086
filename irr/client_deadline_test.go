package irr

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// dripServer listens on 127.20.8.x (this branch's block of irr/'s test
// addresses), answers the session setup, then answers each of n queries
// with "C" after a pause: every single answer is well within the
// client's Timeout, all of them together are not.
func dripServer(t *testing.T, host string, n int, pause time.Duration) string {
	t.Helper()
	return fakeServerOn(t, host, func(c net.Conn, br *bufio.Reader) {
		readLines(t, br, 4)
		fmt.Fprint(c, "C\nF Missing required set name for A query\nA5\nTEST\nC\n")
		readLines(t, br, n)
		for i := 0; i < n; i++ {
			time.Sleep(pause)
			if _, err := io.WriteString(c, "C\n"); err != nil {
				return
			}
		}
	})
}

// TestClientDripCannotStretchDeadline: ten answers 150 ms apart take 1.5 s;
// with a 500 ms Timeout the query must fail as a timeout after about
// 500 ms, not succeed because each answer came in time.
func TestClientDripCannotStretchDeadline(t *testing.T) {
	const n = 10
	addr := dripServer(t, "127.20.8.1", n, 150*time.Millisecond)
	c := NewClient(ClientOptions{Servers: []string{addr}, Timeout: 500 * time.Millisecond})
	defer c.Close()
	qs := make([]string, n)
	for i := range qs {
		qs[i] = fmt.Sprintf("!gAS%d", 21001+i)
	}
	start := time.Now()
	_, err := c.Query(context.Background(), qs...)
	took := time.Since(start)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("a dripping server: want a timeout, got %v after %s", err, took)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("want a net.Error with Timeout(), got %T", err)
	}
	if took > 1200*time.Millisecond {
		t.Errorf("the query took %s: the 500 ms deadline was stretched", took)
	}
	t.Logf("drip cut after %s: %v", took.Round(time.Millisecond), err)
}

// TestTimedOutWordsAHangUpAtTheDeadline: a server that hangs up when our
// deadline has passed (its own idle timeout equal to ours) produces EOF;
// that is still a timeout. Before the deadline, EOF is EOF.
func TestTimedOutWordsAHangUpAtTheDeadline(t *testing.T) {
	past, future := time.Now().Add(-time.Millisecond), time.Now().Add(time.Hour)
	if !timedOut(io.EOF, past) {
		t.Error("EOF after the deadline should count as a timeout")
	}
	if timedOut(io.EOF, future) {
		t.Error("EOF before the deadline is not a timeout")
	}
	if !timedOut(fmt.Errorf("read: %w", errDeadline()), future) {
		t.Error("os.ErrDeadlineExceeded is a timeout")
	}
	e := newTimeout("", 500*time.Millisecond, 3, 10)
	if got := e.Error(); !strings.HasPrefix(got, "timeout:") || !strings.Contains(got, "3 of 10") {
		t.Errorf("message %q", got)
	}
}

func errDeadline() error {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	_ = c1.SetReadDeadline(time.Now().Add(-time.Second))
	_, err := c1.Read(make([]byte, 1))
	return err
}
