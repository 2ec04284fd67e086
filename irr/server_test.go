package irr

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, bufio.NewReader(c)
}

// TestServerProtocol walks the checklist of irr-protocol.md §4.4 on one
// pipelined session: every query is written before any answer is read.
func TestServerProtocol(t *testing.T) {
	addr := startServer(t, loadDB(t, "testdata/as112.rpsl", "testdata/nesting.rpsl"), ServerOptions{})
	steps := []struct{ q, want string }{
		{"!nbgpq4 1.9", "C\n"},
		{"!a", "F Missing required set name for A query\n"},
		{"!s-lc", "A37\nRIPE,RIPE-NONAUTH,APNIC,AFRINIC,TEST\nC\n"},
		{"!v", "A" + strconv.Itoa(len(serverVersion)+1) + "\n" + serverVersion + "\nC\n"},
		{"!gas112", "A32\n192.31.196.0/24 192.175.48.0/24\nC\n"},
		{"!6AS112", "A34\n2001:4:112::/48 2620:4f:8000::/48\nC\n"},
		{"!g112", "F Invalid AS number 112: must start with \"AS\"\n"},
		{"!gAS999", "D\n"},
		{"!iAS-AS112", "A6\nAS112\nC\n"},
		{"!iAS-LOOP-A", "A28\nAS-LOOP-A AS-LOOP-B AS21001\nC\n"},
		{"!iAS-LOOP-A,1", "A16\nAS21001 AS21002\nC\n"},
		{"!iAS-MISSING", "D\n"},
		{"!a4AS-AS112", "A32\n192.31.196.0/24 192.175.48.0/24\nC\n"},
		{"!a6as-as112", "A34\n2001:4:112::/48 2620:4f:8000::/48\nC\n"},
		{"!sAPNIC", "C\n"},
		{"!gAS112", "D\n"},
		{"!sNOPE", "F One or more selected sources are unavailable.\n"},
		{"!s-lc", "A6\nAPNIC\nC\n"},
		{"!sRIPE,RIPE-NONAUTH,TEST", "C\n"},
		{"!r192.31.196.0/24,o", "A6\nAS112\nC\n"},
		{"!r192.31.196.0/24,x", "F Invalid route search option: x\n"},
		{"!g", "F Missing parameter for g query\n"},
		{"!x", "F Unrecognised command: x\n"},
		{"!t5", "C\n"},
		{"!t0", "F Invalid value for timeout: 0\n"},
		{"-V myclient !iAS-AS112", "A6\nAS112\nC\n"},
	}
	c, br := dial(t, addr)
	var sb strings.Builder
	sb.WriteString("!!\n")
	for _, s := range steps {
		sb.WriteString(s.q + "\n")
	}
	sb.WriteString("!maut-num,as112\n!oAS112-MNT\n!q\n")
	if _, err := io.WriteString(c, sb.String()); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		got := readAnswer(t, br)
		if got != s.want {
			t.Errorf("%s: got %q, want %q", s.q, got, s.want)
		}
	}
	if got := readAnswer(t, br); !strings.Contains(got, "aut-num:        AS112\n") {
		t.Errorf("!m: %q", got)
	}
	if got := readAnswer(t, br); strings.Count(got, "mnt-by:") != 6 {
		t.Errorf("!o: %q", got)
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Errorf("after !q: %q %v (want a quiet close)", rest, err)
	}
}

// readAnswer reads one complete IRRd answer as raw text.
func readAnswer(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("reading answer: %v", err)
	}
	if line[0] != 'A' {
		return line
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		t.Fatalf("bad A line %q", line)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(br, data); err != nil {
		t.Fatal(err)
	}
	end, _ := br.ReadString('\n')
	return line + string(data) + end
}

func TestServerSingleQueryMode(t *testing.T) {
	addr := startServer(t, loadDB(t, "testdata/as112.rpsl"), ServerOptions{})
	c, br := dial(t, addr)
	io.WriteString(c, "!gAS112\r\n!gAS112\n")
	all, err := io.ReadAll(br)
	if err != nil || string(all) != "A32\n192.31.196.0/24 192.175.48.0/24\nC\n" {
		t.Errorf("single-query mode: %q %v", all, err)
	}
}

func TestServerRIPEStyle(t *testing.T) {
	addr := startServer(t, loadDB(t, "testdata/as112.rpsl"), ServerOptions{})
	c, br := dial(t, addr)
	io.WriteString(c, "-k -T route6 -i origin AS112\n-s APNIC AS-AS112\n-k\n")
	want := "route6:         2001:4:112::/48\norigin:         AS112\nmnt-by:         AS112-MNT\nsource:         RIPE\n\nroute6:         2620:4f:8000::/48\norigin:         AS112\nmnt-by:         AS112-MNT\nsource:         RIPE\n\n\n" +
		ripeNoEntries + ripeNoEntries
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != want {
		t.Errorf("got %q (%v)\nwant %q", got, err, want)
	}
}

func TestServerLimits(t *testing.T) {
	addr := startServer(t, loadDB(t, "testdata/as112.rpsl"), ServerOptions{MaxLineLength: 64, MaxConns: 1, IdleTimeout: 300 * time.Millisecond})
	c, br := dial(t, addr)
	io.WriteString(c, "!!\n!i"+strings.Repeat("X", 100)+"\n")
	if got, _ := br.ReadString('\n'); got != "F Query longer than 64 bytes\n" {
		t.Errorf("long line: %q", got)
	}
	if _, err := br.ReadString('\n'); err == nil {
		t.Error("connection stayed open after an over-long line")
	}
	// Idle timeout closes a silent connection; then the slot is free again.
	// The server closes the over-long line's connection before it releases
	// that connection's slot, so the next dial may still be refused: redial.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c2, br2 := dial(t, addr)
		io.WriteString(c2, "!!\n")
		line, err := br2.ReadString('\n')
		if err == nil && line == "F Too many connections\n" && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if err == nil {
			t.Errorf("idle connection was not closed (it answered %q)", line)
		}
		break
	}
	c3, br3 := dial(t, addr)
	io.WriteString(c3, "!gAS112\n")
	deadline = time.Now().Add(5 * time.Second)
	for {
		line, err := br3.ReadString('\n')
		if err == nil && strings.HasPrefix(line, "A") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no answer on a fresh connection")
		}
		if err != nil || strings.HasPrefix(line, "F Too many") {
			// The previous connection's slot may not be released yet.
			c3, br3 = dial(t, addr)
			io.WriteString(c3, "!gAS112\n")
		}
	}
}
