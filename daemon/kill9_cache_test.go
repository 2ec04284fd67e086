package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/rsguard/rsguard/irr"
	"golang.org/x/sys/unix"
)

const (
	kill9Peers    = 6
	kill9Prefixes = 4000 // per peer: caches of ~150 KB, so a write takes a moment
)

// kill9Prefix is the j-th /24 of peer i in generation gen (0 or 1): the
// even /24s in gen 0, the odd ones in gen 1, so no two adjacent /24s
// aggregate, the counts of both generations are equal (the safety brake
// lets either replace the other) and a cache tells which one it holds.
func kill9Prefix(i, j, gen int) string {
	return fmt.Sprintf("45.%d.%d.0/24", 16+i*32+j/128, 2*(j%128)+gen)
}

func writeKill9RPSL(t *testing.T, path string, gen int) {
	var b strings.Builder
	for i := range kill9Peers {
		fmt.Fprintf(&b, "as-set: AS-KILL%d\nmembers: AS%d\nmnt-by: TEST-MNT\nsource: TEST\n\n", i, 21101+i)
		for j := range kill9Prefixes {
			fmt.Fprintf(&b, "route: %s\norigin: AS%d\nmnt-by: TEST-MNT\nsource: TEST\n\n", kill9Prefix(i, j, gen), 21101+i)
		}
	}
	tmp := path + ".new" // the dump itself is replaced atomically, as an operator's cron job should
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func kill9Config(dir, irrSection string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n[irr]\n%s\n", daemonHeader(fa(1), dir), irrSection)
	for i := range kill9Peers {
		fmt.Fprintf(&b, "\n[[peers]]\nname = \"p%d\"\naddress = %q\nasn = %d\nas_set = \"AS-KILL%d\"\n", i, fa(byte(20+i)), 21101+i, i)
	}
	return b.String()
}

// checkCaches loads every peer's cache the way the daemon does at start:
// each must be whole and hold exactly one generation's data. It returns
// the generation per peer (-1: no cache yet) and the temporary files left
// in the directory.
func checkCaches(t *testing.T, dir string) (gens []int, temps []string) {
	t.Helper()
	c := irr.Cache{Dir: dir}
	for i := range kill9Peers {
		res, err := c.Load(fmt.Sprintf("p%d", i))
		if errors.Is(err, irr.ErrNotCached) {
			gens = append(gens, -1)
			continue
		}
		if err != nil {
			t.Fatalf("cache of p%d after kill -9 is not whole: %v", i, err)
		}
		if len(res.IPv4) != kill9Prefixes || res.Target != fmt.Sprintf("AS-KILL%d", i) {
			t.Fatalf("cache of p%d: %s with %d IPv4 entries, want AS-KILL%d with %d", i, res.Target, len(res.IPv4), i, kill9Prefixes)
		}
		gen := -1
		for g := range 2 {
			if res.IPv4[0].Prefix.String() == kill9Prefix(i, 0, g) && res.IPv4[len(res.IPv4)-1].Prefix.String() == kill9Prefix(i, kill9Prefixes-1, g) {
				gen = g
			}
		}
		if gen < 0 {
			t.Fatalf("cache of p%d holds neither generation: %s … %s", i, res.IPv4[0].Prefix, res.IPv4[len(res.IPv4)-1].Prefix)
		}
		gens = append(gens, gen)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			temps = append(temps, e.Name())
		}
	}
	return gens, temps
}

// TestKill9DuringIRRCacheWrites runs the real `rsguard run` binary with
// an [irr] dump and SIGKILLs it the moment a cache write is seen under
// way (a temporary file in <state_dir>/irr), several times, switching the
// dump between two generations of data so every refresh rewrites every
// cache. After each kill every cache must load whole and hold one
// generation. Then the daemon starts with the registry unreachable and
// must put the cached filters in force.
func TestKill9DuringIRRCacheWrites(t *testing.T) {
	dir := t.TempDir()
	cfg, socket, dump := filepath.Join(dir, "rsguard.toml"), filepath.Join(dir, "rsguard.sock"), filepath.Join(dir, "irr.rpsl")
	cacheDir := filepath.Join(dir, "state", "irr")
	os.WriteFile(cfg, []byte(kill9Config(dir, fmt.Sprintf("files = [%q]", dump))), 0o600)
	if err := os.MkdirAll(cacheDir, 0o755); err != nil { // to be watched before the first start
		t.Fatal(err)
	}

	const rounds = 6
	caughtMidWrite := 0
	for round := range rounds {
		writeKill9RPSL(t, dump, round%2)
		creates := watchCreates(t, cacheDir)
		p := launchRsguard(t, cfg)
		// Kill during the n-th write of this run, n = 1..3, so some
		// caches have been replaced before the kill and some not. The
		// kernel reports every temporary file created (inotify), so no
		// write goes unseen; the kill lands a moment after the create,
		// which may be after the rename of a quick write (such a round
		// leaves no temporary file and does not count as caught).
		n := round%3 + 1
		var writes []string
		seen := ""
		timeout := time.After(60 * time.Second)
		for seen == "" {
			select {
			case name := <-creates:
				if strings.HasPrefix(name, ".tmp-") {
					writes = append(writes, name)
					if len(writes) == n {
						seen = name
					}
				}
			case <-p.exited:
				t.Fatalf("round %d: rsguard exited: %v\n%s", round, p.err, p.logs.String())
			case <-timeout:
				t.Fatalf("round %d: %d of %d cache writes seen in 60s\n%s", round, len(writes), n, p.logs.String())
			}
		}
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.kill(t)
		if len(writes) == 0 {
			t.Fatalf("round %d: no cache write seen in 20s\n%s", round, p.logs.String())
		}
		gens, temps := checkCaches(t, cacheDir)
		if len(temps) > 0 {
			caughtMidWrite++
		}
		t.Logf("round %d: killed on seeing write %d, %s; caches hold generations %v; left in the directory: %v", round, n, seen, gens, temps)
	}
	t.Logf("%d of %d kills left a temporary file behind (killed between create and rename)", caughtMidWrite, rounds)
	if caughtMidWrite < rounds/2 {
		t.Fatalf("only %d of %d kills landed during a cache write: the test did not test much", caughtMidWrite, rounds)
	}

	// One clean run so every peer has a cache of the last generation.
	last := rounds % 2
	writeKill9RPSL(t, dump, last)
	p := runRsguard(t, cfg, socket)
	deadline := time.Now().Add(60 * time.Second)
	for {
		gens, _ := checkCaches(t, cacheDir)
		if !slices.ContainsFunc(gens, func(g int) bool { return g != last }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60s the caches hold generations %v, want all %d\n%s", gens, last, p.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.cmd.Process.Signal(syscall.SIGTERM) // a clean stop: any temporary file left is a stale one
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("rsguard did not stop on SIGTERM")
	}
	if _, temps := checkCaches(t, cacheDir); len(temps) > 0 {
		t.Errorf("a start left stale temporary files in the cache directory: %v", temps)
	}

	// Registry unreachable (a whois server nobody listens on): the cached
	// filters are put in force at start and stay in force.
	os.WriteFile(cfg, []byte(kill9Config(dir, fmt.Sprintf("servers = [%q]\nquery_timeout = \"2s\"", fa(250)+":4343"))), 0o600)
	p = runRsguard(t, cfg, socket)
	e := &e2e{t: t, socket: socket}
	st := irrStatusOf(e)
	deadline = time.Now().Add(30 * time.Second)
	for !allFailed(st) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		st = irrStatusOf(e)
	}
	for _, s := range st {
		if s.IPv4 != kill9Prefixes || s.LastError == "" {
			t.Errorf("registry down, %s: %d IPv4 entries in force (want the cached %d), last error %q", s.Peer, s.IPv4, kill9Prefixes, s.LastError)
		}
	}
	t.Logf("registry down: %s in force with %d IPv4 entries, error %q", st[0].Peer, st[0].IPv4, st[0].LastError)
	var v struct {
		Verdict string `json:"verdict"`
	}
	e.json(&v, "explain", kill9Prefix(0, 7, last), "--peer", "p0")
	if v.Verdict != "accept" {
		t.Errorf("explain %s from p0 with the cached filter: %q, want accept", kill9Prefix(0, 7, last), v.Verdict)
	}
}

// watchCreates reports the name of every file created in dir until the
// test ends (inotify: the kernel queues each event, so none is missed).
func watchCreates(t *testing.T, dir string) <-chan string {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "inotify") // non-blocking: Close ends a pending Read
	out := make(chan string, 1024)
	done := make(chan struct{})
	t.Cleanup(func() { f.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			n, err := f.Read(buf)
			if err != nil || n <= 0 {
				return // closed at cleanup
			}
			for off := 0; off+unix.SizeofInotifyEvent <= n; {
				ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
				name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
				select {
				case out <- strings.TrimRight(string(name), "\x00"):
				default: // nobody listening any more
				}
				off += unix.SizeofInotifyEvent + int(ev.Len)
			}
		}
	}()
	return out
}

type irrStatusJSON struct {
	Peer      string `json:"peer"`
	IPv4      int    `json:"ipv4_prefixes"`
	LastError string `json:"last_error"`
	Refresh   string `json:"last_refresh"`
}

func irrStatusOf(e *e2e) []irrStatusJSON {
	var st []irrStatusJSON
	e.json(&st, "irr", "status")
	if len(st) != kill9Peers {
		e.t.Fatalf("irr status: %+v", st)
	}
	return st
}

func allFailed(st []irrStatusJSON) bool {
	for _, s := range st {
		if s.LastError == "" {
			return false
		}
	}
	return true
}
