package rpki

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

func quietLog() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

type changeLog struct {
	mu      sync.Mutex
	changes []Change
}

func (c *changeLog) add(ch Change) { c.mu.Lock(); c.changes = append(c.changes, ch); c.mu.Unlock() }
func (c *changeLog) last() (Change, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.changes) == 0 {
		return Change{}, 0
	}
	return c.changes[len(c.changes)-1], len(c.changes)
}

const vrpFileA = `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":"AS21001"}]}`
const vrpFileB = `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":21002},{"prefix":"45.1.0.0/16","maxLength":16,"asn":21001}]}`

func writeFile(t *testing.T, path, data string, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func TestManagerFiles(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	writeFile(t, a, vrpFileA, now)
	writeFile(t, b, vrpFileB, now)
	var cl changeLog
	m := NewManager(quietLog(), cl.add)
	m.now = func() time.Time { return now }
	m.Configure(Config{Files: []string{a, b}, StaleAfter: time.Hour})

	want := NewSet([]VRP{vrp("45.0.0.0/16", 24, 21001), vrp("45.0.0.0/16", 24, 21002), vrp("45.1.0.0/16", 16, 21001)})
	if got := m.Table().Set(); !got.Equal(want) {
		t.Fatalf("merged = %v, want %v", got, want)
	}
	ch, n := cl.last()
	if n != 1 || len(ch.Changed) != 3 {
		t.Fatalf("change %d: %v", n, ch.Changed)
	}

	t.Run("a changed file replaces its VRPs and reports only the difference", func(t *testing.T) {
		writeFile(t, a, `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":21001},{"prefix":"45.5.0.0/16","maxLength":16,"asn":21001}]}`, now.Add(time.Second))
		m.Refresh()
		ch, _ := cl.last()
		if !slices.Equal(ch.Changed, []VRP{vrp("45.5.0.0/16", 16, 21001)}) {
			t.Fatalf("changed = %v", ch.Changed)
		}
	})
	t.Run("a corrupt file keeps the last good set and names the file", func(t *testing.T) {
		_, before := cl.last()
		writeFile(t, a, `{"roas":[{"prefix":"45.0.0.0/16","maxLength":`, now.Add(2*time.Second))
		m.Refresh()
		if _, n := cl.last(); n != before {
			t.Fatal("a corrupt file changed the set")
		}
		if !slices.Contains(m.Table().Set(), vrp("45.5.0.0/16", 16, 21001)) {
			t.Fatal("last good VRPs of the corrupt file were dropped")
		}
		st := m.Status()
		if st[0].Error == "" || !strings.Contains(st[0].Error, a) {
			t.Fatalf("status does not name the file: %+v", st[0])
		}
	})
	t.Run("a stale file drops its VRPs", func(t *testing.T) {
		// b was written at now; a's last good content at now+1s.
		now = now.Add(time.Hour + 500*time.Millisecond)
		m.Refresh()
		want := NewSet([]VRP{vrp("45.0.0.0/16", 24, 21001), vrp("45.5.0.0/16", 16, 21001)})
		if got := m.Table().Set(); !got.Equal(want) {
			t.Fatalf("after b turned stale: %v, want %v", got, want)
		}
		now = now.Add(time.Second)
		m.Refresh()
		if got := m.Table().Len(); got != 0 {
			t.Fatalf("after both turned stale: %d VRPs", got)
		}
	})
	t.Run("a reload without the file forgets it", func(t *testing.T) {
		writeFile(t, b, vrpFileB, now)
		m.Configure(Config{Files: []string{b}, StaleAfter: time.Hour})
		if got := m.Table().Len(); got != 2 {
			t.Fatalf("%d VRPs, want b's 2", got)
		}
		m.Configure(Config{})
		if got := m.Table().Len(); got != 0 {
			t.Fatalf("%d VRPs with no sources", got)
		}
	})
}

func TestManagerOctoRPKIPastValidity(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "octo.json")
	if err := os.WriteFile(p, sample(t, "arouteserver-octorpki-validity.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := NewManager(quietLog(), nil)
	m.Configure(Config{Files: []string{p}})
	if n := m.Table().Len(); n != 0 {
		t.Fatalf("a file past metadata.valid contributed %d VRPs", n)
	}
}

func TestManagerSLURM(t *testing.T) {
	dir := t.TempDir()
	f, s := filepath.Join(dir, "vrps.json"), filepath.Join(dir, "slurm.json")
	writeFile(t, f, `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":64496},{"prefix":"45.1.0.0/16","maxLength":24,"asn":21001}]}`, time.Now())
	if err := os.WriteFile(s, sample(t, "stayrtr-slurm.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := NewManager(quietLog(), nil)
	m.Configure(Config{Files: []string{f}, SLURM: s})
	want := NewSet([]VRP{vrp("45.1.0.0/16", 24, 21001), vrp("198.51.100.0/24", 24, 64496), vrp("2001:db8::/32", 48, 64496)})
	if got := m.Table().Set(); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// A corrupt SLURM keeps the last good one.
	writeFile(t, s, `{"slurmVersion":1`, time.Now().Add(time.Second))
	m.Refresh()
	if got := m.Table().Set(); !got.Equal(want) {
		t.Fatalf("after a corrupt SLURM: %v", got)
	}
}

func TestManagerRTRStaleness(t *testing.T) {
	srv := NewServer()
	set := NewSet([]VRP{vrp("45.0.0.0/16", 24, 21001)})
	srv.Update(set)
	l := listen(t)
	go srv.Serve(l)
	var cl changeLog
	m := NewManager(quietLog(), cl.add)
	var mu sync.Mutex
	now := time.Now()
	m.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m.Configure(Config{RTR: []string{l.Addr().String()}, StaleAfter: time.Minute, Poll: 20 * time.Millisecond})
	m.Start(ctx)
	waitFor(t, "the cache's VRPs", func() bool { return m.Table().Set().Equal(set) })
	srv.Close()
	waitFor(t, "the client to notice", func() bool { _, st := m.clients[l.Addr().String()].c.Snapshot(); return !st.Connected })
	m.Refresh()
	if m.Table().Len() != 1 {
		t.Fatal("VRPs dropped before stale_after")
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	waitFor(t, "the stale cache's VRPs to go", func() bool { return m.Table().Len() == 0 })
}
