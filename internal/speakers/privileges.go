package speakers

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// requirePort179 skips (or fails under RSGUARD_REQUIRE_SPEAKERS=1) when
// this process cannot let its children bind the BGP port: neither root nor
// a lowered net.ipv4.ip_unprivileged_port_start. A BIRD that cannot bind
// would otherwise fail in a way that looks like a bug.
func requirePort179(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err == nil {
		if start, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && start <= 179 {
			return
		}
	}
	skipOrFail(t, "speakers bind TCP port 179: run as root or lower net.ipv4.ip_unprivileged_port_start")
}
