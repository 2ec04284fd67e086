package main

import rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"

// prefixCell renders a route's prefix, marking blackhole requests (RFC
// 7999) so they stand out among ordinary routes.
func prefixCell(r *rsguardv1.Route) string {
	if r.GetBlackhole() {
		return r.GetPrefix() + " (blackhole)"
	}
	return r.GetPrefix()
}
