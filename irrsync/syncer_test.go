package irrsync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/irr"
)

// TestAllowedListAndOrigins checks what reaches the route server: IRR
// prefixes aggregated and widened to the peer's max lengths (bgpq4 -A -R),
// merged with the static prefixes, and the origin set of the AS-SET or ASN.
func TestAllowedListAndOrigins(t *testing.T) {
	s, app := newSyncer(t, testConfig(t, "", peerA(t), peerB(), peerC(t)), newSwapSource(t, "v1.rpsl"), nil)
	rs, err := s.Refresh(context.Background(), "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("refreshed %d peers, want a and b (c has no as_set): %+v", len(rs), rs)
	}
	for _, r := range rs {
		if r.Err != "" || !r.Applied {
			t.Fatalf("%s: %+v", r.Peer, r)
		}
	}
	a, b := app.last(t, "a"), app.last(t, "b")
	tests := []struct {
		name    string
		allowed []filters.PrefixRange
		prefix  string
		want    bool
	}{
		{"a: more-specific of a route object up to /24", a.allowed, "45.21.9.0/24", true},
		{"a: the route object itself", a.allowed, "45.21.0.0/16", true},
		{"a: longer than irr_max_length_ipv4", a.allowed, "45.21.9.0/25", false},
		{"a: exact /24 object", a.allowed, "45.22.0.0/24", true},
		{"a: object of a member ASN", a.allowed, "45.23.0.0/24", true},
		{"a: unregistered", a.allowed, "45.24.0.0/24", false},
		{"a: registered to an ASN outside the set", a.allowed, "45.29.0.0/24", false},
		{"a: IPv6 more-specific up to /48", a.allowed, "2a0a:21:5::/48", true},
		{"a: IPv6 longer than irr_max_length_ipv6", a.allowed, "2a0a:21:5::/49", false},
		{"a: static prefix range", a.allowed, "45.40.7.0/24", true},
		{"a: outside everything", a.allowed, "45.41.0.0/24", false},
		{"b: ASN target, within its max length 23", b.allowed, "45.30.2.0/23", true},
		{"b: ASN target, longer than 23", b.allowed, "45.30.2.0/24", false},
		{"b: another ASN's object", b.allowed, "45.21.0.0/16", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := admits(tc.allowed, tc.prefix); got != tc.want {
				t.Fatalf("%s admitted = %v, want %v; list %v", tc.prefix, got, tc.want, tc.allowed)
			}
		})
	}
	// aggregation dropped 45.21.4.0/24 (covered by 45.21.0.0/16{16,24}) and
	// the static 45.22.0.0/24, which IRR also has, appears once.
	for _, r := range a.allowed {
		if r.Prefix.String() == "45.21.4.0/24" {
			t.Errorf("covered route object 45.21.4.0/24 not aggregated away: %v", a.allowed)
		}
	}
	if !slices.IsSortedFunc(a.allowed, compareForTest) || len(slices.CompactFunc(slices.Clone(a.allowed), func(x, y filters.PrefixRange) bool { return x == y })) != len(a.allowed) {
		t.Errorf("allowed list not sorted and unique: %v", a.allowed)
	}
	if got := a.origins.Sorted(); !slices.Equal(got, []uint32{21001, 21011}) || a.origins.Source != "AS-ALPHA" {
		t.Errorf("a's origins = %v from %q, want [21001 21011] from AS-ALPHA", got, a.origins.Source)
	}
	if got := b.origins.Sorted(); !slices.Equal(got, []uint32{21002}) {
		t.Errorf("b's origins = %v, want [21002]", got)
	}
	if rs[0].Origins != 2 || rs[0].IPv4 == 0 || rs[0].IPv6 != 1 {
		t.Errorf("a's result counts = %+v", rs[0])
	}
}

func compareForTest(x, y filters.PrefixRange) int {
	if c := x.Prefix.Addr().Compare(y.Prefix.Addr()); c != 0 {
		return c
	}
	if x.Prefix.Bits() != y.Prefix.Bits() {
		return x.Prefix.Bits() - y.Prefix.Bits()
	}
	if x.Min != y.Min {
		return int(x.Min) - int(y.Min)
	}
	return int(x.Max) - int(y.Max)
}

// TestSafetyBrake: a shrink beyond max_shrink and an empty answer are held
// back (old list stays, nothing applied, status says so); force applies
// them; a small shrink and growth pass.
func TestSafetyBrake(t *testing.T) {
	tests := []struct {
		name      string
		next      string
		maxShrink float64
		force     bool
		wantHeld  bool
	}{
		{"shrink 75% over max 50%", "shrink.rpsl", 0.5, false, true},
		{"shrink 75% within max 80%", "shrink.rpsl", 0.8, false, false},
		{"shrink forced", "shrink.rpsl", 0.5, true, false},
		{"set gone: empty", "empty.rpsl", 0.5, false, true},
		{"set gone, even with max_shrink 1", "empty.rpsl", 1, false, true},
		{"set gone, forced", "empty.rpsl", 0.5, true, false},
		{"origins without prefixes", "nosets.rpsl", 0.5, false, true},
		{"growth", "v2.rpsl", 0.5, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t, "", peerA(t))
			cfg.IRR.MaxShrink = tc.maxShrink
			src := newSwapSource(t, "v1.rpsl")
			s, app := newSyncer(t, cfg, src, nil)
			first := refreshOne(t, s, "a", false)
			if !first.Applied {
				t.Fatalf("first refresh: %+v", first)
			}
			before := app.last(t, "a")
			src.load(t, tc.next)
			r := refreshOne(t, s, "a", tc.force)
			st := statusOf(t, s, "a")
			if (r.HeldBack != nil) != tc.wantHeld || r.Applied == tc.wantHeld || r.Err != "" {
				t.Fatalf("result %+v, want held back = %v", r, tc.wantHeld)
			}
			if (st.HeldBack != nil) != tc.wantHeld {
				t.Fatalf("status HeldBack = %+v, want held = %v", st.HeldBack, tc.wantHeld)
			}
			if tc.wantHeld {
				if n := app.count("a"); n != 1 {
					t.Fatalf("held-back refresh reached the route server: %d calls", n)
				}
				if r.Origins != first.Origins || r.IPv4 != first.IPv4 || r.IPv6 != first.IPv6 {
					t.Errorf("held back result should report the old counts in force: %+v vs %+v", r, first)
				}
				hb := st.HeldBack
				if hb.OldCount != first.IPv4+first.IPv6 || hb.NewCount >= hb.OldCount || hb.Reason == "" || hb.Since.IsZero() {
					t.Errorf("HeldBack = %+v (old list had %d entries)", hb, first.IPv4+first.IPv6)
				}
				if st.Origins != first.Origins || st.IPv4 != first.IPv4 {
					t.Errorf("status shows %+v, want the old data in force", st)
				}
				// Held again: Since stays at the first refusal; then force clears it.
				again := refreshOne(t, s, "a", false)
				if again.HeldBack == nil || !statusOf(t, s, "a").HeldBack.Since.Equal(hb.Since) {
					t.Errorf("second refusal: %+v, since %v (first %v)", again, statusOf(t, s, "a").HeldBack, hb.Since)
				}
				if f := refreshOne(t, s, "a", true); !f.Applied || statusOf(t, s, "a").HeldBack != nil {
					t.Errorf("forced refresh after hold: %+v / %+v", f, statusOf(t, s, "a").HeldBack)
				}
				return
			}
			after := app.last(t, "a")
			if app.count("a") != 2 || slices.Equal(before.allowed, after.allowed) {
				t.Fatalf("refresh not applied: %d calls", app.count("a"))
			}
			// static prefixes survive even a forced empty IRR list
			if !admits(after.allowed, "45.40.1.0/24") {
				t.Errorf("static prefix lost: %v", after.allowed)
			}
		})
	}
}

// TestFailedRefreshKeepsLastGood: an unreachable registry or a failing
// route server changes nothing; status shows the error and the age.
func TestFailedRefreshKeepsLastGood(t *testing.T) {
	clock := newFakeClock()
	src := newSwapSource(t, "v1.rpsl")
	s, app := newSyncer(t, testConfig(t, "", peerA(t)), src, clock.Now)
	good := refreshOne(t, s, "a", false)
	fetched := clock.Now()

	clock.Advance(2 * time.Hour)
	src.fail(errRegistryDown)
	r := refreshOne(t, s, "a", false)
	if !strings.Contains(r.Err, errRegistryDown.Error()) || r.Applied || r.HeldBack != nil {
		t.Fatalf("refresh with registry down: %+v", r)
	}
	if r.Origins != good.Origins || r.IPv4 != good.IPv4 {
		t.Errorf("failed refresh should report the counts still in force: %+v", r)
	}
	if n := app.count("a"); n != 1 {
		t.Fatalf("failed refresh called the route server: %d calls", n)
	}
	st := statusOf(t, s, "a")
	if !strings.Contains(st.LastError, errRegistryDown.Error()) || st.Age != 2*time.Hour ||
		!st.LastRefresh.Equal(fetched) || !st.LastAttempt.Equal(clock.Now()) || st.Origins != good.Origins {
		t.Fatalf("status after failure: %+v", st)
	}

	// the route server refusing the change is a failure too
	src.load(t, "v2.rpsl")
	app.mu.Lock()
	app.err = errors.New("gobgp said no")
	app.mu.Unlock()
	r = refreshOne(t, s, "a", false)
	if r.Err == "" || r.Applied || !strings.Contains(statusOf(t, s, "a").LastError, "gobgp said no") {
		t.Fatalf("apply failure: %+v, status %+v", r, statusOf(t, s, "a"))
	}
	if statusOf(t, s, "a").IPv4 != good.IPv4 {
		t.Errorf("status moved to data that was never applied")
	}

	// recovery clears the error
	app.mu.Lock()
	app.err = nil
	app.mu.Unlock()
	clock.Advance(time.Minute)
	r = refreshOne(t, s, "a", false)
	st = statusOf(t, s, "a")
	if !r.Applied || st.LastError != "" || st.Age != 0 || st.Origins != 3 {
		t.Fatalf("after recovery: %+v, status %+v", r, st)
	}
}

// TestCacheAndStartFromCache: applied results are cached per peer; a new
// syncer (a restart) hands them to the route server through InitialFilter
// while the registry is down, and uses them as the brake's reference.
func TestCacheAndStartFromCache(t *testing.T) {
	state := t.TempDir()
	clock := newFakeClock()
	cfg := testConfig(t, state, peerA(t), peerB(), peerC(t))
	s1, app1 := newSyncer(t, cfg, newSwapSource(t, "v1.rpsl"), clock.Now)
	if _, err := s1.Refresh(context.Background(), "", false, nil); err != nil {
		t.Fatal(err)
	}
	for _, peer := range []string{"a", "b"} {
		if _, err := os.Stat(filepath.Join(state, "irr", peer+".json")); err != nil {
			t.Fatalf("no cache file for %s: %v", peer, err)
		}
	}
	cached, err := irr.Cache{Dir: filepath.Join(state, "irr")}.Load("a")
	if err != nil || cached.Target != "AS-ALPHA" || len(cached.Origins) != 2 {
		t.Fatalf("cache for a: %+v, %v", cached, err)
	}

	// restart, registry down
	clock.Advance(time.Hour)
	down := newSwapSource(t, "v1.rpsl")
	down.fail(errRegistryDown)
	s2, app2 := newSyncer(t, cfg, down, clock.Now)
	for _, p := range cfg.Peers {
		allowed, origins := s2.InitialFilter(p)
		switch p.Name {
		case "c":
			if allowed != nil || origins != nil {
				t.Errorf("peer without as_set got %v, %v", allowed, origins)
			}
		default:
			want := app1.last(t, p.Name)
			if !slices.Equal(allowed, want.allowed) || !slices.Equal(origins.Sorted(), want.origins.Sorted()) {
				t.Errorf("%s: InitialFilter = %v %v, want the applied %v %v", p.Name, allowed, origins.Sorted(), want.allowed, want.origins.Sorted())
			}
		}
	}
	st := statusOf(t, s2, "a")
	if !st.FromCache || !st.InForce || st.Age != time.Hour || st.Origins != 2 {
		t.Fatalf("status from cache: %+v", st)
	}
	r := refreshOne(t, s2, "a", false)
	if r.Err == "" || app2.count("a") != 0 || !statusOf(t, s2, "a").FromCache {
		t.Fatalf("refresh with registry down after start from cache: %+v", r)
	}

	// identical data: nothing to apply, but the cache is renewed
	down.load(t, "v1.rpsl")
	clock.Advance(time.Hour)
	if r := refreshOne(t, s2, "a", false); !r.Applied || app2.count("a") != 0 {
		t.Fatalf("identical refresh: %+v, %d calls", r, app2.count("a"))
	}
	if st := statusOf(t, s2, "a"); st.FromCache || st.Age != 0 {
		t.Errorf("after refresh: %+v", st)
	}
	// the cached list is the brake's reference: a shrink is held back
	down.load(t, "shrink.rpsl")
	if r := refreshOne(t, s2, "a", false); r.HeldBack == nil {
		t.Fatalf("shrink against cached data: %+v", r)
	}

	// a cache written for another as_set is not used
	other := peerA(t)
	other.ASSet = "AS-OTHER"
	s3, _ := newSyncer(t, testConfig(t, state, other), down, clock.Now)
	if allowed, origins := s3.InitialFilter(other); allowed != nil || origins != nil || statusOf(t, s3, "a").FromCache {
		t.Fatalf("cache of AS-ALPHA used for AS-OTHER: %v %v", allowed, origins)
	}
}

// TestNoCacheStartsDefaultDeny: without a cache InitialFilter leaves the
// peer to the route server's default deny, and the first refresh applies
// even an empty answer (nothing to protect yet).
func TestNoCacheStartsDefaultDeny(t *testing.T) {
	src := newSwapSource(t, "empty.rpsl")
	s, app := newSyncer(t, testConfig(t, "", peerA(t)), src, nil)
	if allowed, origins := s.InitialFilter(peerA(t)); allowed != nil || origins != nil {
		t.Fatalf("InitialFilter without cache = %v, %v", allowed, origins)
	}
	if st := statusOf(t, s, "a"); st.InForce || st.FromCache || !st.LastRefresh.IsZero() {
		t.Fatalf("status before any refresh: %+v", st)
	}
	r := refreshOne(t, s, "a", false)
	if !r.Applied || r.HeldBack != nil || app.last(t, "a").origins.Len() != 0 {
		t.Fatalf("first refresh of an unknown set: %+v", r)
	}
}

// TestStatusFields pins every PeerStatus field after a refresh.
func TestStatusFields(t *testing.T) {
	clock := newFakeClock()
	s, _ := newSyncer(t, testConfig(t, "", peerA(t), peerC(t), peerB()), newSwapSource(t, "v1.rpsl"), clock.Now)
	refreshOne(t, s, "a", false)
	clock.Advance(90 * time.Second)
	all := s.Status()
	if len(all) != 2 || all[0].Peer != "a" || all[1].Peer != "b" {
		t.Fatalf("Status lists %+v, want a then b (config order, only as_set peers)", all)
	}
	a, b := all[0], all[1]
	want := PeerStatus{Peer: "a", ASSet: "AS-ALPHA", Origins: 2, IPv4: a.IPv4, IPv6: 1, Sources: []string{"TEST"},
		LastRefresh: clock.Now().Add(-90 * time.Second), LastAttempt: clock.Now().Add(-90 * time.Second),
		Age: 90 * time.Second, InForce: true}
	if a.IPv4 < 3 || !slices.Equal(a.Sources, want.Sources) || a.Origins != want.Origins || a.IPv6 != want.IPv6 ||
		!a.LastRefresh.Equal(want.LastRefresh) || !a.LastAttempt.Equal(want.LastAttempt) || a.Age != want.Age ||
		a.LastError != "" || a.HeldBack != nil || a.FromCache || !a.InForce || a.ASSet != "AS-ALPHA" {
		t.Errorf("status a = %+v\nwant       %+v", a, want)
	}
	if b.ASSet != "AS21002" || b.InForce || !b.LastAttempt.IsZero() || b.Origins != 0 {
		t.Errorf("status b (never refreshed) = %+v", b)
	}
}

// TestRefreshRequests: bad requests are errors, not results.
func TestRefreshRequests(t *testing.T) {
	cfg := testConfig(t, "", peerA(t), peerC(t))
	s, err := New(cfg, testLogger(), Options{Source: newSwapSource(t, "v1.rpsl")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Refresh(ctx, "a", false, nil); !errors.Is(err, ErrNotAttached) {
		t.Errorf("before Attach: %v", err)
	}
	s.Attach(&fakeApplier{})
	if _, err := s.Refresh(ctx, "nope", false, nil); !errors.Is(err, ErrUnknownPeer) {
		t.Errorf("unknown peer: %v", err)
	}
	if _, err := s.Refresh(ctx, "c", false, nil); !errors.Is(err, ErrNoASSet) {
		t.Errorf("peer without as_set: %v", err)
	}
	var lines []string
	if _, err := s.Refresh(ctx, "a", false, func(l string) { lines = append(lines, l) }); err != nil || len(lines) < 2 {
		t.Errorf("progress lines %q, err %v", lines, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Refresh(cancelled, "", false, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := New(&config.Config{Peers: []config.Peer{peerA(t)}}, testLogger(), Options{}); err == nil {
		t.Errorf("New accepted an as_set peer with no servers, files or Source")
	}
}

// TestPinnedSource: "SOURCE::AS-SET" is looked up in that source only.
func TestPinnedSource(t *testing.T) {
	db := loadDB(t, "v1.rpsl")
	for _, tc := range []struct {
		asSet       string
		wantOrigins int
	}{{"TEST::AS-ALPHA", 2}, {"OTHER::AS-ALPHA", 0}} {
		p := peerA(t)
		p.ASSet = tc.asSet
		s, app := newSyncer(t, testConfig(t, "", p), irr.DBSource{DB: db}, nil)
		if r := refreshOne(t, s, "a", false); r.Err != "" || r.Origins != tc.wantOrigins {
			t.Errorf("%s: %+v, want %d origins", tc.asSet, r, tc.wantOrigins)
		}
		if got := app.last(t, "a").origins.Source; got != tc.asSet {
			t.Errorf("origin set named %q, want %q", got, tc.asSet)
		}
	}
}

// TestRunRetries: Run refreshes at once, retries a failing registry on
// the fast backoff until the first success, reports every result, and
// returns when its context ends. Refresh called meanwhile
// never overlaps Run's refresh of the same peer.
func TestRunRetries(t *testing.T) {
	src := newSwapSource(t, "v1.rpsl")
	src.fail(errRegistryDown)
	var mu sync.Mutex
	var results []Result
	cfg := testConfig(t, "", peerA(t), peerB())
	s, err := New(cfg, testLogger(), Options{Source: src, RetryBackoff: []time.Duration{10 * time.Millisecond, 30 * time.Millisecond},
		OnResult: func(r Result) { mu.Lock(); results = append(results, r); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	app := &fakeApplier{delay: 5 * time.Millisecond}
	s.Attach(app)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	failures := func() int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, r := range results {
			if r.Err != "" {
				n++
			}
		}
		return n
	}
	waitFor(t, 10*time.Second, "Run to retry the failing registry", func() bool { return failures() >= 6 })
	src.load(t, "v1.rpsl")
	// manual refreshes race with Run's retries
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Refresh(ctx, "", false, nil); err != nil {
				t.Errorf("concurrent Refresh: %v", err)
			}
		}()
	}
	wg.Wait()
	waitFor(t, 10*time.Second, "both peers in force", func() bool {
		all := s.Status()
		return all[0].InForce && all[1].InForce
	})
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	app.mu.Lock()
	defer app.mu.Unlock()
	if app.overlap {
		t.Fatal("two refreshes of one peer reached the route server at once")
	}
}

// TestInterval: jittered refreshes stay within refresh × (1 ± jitter).
func TestInterval(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.IRR.Refresh = time.Hour
	s, err := New(cfg, testLogger(), Options{Jitter: 0.2, Source: newSwapSource(t, "v1.rpsl")})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := time.Duration(float64(time.Hour)*0.8), time.Duration(float64(time.Hour)*1.2)
	seen := map[time.Duration]bool{}
	for i := 0; i < 200; i++ {
		d := s.interval()
		if d < lo || d > hi {
			t.Fatalf("interval %s outside [%s, %s]", d, lo, hi)
		}
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Errorf("no jitter: always %v", seen)
	}
	for _, tc := range []struct {
		name          string
		failed, ever  bool
		fails         int
		wantWait      time.Duration // 0: the jittered period
		wantFailCount int
	}{
		{"first failure", true, false, 0, 10 * time.Second, 1},
		{"second failure", true, false, 1, 30 * time.Second, 2},
		{"many failures", true, false, 8, 60 * time.Second, 9},
		{"success", false, true, 3, 0, 0},
		{"held back counts as an answer", false, true, 0, 0, 0},
		{"failure after a success", true, true, 0, 0, 0},
	} {
		wait, n := s.nextWait(tc.failed, tc.ever, tc.fails)
		periodic := wait >= lo && wait <= hi
		if n != tc.wantFailCount || (tc.wantWait == 0 && !periodic) || (tc.wantWait != 0 && wait != tc.wantWait) {
			t.Errorf("%s: wait %s, fails %d; want %s (0 = periodic), %d", tc.name, wait, n, tc.wantWait, tc.wantFailCount)
		}
	}
}
