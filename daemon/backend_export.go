package daemon

import (
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routeserver"
)

// explainExports says where an explained route would go. A route the
// import checks reject reaches nobody, whatever its communities say.
func explainExports(rs *routeserver.Server, peer string, r filters.Route, c filters.Communities, v filters.Verdict) ([]filters.ExportTarget, error) {
	ts, err := rs.ExplainExport(peer, r, c)
	ts = rs.GuardExports(c, ts) // accept_blackholes (routeserver/actions.go)
	if err != nil || v.Accepted() {
		return ts, err
	}
	for i := range ts {
		ts[i].Decision = filters.ExportDecision{Rule: "rejected on import"}
	}
	return ts, nil
}
