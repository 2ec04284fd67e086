package irrsync

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/irr"
)

// hangSource is a registry that never answers for sets named AS-HANG*
// (until the caller gives up) and answers the rest from a dump. It
// records how many hanging queries were under way at once.
type hangSource struct {
	irr.DBSource
	mu            sync.Mutex
	hanging, peak int
}

func (h *hangSource) SetMembers(ctx context.Context, names []string) (map[string][]string, error) {
	if strings.HasPrefix(names[0], "AS-HANG") {
		return nil, h.hang(ctx)
	}
	return h.DBSource.SetMembers(ctx, names)
}

func (h *hangSource) RecursiveASNs(ctx context.Context, name string) ([]uint32, bool, error) {
	if strings.HasPrefix(name, "AS-HANG") {
		return nil, false, h.hang(ctx)
	}
	return h.DBSource.RecursiveASNs(ctx, name)
}

func (h *hangSource) hang(ctx context.Context) error {
	h.mu.Lock()
	h.hanging++
	h.peak = max(h.peak, h.hanging)
	h.mu.Unlock()
	defer func() { h.mu.Lock(); h.hanging--; h.mu.Unlock() }()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(20 * time.Second): // bounds the test if the deadline is missing
		return fmt.Errorf("hangSource: nobody gave up")
	}
}

// TestHangingRegistriesDoNotBlockOthers: four peers (with a cached filter)
// whose registry never answers, and a fifth without any filter. The fifth
// goes first and is in force at once; the four end by refresh_timeout
// with a "timeout", never more than [irr] concurrency at a time, and keep
// their cached filter.
func TestHangingRegistriesDoNotBlockOthers(t *testing.T) {
	state := t.TempDir()
	cache := irr.Cache{Dir: filepath.Join(state, "irr")}
	var peers []config.Peer
	for i := 1; i <= 4; i++ {
		p := config.Peer{Name: fmt.Sprintf("h%d", i), ASN: uint32(21010 + i), ASSet: fmt.Sprintf("AS-HANG%d", i),
			IRRMaxLengthIPv4: 24, IRRMaxLengthIPv6: 48}
		if err := cache.Save(p.Name, &irr.Result{Target: p.ASSet, Origins: []uint32{p.ASN},
			IPv4: []filters.PrefixRange{mustRange(t, fmt.Sprintf("45.%d.0.0/16{16,24}", 60+i))}, FetchedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		peers = append(peers, p)
	}
	peers = append(peers, peerA(t)) // last in config order, no cache
	cfg := testConfig(t, state, peers...)
	cfg.IRR.Concurrency = 2
	cfg.IRR.RefreshTimeout = 500 * time.Millisecond
	src := &hangSource{DBSource: irr.DBSource{DB: loadDB(t, "v1.rpsl")}}
	var mu sync.Mutex
	results := map[string]Result{}
	s, err := New(cfg, testLogger(), Options{Source: src, OnResult: func(r Result) { mu.Lock(); results[r.Peer] = r; mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	app := &fakeApplier{}
	s.Attach(app)
	for _, p := range peers {
		s.InitialFilter(p) // what the route server does at start
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	start := time.Now()
	go func() { defer close(done); s.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	waitFor(t, 5*time.Second, "peer a in force", func() bool { return statusOf(t, s, "a").InForce })
	tookA := time.Since(start)
	if tookA > 400*time.Millisecond {
		t.Errorf("peer a (default deny) waited %s behind the hanging registries", tookA)
	}
	waitFor(t, 5*time.Second, "every hanging peer to time out", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for i := 1; i <= 4; i++ {
			if _, ok := results[fmt.Sprintf("h%d", i)]; !ok {
				return false
			}
		}
		return true
	})
	tookAll := time.Since(start)
	mu.Lock()
	for i := 1; i <= 4; i++ {
		r := results[fmt.Sprintf("h%d", i)]
		if !strings.HasPrefix(r.Err, "timeout") || !strings.Contains(r.Err, "refresh_timeout 500ms") {
			t.Errorf("%s: want a timeout naming refresh_timeout, got %q", r.Peer, r.Err)
		}
		if r.Took > 2*time.Second {
			t.Errorf("%s: refresh took %s with refresh_timeout 500ms", r.Peer, r.Took)
		}
		if st := statusOf(t, s, r.Peer); !st.InForce || st.Origins != 1 || !strings.HasPrefix(st.LastError, "timeout") {
			t.Errorf("%s: cached filter must stay in force with the timeout shown: %+v", r.Peer, st)
		}
	}
	mu.Unlock()
	src.mu.Lock()
	peak := src.peak
	src.mu.Unlock()
	if peak != 2 {
		t.Errorf("%d hanging refreshes at once, want [irr] concurrency = 2", peak)
	}
	t.Logf("default-deny peer in force after %s; four hanging peers timed out by %s (concurrency 2, refresh_timeout 500ms)",
		tookA.Round(time.Millisecond), tookAll.Round(time.Millisecond))
}

// fakeRegistry accepts connections on host:0 (this branch's block of
// irrsync's test addresses) and hands each to serve; it is closed, and
// its connections with it, when the test ends.
func fakeRegistry(t *testing.T, host string, serve func(net.Conn, *bufio.Reader)) string {
	t.Helper()
	addr, _ := fakeRegistryAt(t, host+":0", serve)
	return addr
}

// fakeRegistryAt is fakeRegistry on addr exactly (the port a test's whois
// server had); stop closes it before the test ends.
func fakeRegistryAt(t *testing.T, addr string, serve func(net.Conn, *bufio.Reader)) (bound string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				serve(c, bufio.NewReader(c))
			}()
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ln.Close()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

// TestSlowRegistriesSayTimeout: through the real whois client, a registry
// that never answers and one that drips its answers (each line in time,
// all of them not) both end in "timeout" within query_timeout, and a peer
// that never had a filter is said to stay at default deny, not to keep a
// "last good filter" it does not have.
func TestSlowRegistriesSayTimeout(t *testing.T) {
	silent := fakeRegistry(t, "127.21.8.1", func(c net.Conn, br *bufio.Reader) {
		_, _ = br.ReadString(0) // reads until the client hangs up; never answers
	})
	drip := fakeRegistry(t, "127.21.8.2", func(c net.Conn, br *bufio.Reader) {
		for { // every query answered "not found", 200 ms later
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if strings.TrimSpace(line) == "!!" {
				continue // no answer, as in IRRd
			}
			time.Sleep(200 * time.Millisecond)
			if _, err := c.Write([]byte("D\n")); err != nil {
				return
			}
		}
	})
	for _, tc := range []struct{ name, addr string }{{"silent", silent}, {"drip", drip}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t, "", peerA(t))
			cfg.IRR.Servers = []string{tc.addr}
			cfg.IRR.QueryTimeout = 500 * time.Millisecond
			cfg.IRR.RefreshTimeout = 5 * time.Second
			s, app := newSyncer(t, cfg, nil, nil)
			var lines []string
			rs, err := s.Refresh(context.Background(), "a", false, func(l string) { lines = append(lines, l) })
			if err != nil || len(rs) != 1 {
				t.Fatalf("Refresh: %v %v", rs, err)
			}
			r := rs[0]
			progress := strings.Join(lines, "\n")
			if !strings.Contains(r.Err, "timeout") || strings.Contains(r.Err, "EOF") {
				t.Errorf("want a timeout, got %q", r.Err)
			}
			if r.Took > 1500*time.Millisecond {
				t.Errorf("refresh took %s with query_timeout 500ms", r.Took)
			}
			if !strings.Contains(progress, "stays at default deny") || strings.Contains(progress, "last good") {
				t.Errorf("a peer without a filter: progress %q", progress)
			}
			if app.count("a") != 0 || statusOf(t, s, "a").InForce {
				t.Errorf("nothing may be applied")
			}
			t.Logf("%s registry: %q after %s", tc.name, r.Err, r.Took.Round(time.Millisecond))
		})
	}
}
