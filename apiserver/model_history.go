package apiserver

import (
	"context"
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// VerdictChange is one route moving between accepted and rejected, with
// what caused it ("reload", "irr refresh AS-FOO", "rpki vrp change",
// "dampening", "max-prefix", "announcement" …).
type VerdictChange struct {
	Time     time.Time
	Peer     string
	Route    filters.Route
	PathID   uint32
	Old, New filters.Verdict
	Cause    string
}

// VerdictSummary is what one cause did to one peer's verdicts at once.
type VerdictSummary struct {
	Cause                                  string
	AcceptedToRejected, RejectedToAccepted uint64
	OmittedRouteEvents                     uint64
	Text                                   string
}

// HistoryBackend serves RouteService.RouteHistory. It is separate from
// RouteBackend so a backend without a history still serves the rest;
// RouteHistory then answers Unimplemented.
type HistoryBackend interface {
	// RouteHistory returns the last verdict changes of prefix, of one peer
	// when peer is not "", newest first.
	RouteHistory(ctx context.Context, prefix netip.Prefix, peer string) ([]VerdictChange, error)
}
