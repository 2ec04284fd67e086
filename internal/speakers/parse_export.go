package speakers

import "testing"

// ParseBIRDRoutes parses `birdc show route all` text (without reply codes)
// into routes. Exported for cmd/rsbench, which drives its client BIRDs
// through their control sockets rather than through StartBIRD.
func ParseBIRDRoutes(text string) ([]Route, error) { return parseBIRDRoutes(text) }

// RequirePort179 skips the test (or fails it under
// RSGUARD_REQUIRE_SPEAKERS=1) when child processes cannot bind port 179.
func RequirePort179(t testing.TB) { requirePort179(t) }
