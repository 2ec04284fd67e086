package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestPprofOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "45.0.0.1:0", "localhost:0", "no-port"} {
		if ln, err := servePprof(addr); err == nil {
			ln.Close()
			t.Errorf("servePprof(%q) listened; want a refusal", addr)
		} else if !strings.Contains(err.Error(), envPprofAddr) {
			t.Errorf("servePprof(%q): %v; want the variable named", addr, err)
		}
	}
}

func TestPprofCPUWindow(t *testing.T) {
	ln, err := servePprof("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	get := func(path string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, _ := get("/debug/cpuprofile/stop"); code != http.StatusConflict {
		t.Fatalf("stop before start: %d, want 409", code)
	}
	if code, b := get("/debug/cpuprofile/start"); code != http.StatusOK {
		t.Fatalf("start: %d %s", code, b)
	}
	if code, _ := get("/debug/cpuprofile/start"); code != http.StatusConflict {
		t.Fatalf("second start: %d, want 409", code)
	}
	code, b := get("/debug/cpuprofile/stop")
	// a pprof profile is gzip-compressed protobuf
	if code != http.StatusOK || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("stop: %d, %d bytes; want a gzip profile", code, len(b))
	}
	if code, b := get("/debug/pprof/heap"); code != http.StatusOK || len(b) == 0 {
		t.Fatalf("heap: %d, %d bytes", code, len(b))
	}
}
