package irr

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// deepChainFile writes AS-DEEP0 -> AS-DEEP1 -> ... -> AS-DEEP<n-1>, each
// with one ASN, so depth limits can be checked.
func deepChainFile(t *testing.T, n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		next := ""
		if i+1 < n {
			next = fmt.Sprintf(", AS-DEEP%d", i+1)
		}
		fmt.Fprintf(&sb, "as-set: AS-DEEP%d\nmembers: AS%d%s\nmnt-by: M\nsource: TEST\n\n", i, 30000+i, next)
	}
	p := filepath.Join(t.TempDir(), "deep.rpsl")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func testSources(t *testing.T) map[string]Source {
	db := loadDB(t, "testdata/nesting.rpsl", deepChainFile(t, 60))
	addr := startServer(t, db, ServerOptions{})
	c := NewClient(ClientOptions{Servers: []string{addr}, Timeout: 5 * time.Second})
	t.Cleanup(func() { c.Close() })
	return map[string]Source{"db": DBSource{DB: db}, "client": c}
}

func TestExpandSemantics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tests := []struct {
		target  string
		opts    ExpandOptions
		origins []uint32
		v4      string
		warn    string
	}{
		{target: "AS-LOOP-A", origins: []uint32{21001, 21002}, v4: "45.1.0.0/16 45.2.0.0/16"},
		{target: "AS-LOOP-A", opts: ExpandOptions{ClientRecursion: true}, origins: []uint32{21001, 21002}, v4: "45.1.0.0/16 45.2.0.0/16", warn: "AS-MISSING not found"},
		{target: "as-loop-b", origins: []uint32{21001, 21002}},
		{target: "AS-BOGONS", origins: []uint32{21001, 21002}, warn: "dropping bogon ASN AS64512"},
		{target: "AS-BOGONS", opts: ExpandOptions{KeepBogonASNs: true}, origins: []uint32{0, 21001, 21002, 23456, 64512, 65535, 4200000001}, v4: "45.1.0.0/16 45.2.0.0/16 45.64.0.0/16"},
		{target: "AS-BYREF", origins: []uint32{21003, 21004}, v4: "45.2.0.0/16"},
		{target: "AS21001", origins: []uint32{21001}, v4: "45.1.0.0/16"},
		{target: "AS-NOPE", warn: "AS-NOPE not found"},
		{target: "AS-DEEP0", opts: ExpandOptions{ClientRecursion: true, MaxDepth: 10}, warn: "deeper than 10"},
		{target: "AS-DEEP0", opts: ExpandOptions{ClientRecursion: true, MaxMembers: 7}, warn: "expansion truncated"},
	}
	for name, src := range testSources(t) {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%s/%+v", name, tc.target, tc.opts), func(t *testing.T) {
				res, err := Expand(ctx, src, tc.target, tc.opts)
				if err != nil {
					t.Fatal(err)
				}
				if tc.origins != nil && !slices.Equal(res.Origins, tc.origins) {
					t.Errorf("origins %v, want %v", res.Origins, tc.origins)
				}
				if tc.v4 != "" && strings.TrimSpace(rangesString(res.IPv4)) != tc.v4 {
					t.Errorf("ipv4 %s, want %s", rangesString(res.IPv4), tc.v4)
				}
				if tc.warn != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tc.warn) {
					t.Errorf("warnings %q lack %q", res.Warnings, tc.warn)
				}
				if strings.Contains(tc.warn, "deeper") && len(res.Origins) != 10 {
					t.Errorf("depth 10 gave %d origins", len(res.Origins))
				}
				if res.FetchedAt.IsZero() || len(res.Sources) == 0 {
					t.Errorf("result lacks fetch time or sources: %+v", res)
				}
			})
		}
	}
}

func TestExpandRouteMaxLength(t *testing.T) {
	db := loadDB(t, "testdata/nesting.rpsl")
	ctx := context.Background()
	res, err := Expand(ctx, DBSource{DB: db}, "AS21002", ExpandOptions{RouteMaxLength: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(rangesString(res.IPv4)); got != "45.2.0.0/16 45.2.0.0/16{16,24}" {
		t.Errorf("with route max-length: %s", got)
	}
	res, _ = Expand(ctx, DBSource{DB: db}, "AS21002", ExpandOptions{})
	if got := strings.TrimSpace(rangesString(res.IPv4)); got != "45.2.0.0/16" {
		t.Errorf("max-length must be ignored by default: %s", got)
	}
}

// fakeServer accepts one connection and runs script on it.
func fakeServer(t *testing.T, script func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	return fakeServerOn(t, "127.0.0.1", script)
}

// fakeServerOn is fakeServer on host (a port is picked).
func fakeServerOn(t *testing.T, host string, script func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(20 * time.Second))
		script(c, bufio.NewReader(c))
	}()
	t.Cleanup(func() {
		ln.Close()
		select {
		case <-done:
		case <-time.After(25 * time.Second):
			t.Error("fake server did not finish")
		}
	})
	return ln.Addr().String()
}

func readLines(t *testing.T, br *bufio.Reader, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		l, err := br.ReadString('\n')
		if err != nil {
			return out
		}
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// TestClientPipelines: the fake server reads every query of the batch
// before it answers any. A client that waited for each answer before
// sending the next query would time out here.
func TestClientPipelines(t *testing.T) {
	const n = 50
	got := make(chan []string, 1)
	addr := fakeServer(t, func(c net.Conn, br *bufio.Reader) {
		readLines(t, br, 4) // !! !n !a !s-lc, all written before any answer
		fmt.Fprint(c, "C\nF Missing required set name for A query\nA5\nTEST\nC\n")
		lines := readLines(t, br, n)
		got <- lines
		for i := range lines {
			fmt.Fprintf(c, "A%d\nAS%d\nC\n", len(fmt.Sprint(i))+3, i)
		}
		readLines(t, br, 1) // !q
	})
	c := NewClient(ClientOptions{Servers: []string{addr}, Timeout: 3 * time.Second})
	defer c.Close()
	qs := make([]string, n)
	for i := range qs {
		qs[i] = fmt.Sprintf("!iAS-SET%d", i)
	}
	replies, err := c.Query(context.Background(), qs...)
	if err != nil {
		t.Fatal(err)
	}
	if lines := <-got; !slices.Equal(lines, qs) {
		t.Errorf("server saw %v", lines)
	}
	for i, r := range replies {
		if r.Kind != 'A' || r.Data != fmt.Sprintf("AS%d", i) {
			t.Fatalf("reply %d = %v: order lost", i, r)
		}
	}
	if srcs, _ := c.Sources(context.Background()); !slices.Equal(srcs, []string{"TEST"}) {
		t.Errorf("sources from !s-lc = %v", srcs)
	}
}

func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestClientFailover(t *testing.T) {
	db := loadDB(t, "testdata/as112.rpsl")
	good := startServer(t, db, ServerOptions{})
	c := NewClient(ClientOptions{Servers: []string{closedAddr(t), good}, Timeout: 3 * time.Second})
	defer c.Close()
	res, err := Expand(context.Background(), c, "AS-AS112", ExpandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IPv4) != 2 || len(res.IPv6) != 2 || c.Server() != good {
		t.Errorf("after failover: %+v via %s", res, c.Server())
	}
}

// TestClientFailoverMidSession: the first server answers the session
// setup and then breaks the framing; the batch is replayed on the second.
func TestClientFailoverMidSession(t *testing.T) {
	bad := fakeServer(t, func(c net.Conn, br *bufio.Reader) {
		readLines(t, br, 4)
		fmt.Fprint(c, "C\nF Unrecognised command: a\nA5\nTEST\nC\n")
		readLines(t, br, 1)
		fmt.Fprint(c, "garbage\n")
	})
	good := startServer(t, loadDB(t, "testdata/as112.rpsl"), ServerOptions{})
	c := NewClient(ClientOptions{Servers: []string{bad, good}, Timeout: 3 * time.Second})
	defer c.Close()
	r, err := c.Query(context.Background(), "!gAS112")
	if err != nil {
		t.Fatal(err)
	}
	if r[0].Data != "192.31.196.0/24 192.175.48.0/24" {
		t.Errorf("reply %v", r[0])
	}
}

func TestClientTimeout(t *testing.T) {
	hang := make(chan struct{})
	addr := fakeServer(t, func(c net.Conn, br *bufio.Reader) {
		readLines(t, br, 4)
		select { // never answers; ends when the client gives up
		case <-hang:
		case <-time.After(15 * time.Second):
		}
	})
	defer close(hang)
	c := NewClient(ClientOptions{Servers: []string{addr}, Timeout: 200 * time.Millisecond})
	_, err := c.Query(context.Background(), "!gAS112")
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a timeout error, got %v", err)
	}
}

func TestClientContextCancel(t *testing.T) {
	hang := make(chan struct{})
	addr := fakeServer(t, func(c net.Conn, br *bufio.Reader) {
		select {
		case <-hang:
		case <-time.After(15 * time.Second):
		}
	})
	defer close(hang)
	c := NewClient(ClientOptions{Servers: []string{addr}, Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := c.Query(ctx, "!gAS112"); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}

func TestClientNoServers(t *testing.T) {
	c := NewClient(ClientOptions{Servers: []string{closedAddr(t), closedAddr(t)}, Timeout: time.Second})
	if _, err := c.Query(context.Background(), "!gAS112"); err == nil || !strings.Contains(err.Error(), "all whois servers failed") {
		t.Fatalf("got %v", err)
	}
}

func TestMultiFallsBackToFiles(t *testing.T) {
	db := loadDB(t, "testdata/as112.rpsl")
	down := NewClient(ClientOptions{Servers: []string{closedAddr(t)}, Timeout: time.Second})
	res, err := Expand(context.Background(), Multi{down, DBSource{DB: db}}, "AS-AS112", ExpandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IPv4) != 2 || !strings.Contains(strings.Join(res.Warnings, " "), "earlier source failed") {
		t.Errorf("multi result %+v", res)
	}
}
