package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// Test addresses: this package owns 127.10.0.0/16 (see internal/speakers).
func addr(host byte) string { return fmt.Sprintf("127.10.0.%d", host) }

func testLogger() *logrus.Logger {
	l := logrus.New()
	l.SetLevel(logrus.WarnLevel)
	if os.Getenv("RSGUARD_TEST_DEBUG") != "" {
		l.SetLevel(logrus.DebugLevel)
	}
	return l
}

// startRS parses a TOML config and starts a route server on it.
func startRS(t testing.TB, toml string, tweak func(*Server)) *Server {
	t.Helper()
	cfg, err := config.Parse([]byte(toml), "test.toml", t.TempDir())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	s := New(cfg, Options{Logger: testLogger()})
	if tweak != nil {
		tweak(s)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

func startSpeaker(t testing.TB, cfg SpeakerConfig) *Speaker {
	t.Helper()
	sp, err := StartSpeaker(context.Background(), cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sp.Stop)
	return sp
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func route(p string, nh string, path ...uint32) filters.Route {
	return filters.Route{Prefix: mustPrefix(p), NextHop: netip.MustParseAddr(nh), ASPath: filters.Seq(path...)}
}

func routestoreKey(p netip.Prefix) routestore.Key { return routestore.Key{Prefix: p} }
