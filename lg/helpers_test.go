package lg

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/internal/shareddata"
	"github.com/rsguard/rsguard/routestore"
)

// fakeBackend is a real route store behind fixed neighbors.
type fakeBackend struct {
	st        Status
	neighbors []Neighbor
	store     *routestore.Store
	// delay slows every route callback (a slow RIB read)
	delay time.Duration
}

func (f *fakeBackend) Status() Status { return f.st }

func (f *fakeBackend) Neighbors() []Neighbor {
	out := append([]Neighbor(nil), f.neighbors...)
	for i := range out {
		out[i].Counts = f.store.Counts(out[i].Name)
	}
	return out
}

func (f *fakeBackend) Routes(q routestore.Query, fn func(routestore.Entry) bool) {
	f.store.List(q, func(e routestore.Entry) bool {
		time.Sleep(f.delay)
		return fn(e)
	})
}

var testStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newFake has three neighbors: a (up, IPv4, accepted and rejected routes of
// both families), b (IPv6 session, up) and c (down, no routes).
func newFake() *fakeBackend {
	s := routestore.New(0)
	f := &fakeBackend{st: Status{RouterID: netip.MustParseAddr("127.0.0.1"), ASN: 21000, Version: "rsguard test", Started: testStart},
		store: s,
		neighbors: []Neighbor{
			{Name: "a", Description: "Alpha Networks", Address: netip.MustParseAddr("45.0.0.1"), ASN: 21001, State: "ESTABLISHED", Since: testStart},
			{Name: "b-six", Address: netip.MustParseAddr("2a0a:4580::2"), ASN: 4200000001, State: "ESTABLISHED", Since: testStart},
			{Name: "c", Address: netip.MustParseAddr("45.0.0.3"), ASN: 21003, State: "ACTIVE", LastError: "connection refused"},
		}}
	put := func(peer, pfx string, path []uint32, nh string, rej ...filters.Rejection) {
		p := netip.MustParsePrefix(pfx)
		s.Put(routestore.Entry{Peer: peer, Key: routestore.Key{Prefix: p}, ReceivedAt: testStart.Add(time.Minute),
			Route:   filters.Route{Prefix: p, ASPath: filters.Seq(path...), NextHop: netip.MustParseAddr(nh)},
			Verdict: filters.Verdict{Rejections: rej}})
	}
	put("a", "45.1.0.0/24", []uint32{21001}, "45.0.0.1")
	put("a", "45.1.1.0/24", []uint32{21001, 21011}, "45.0.0.1")
	put("a", "2a0a:4581::/32", []uint32{21001}, "2a0a:4580::1")
	put("a", "10.0.0.0/8", []uint32{21001}, "45.0.0.1", filters.Rejection{Reason: filters.ReasonBogonPrefix, Detail: "inside 10.0.0.0/8"})
	put("a", "45.1.9.0/24", []uint32{21001, 64512}, "45.0.0.99",
		filters.Rejection{Reason: filters.ReasonNextHopMismatch, Detail: "next hop 45.0.0.99 is not the peer"},
		filters.Rejection{Reason: filters.ReasonBogonASN, Detail: "AS64512 is private"},
		filters.Rejection{Reason: filters.ReasonPrefixNotRegistered, Detail: "not in AS-ALPHA"})
	// communities as received: 0:21003 keeps it from c; the peer's own
	// "bogon" RS:65520:2 must not show as a reason, its 21001:5:6 must show
	p := netip.MustParsePrefix("45.1.2.0/24")
	s.Put(routestore.Entry{Peer: "a", Key: routestore.Key{Prefix: p}, ReceivedAt: testStart,
		Route: filters.Route{Prefix: p, ASPath: filters.Seq(21001), NextHop: netip.MustParseAddr("45.0.0.1")},
		Communities: filters.Communities{Std: []filters.Community{filters.NewCommunity(0, 21003), filters.NewCommunity(21001, 7)},
			Large: []filters.LargeCommunity{{Global: 21000, Local1: 65520, Local2: 2}, {Global: 21001, Local1: 5, Local2: 6}}}})
	put("b-six", "2a0a:4582::/32", []uint32{4200000001}, "2a0a:4580::2")
	put("b-six", "45.1.0.0/24", []uint32{4200000001, 21001}, "2a0a:4580::2")
	return f
}

func newTestServer(t *testing.T, f *fakeBackend, o Options) *httptest.Server {
	t.Helper()
	if o.RSASN == 0 {
		o.RSASN = 21000
	}
	srv := httptest.NewServer(NewHandler(f, o))
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path like Alice does (Go's transport asks for gzip and
// unzips it transparently).
func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, b
}

// getGzip fetches path asking for gzip explicitly and unzips.
func getGzip(t *testing.T, srv *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET %s: Content-Encoding %q, want gzip", path, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, b
}

// repoFile finds a file relative to the repo root (the dir with go.mod).
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for i := 0; i < 10; i++ {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, rel)
		}
		dir = filepath.Dir(dir)
	}
	t.Fatal("go.mod not found")
	return ""
}

// sharedDir: the real-world data set next to the repo (internal/shareddata).
func sharedDir(t testing.TB) string { t.Helper(); return shareddata.Dir(t) }

func storeEntry(peer, pfx string, asn uint32) routestore.Entry {
	p := netip.MustParsePrefix(pfx)
	return routestore.Entry{Peer: peer, Key: routestore.Key{Prefix: p}, ReceivedAt: testStart,
		Route: filters.Route{Prefix: p, ASPath: filters.Seq(asn), NextHop: netip.MustParseAddr("45.0.0.1")}}
}

func netipPrefix4(a, b, c byte) string {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{a, b, c, 0}), 24).String()
}
