package irrsync

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/irr"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/sirupsen/logrus"
)

func testLogger() *logrus.Logger {
	l := logrus.New()
	l.SetLevel(logrus.ErrorLevel)
	if os.Getenv("RSGUARD_TEST_DEBUG") != "" {
		l.SetLevel(logrus.DebugLevel)
	}
	return l
}

func testdata(name string) string { return filepath.Join("testdata", name) }

func loadDB(t testing.TB, name string) *irr.DB {
	t.Helper()
	db, err := irr.LoadFiles(testdata(name))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func mustRange(t testing.TB, s string) filters.PrefixRange {
	t.Helper()
	r, err := filters.ParsePrefixRange(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// peerA has an AS-SET and static prefixes; peerB an ASN target with a
// shorter IPv4 max length; peerC no IRR filtering at all.
func peerA(t testing.TB) config.Peer {
	return config.Peer{Name: "a", ASN: 21001, ASSet: "AS-ALPHA", IRRMaxLengthIPv4: 24, IRRMaxLengthIPv6: 48,
		Prefixes: []filters.PrefixRange{mustRange(t, "45.40.0.0/16{16,24}"), mustRange(t, "45.22.0.0/24")}}
}

func peerB() config.Peer {
	return config.Peer{Name: "b", ASN: 21002, ASSet: "AS21002", IRRMaxLengthIPv4: 23, IRRMaxLengthIPv6: 48}
}

func peerC(t testing.TB) config.Peer {
	return config.Peer{Name: "c", ASN: 21003, Prefixes: []filters.PrefixRange{mustRange(t, "45.50.0.0/16")}}
}

// testConfig is a config as config.Parse would leave it, built directly so
// unit tests need neither files nor servers.
func testConfig(t testing.TB, stateDir string, peers ...config.Peer) *config.Config {
	t.Helper()
	if stateDir == "" {
		stateDir = t.TempDir()
	}
	return &config.Config{Global: config.Global{ASN: 21000, StateDir: stateDir},
		IRR: config.IRR{Refresh: time.Hour, MaxShrink: 0.5}, Peers: peers}
}

// swapSource is a registry whose contents a test replaces, or breaks.
type swapSource struct {
	mu    sync.Mutex
	src   irr.Source
	err   error
	calls int
}

var errRegistryDown = errors.New("registry down (test)")

func newSwapSource(t testing.TB, file string) *swapSource {
	return &swapSource{src: irr.DBSource{DB: loadDB(t, file)}}
}

func (w *swapSource) load(t testing.TB, file string) {
	db := loadDB(t, file)
	w.mu.Lock()
	w.src, w.err = irr.DBSource{DB: db}, nil
	w.mu.Unlock()
}

func (w *swapSource) fail(err error) {
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}

func (w *swapSource) cur() (irr.Source, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls++
	return w.src, w.err
}

func (w *swapSource) Sources(ctx context.Context) ([]string, error) {
	s, err := w.cur()
	if err != nil {
		return nil, err
	}
	return s.Sources(ctx)
}

func (w *swapSource) SetMembers(ctx context.Context, names []string) (map[string][]string, error) {
	s, err := w.cur()
	if err != nil {
		return nil, err
	}
	return s.SetMembers(ctx, names)
}

func (w *swapSource) OriginPrefixes(ctx context.Context, asns []uint32, v4, v6 bool) (map[uint32][]netip.Prefix, []string, error) {
	s, err := w.cur()
	if err != nil {
		return nil, nil, err
	}
	return s.OriginPrefixes(ctx, asns, v4, v6)
}

// applyCall is one SetPeerFilter call the fake route server received.
type applyCall struct {
	peer    string
	allowed []filters.PrefixRange
	origins *filters.OriginSet
}

// fakeApplier records calls and notices two concurrent calls for one peer.
type fakeApplier struct {
	mu       sync.Mutex
	calls    []applyCall
	inflight map[string]int
	overlap  bool
	err      error
	delay    time.Duration
}

func (f *fakeApplier) SetPeerFilter(_ context.Context, peer string, allowed []filters.PrefixRange, origins *filters.OriginSet) (routeserver.FilterChange, error) {
	f.mu.Lock()
	if f.inflight == nil {
		f.inflight = map[string]int{}
	}
	f.inflight[peer]++
	if f.inflight[peer] > 1 {
		f.overlap = true
	}
	err, delay := f.err, f.delay
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay) // widens the window a concurrent call would hit
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight[peer]--
	if err != nil {
		return routeserver.FilterChange{}, err
	}
	f.calls = append(f.calls, applyCall{peer: peer, allowed: allowed, origins: origins})
	return routeserver.FilterChange{Added: len(allowed)}, nil
}

func (f *fakeApplier) last(t testing.TB, peer string) applyCall {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].peer == peer {
			return f.calls[i]
		}
	}
	t.Fatalf("no SetPeerFilter call for peer %s", peer)
	return applyCall{}
}

func (f *fakeApplier) count(peer string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.peer == peer {
			n++
		}
	}
	return n
}

// newSyncer builds a syncer over src with a fake route server attached.
func newSyncer(t testing.TB, cfg *config.Config, src irr.Source, now func() time.Time) (*Syncer, *fakeApplier) {
	t.Helper()
	s, err := New(cfg, testLogger(), Options{Source: src, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	app := &fakeApplier{}
	s.Attach(app)
	return s, app
}

func refreshOne(t testing.TB, s *Syncer, peer string, force bool) Result {
	t.Helper()
	rs, err := s.Refresh(context.Background(), peer, force, nil)
	if err != nil {
		t.Fatalf("Refresh(%s): %v", peer, err)
	}
	if len(rs) != 1 {
		t.Fatalf("Refresh(%s) returned %d results", peer, len(rs))
	}
	return rs[0]
}

func statusOf(t testing.TB, s *Syncer, peer string) PeerStatus {
	t.Helper()
	for _, ps := range s.Status() {
		if ps.Peer == peer {
			return ps
		}
	}
	t.Fatalf("no status for peer %s", peer)
	return PeerStatus{}
}

// admits reports whether the allowed list admits p.
func admits(allowed []filters.PrefixRange, p string) bool {
	_, ok := filters.NewPrefixList(allowed).Match(netip.MustParsePrefix(p))
	return ok
}

// fakeClock is a settable clock for timestamps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// whois is an in-process IRRd-compatible server on a fixed address, so a
// test can restart it with other data where the syncer expects it.
type whois struct {
	t    testing.TB
	addr string
	srv  *irr.Server
	done chan struct{}
}

func startWhois(t testing.TB, addr, file string) *whois {
	t.Helper()
	w := &whois{t: t, addr: addr}
	w.start(file)
	t.Cleanup(w.stop)
	return w
}

func (w *whois) start(file string) {
	w.t.Helper()
	srv := irr.NewServer(loadDB(w.t, file), irr.ServerOptions{})
	a, err := srv.Listen(w.addr)
	if err != nil {
		w.t.Fatalf("whois listen %s: %v", w.addr, err)
	}
	w.addr, w.srv, w.done = a.String(), srv, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		if err := srv.Serve(context.Background()); err != nil {
			w.t.Errorf("whois serve: %v", err)
		}
	}(w.done)
}

func (w *whois) stop() {
	if w.srv == nil {
		return
	}
	w.srv.Close()
	<-w.done
	w.srv = nil
}

// restart serves another file on the same address.
func (w *whois) restart(file string) {
	w.t.Helper()
	w.stop()
	w.start(file)
}
