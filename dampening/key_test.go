package dampening

import (
	"net/netip"
	"testing"
	"unsafe"
)

func TestRouteKeyRoundTrip(t *testing.T) {
	tests := []struct {
		in, want string
		pathID   uint32
	}{
		{"45.0.0.0/24", "45.0.0.0/24", 0},
		{"45.0.0.1/24", "45.0.0.0/24", 0}, // masked
		{"0.0.0.0/0", "0.0.0.0/0", 7},
		{"45.1.2.3/32", "45.1.2.3/32", 1 << 31},
		{"2a0a::/16", "2a0a::/16", 0},
		{"2a0a:1:2::1/128", "2a0a:1:2::1/128", 3},
		{"::ffff:45.0.0.0/120", "::ffff:45.0.0.0/120", 0}, // stays IPv6
		{"::/0", "::/0", 0},
	}
	for _, tt := range tests {
		rk, ok := makeRouteKey(netip.MustParsePrefix(tt.in), tt.pathID)
		if !ok {
			t.Fatalf("makeRouteKey(%s): not ok", tt.in)
		}
		if got := rk.prefix(); got != netip.MustParsePrefix(tt.want) {
			t.Errorf("round trip %s = %s, want %s", tt.in, got, tt.want)
		}
		if rk.pathID != tt.pathID {
			t.Errorf("path id %d, want %d", rk.pathID, tt.pathID)
		}
	}
	v4, _ := makeRouteKey(netip.MustParsePrefix("45.0.0.0/24"), 0)
	mapped, _ := makeRouteKey(netip.MustParsePrefix("::ffff:45.0.0.0/120"), 0)
	if v4 == mapped {
		t.Error("IPv4 and IPv4-mapped IPv6 prefixes share a key")
	}
	if _, ok := makeRouteKey(netip.Prefix{}, 0); ok {
		t.Error("invalid prefix accepted")
	}
}

// TestStateSizes pins the per-route footprint the memory benchmark depends on.
func TestStateSizes(t *testing.T) {
	if s := unsafe.Sizeof(routeKey{}); s != 24 {
		t.Errorf("routeKey is %d bytes, want 24", s)
	}
	if s := unsafe.Sizeof(route{}); s != 24 {
		t.Errorf("route is %d bytes, want 24", s)
	}
}

func TestInvalidPrefixIgnored(t *testing.T) {
	e := mustNew(t, DefaultParams())
	k := Key{Peer: "p"}
	if tr := announce(e, k, 1, base); tr.Kind != TransitionNone {
		t.Errorf("Announce invalid: %v", tr.Kind)
	}
	withdraw(e, k, base)
	if _, ok := e.State(k, base); ok {
		t.Error("state kept for invalid prefix")
	}
	if e.Clear(k) {
		t.Error("Clear(invalid) = true")
	}
}
