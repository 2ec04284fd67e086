package apiservertest

import (
	"context"
	"net/netip"
	"slices"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/filters"
)

var _ apiserver.HistoryBackend = (*MemBackend)(nil)

// memHistory is the fixture's verdict history: ix-a's 45.1.0.0/24 was
// rejected by a reload and accepted again by an IRR refresh.
func memHistory() []apiserver.VerdictChange {
	r := filters.Route{Prefix: netip.MustParsePrefix("45.1.0.0/24"), ASPath: filters.Seq(21001, 21003), NextHop: netip.MustParseAddr("45.255.0.1")}
	notReg := filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered, Detail: "not covered by any of the peer's 12 allowed prefixes"}}}
	return []apiserver.VerdictChange{
		{Time: Epoch.Add(-5 * 60e9), Peer: "ix-a", Route: r, Old: notReg, New: filters.Verdict{}, Cause: "irr refresh AS-ALPHA"},
		{Time: Epoch.Add(-30 * 60e9), Peer: "ix-a", Route: r, Old: filters.Verdict{}, New: notReg, Cause: "reload"},
	}
}

// RouteHistory returns the fixture's changes of prefix, newest first.
func (b *MemBackend) RouteHistory(_ context.Context, prefix netip.Prefix, peer string) ([]apiserver.VerdictChange, error) {
	var out []apiserver.VerdictChange
	for _, c := range memHistory() {
		if c.Route.Prefix == prefix.Masked() && (peer == "" || c.Peer == peer) {
			out = append(out, c)
		}
	}
	return slices.Clip(out), nil
}
