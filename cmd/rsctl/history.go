package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
)

// verdictChangeJSON is one verdict change, in `routes --history --json`
// and in `events --json`.
type verdictChangeJSON struct {
	Time       *string      `json:"time"`
	Peer       string       `json:"peer"`
	Prefix     string       `json:"prefix"`
	PathID     uint32       `json:"path_id"`
	ASPath     string       `json:"as_path"`
	OldVerdict string       `json:"old_verdict"` // "accept" or "reject"
	NewVerdict string       `json:"new_verdict"`
	OldReasons []reasonJSON `json:"old_reasons"`
	NewReasons []reasonJSON `json:"new_reasons"`
	Cause      string       `json:"cause"`
}

type verdictSummaryJSON struct {
	Cause              string `json:"cause"`
	AcceptedToRejected uint64 `json:"accepted_to_rejected"`
	RejectedToAccepted uint64 `json:"rejected_to_accepted"`
	OmittedRouteEvents uint64 `json:"omitted_route_events"`
	Text               string `json:"text"`
}

func toVerdictChangeJSON(c *rsguardv1.VerdictChange) verdictChangeJSON {
	out := verdictChangeJSON{Peer: c.GetPeer(), Prefix: c.GetRoute().GetPrefix(), PathID: c.GetPathId(),
		ASPath: asPathText(c.GetRoute().GetAsPath()), OldVerdict: verdictWord(c.GetOldVerdict()), NewVerdict: verdictWord(c.GetNewVerdict()),
		OldReasons: toReasonsJSON(c.GetOldRejections()), NewReasons: toReasonsJSON(c.GetNewRejections()), Cause: c.GetCause()}
	if c.Time != nil {
		out.Time = jsonTime(c.GetTime().AsTime())
	}
	return out
}

func toVerdictSummaryJSON(s *rsguardv1.VerdictSummary) *verdictSummaryJSON {
	return &verdictSummaryJSON{Cause: s.GetCause(), AcceptedToRejected: s.GetAcceptedToRejected(),
		RejectedToAccepted: s.GetRejectedToAccepted(), OmittedRouteEvents: s.GetOmittedRouteEvents(), Text: s.GetText()}
}

// reasonWords joins reason names: "bogon_asn,prefix_not_registered".
func reasonWords(rs []reasonJSON) string {
	names := make([]string, 0, len(rs))
	for _, r := range rs {
		names = append(names, r.Name)
	}
	return strings.Join(names, ",")
}

// changeText is "accepted→rejected (prefix_not_registered) by reload".
func changeText(c verdictChangeJSON) string {
	if c.NewVerdict == "reject" {
		return fmt.Sprintf("accepted→rejected (%s) by %s", reasonWords(c.NewReasons), c.Cause)
	}
	return fmt.Sprintf("rejected→accepted (was %s) by %s", reasonWords(c.OldReasons), c.Cause)
}

// routeHistory prints a prefix's last verdict changes.
func (a *app) routeHistory(parent context.Context, prefix, peer string) error {
	if _, err := netip.ParsePrefix(prefix); err != nil {
		return usageErrorf("--history %q: not a prefix", prefix)
	}
	return a.withConn(parent, callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
		resp, err := rsguardv1.NewRouteServiceClient(conn).RouteHistory(ctx, &rsguardv1.RouteHistoryRequest{Prefix: prefix, Peer: peer})
		if err != nil {
			return err
		}
		p := a.printer()
		if p.json {
			list := p.list()
			for _, c := range resp.GetChanges() {
				list.add(toVerdictChangeJSON(c))
			}
			return list.close()
		}
		if len(resp.GetChanges()) == 0 {
			fmt.Fprintf(a.streams.Out, "no verdict change of %s remembered\n", prefix)
			return nil
		}
		rows := make([]table.Row, 0, len(resp.GetChanges()))
		for _, c := range resp.GetChanges() {
			j := toVerdictChangeJSON(c)
			rows = append(rows, table.Row{humanTime(c.GetTime().AsTime()), j.Peer, j.Prefix, orDash(j.ASPath),
				j.OldVerdict + "→" + j.NewVerdict, j.Cause, orDash(reasonsCell(c.GetNewRejections()))})
		}
		p.table(table.Row{"Time", "Peer", "Prefix", "AS Path", "Change", "Cause", "Reasons now"}, rows)
		return nil
	})
}
