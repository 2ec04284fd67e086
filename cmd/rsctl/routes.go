package main

import (
	"fmt"
	"strings"

	"github.com/rsguard/rsguard/apiconv"
	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
)

// reasonJSON is one failing check: the stable code, its name and evidence.
type reasonJSON struct {
	Code   int32  `json:"code"`
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

func toReasonsJSON(rs []*rsguardv1.Rejection) []reasonJSON {
	out := make([]reasonJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, reasonJSON{Code: int32(r.GetReason()), Name: reasonName(r), Detail: r.GetDetail()})
	}
	return out
}

// reasonName prefers the server's name, so reasons newer than this rsctl
// still print.
func reasonName(r *rsguardv1.Rejection) string {
	if r.GetName() != "" {
		return r.GetName()
	}
	return filters.Reason(r.GetReason()).Name()
}

// reasonsCell renders reasons one per line: "bogon_prefix (2): inside 10.0.0.0/8".
// notesCell shows the checks a peer's config turned off after the reasons.
func notesCell(ns []*rsguardv1.Rejection) string {
	var out strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&out, "\nnote: %s (%d): %s", reasonName(n), int32(n.GetReason()), n.GetDetail())
	}
	return out.String()
}

func reasonsCell(rs []*rsguardv1.Rejection) string {
	if len(rs) == 0 {
		return "-"
	}
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		l := fmt.Sprintf("%s (%d)", reasonName(r), int32(r.GetReason()))
		if r.GetDetail() != "" {
			l += ": " + r.GetDetail()
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// asPathText renders an AS path the way BIRD and GoBGP print it.
func asPathText(p *rsguardv1.AsPath) string {
	path, err := apiconv.ASPathFromProto(p)
	if err != nil {
		return "?"
	}
	return path.String()
}

// routeJSON is the stable --json form of a route.
type routeJSON struct {
	Peer       string       `json:"peer"`
	Prefix     string       `json:"prefix"`
	ASPath     string       `json:"as_path"`
	NextHop    string       `json:"next_hop"`
	Reasons    []reasonJSON `json:"reasons"`
	ReceivedAt *string      `json:"received_at"`
	// RPKI is "valid", "invalid" or "not-found"; null when RPKI is off.
	RPKI *string `json:"rpki"`
	// Notes: failing checks the peer's config turned off (not enforced).
	Notes []reasonJSON `json:"notes"`
	// Communities as received (advertised view: as sent).
	Communities      []string `json:"communities"`
	LargeCommunities []string `json:"large_communities"`
	Blackhole        bool     `json:"blackhole"` // carries BLACKHOLE (65535:666)
	// LearnedFrom: the advertised view only, the peer the route came from.
	LearnedFrom string `json:"learned_from,omitempty"`
}

func toRouteJSON(e *rsguardv1.RouteEntry) routeJSON {
	out := routeJSON{
		Peer: e.GetPeer(), Prefix: e.GetRoute().GetPrefix(), ASPath: asPathText(e.GetRoute().GetAsPath()),
		NextHop: e.GetRoute().GetNextHop(), Reasons: toReasonsJSON(e.GetRejections()),
		Notes:       toReasonsJSON(e.GetNotes()),
		Communities: nonNilStrings(e.GetRoute().GetCommunities()), LargeCommunities: nonNilStrings(e.GetRoute().GetLargeCommunities()),
		Blackhole:   e.GetRoute().GetBlackhole(),
		LearnedFrom: e.GetLearnedFrom(),
	}
	if e.ReceivedAt != nil {
		out.ReceivedAt = jsonTime(e.GetReceivedAt().AsTime())
	}
	if s := rpkiWord(e.GetRpkiState()); s != "" {
		out.RPKI = &s
	}
	return out
}

// parseReasons reads --reason values: names ("bogon_prefix") or codes ("2").
func parseReasons(names []string) ([]rsguardv1.RejectReason, error) {
	var out []rsguardv1.RejectReason
	for _, n := range names {
		r, ok := filters.ReasonByName(strings.ToLower(strings.TrimSpace(n)))
		if !ok {
			var valid []string
			for _, r := range filters.AllReasons() {
				valid = append(valid, r.Name())
			}
			return nil, usageErrorf("--reason %q: unknown; valid: %s", n, strings.Join(valid, ", "))
		}
		out = append(out, apiconv.ReasonToProto(r))
	}
	return out, nil
}

var viewByName = map[string]rsguardv1.RouteView{
	"received":   rsguardv1.RouteView_ROUTE_VIEW_RECEIVED,
	"accepted":   rsguardv1.RouteView_ROUTE_VIEW_ACCEPTED,
	"rejected":   rsguardv1.RouteView_ROUTE_VIEW_REJECTED,
	"advertised": rsguardv1.RouteView_ROUTE_VIEW_ADVERTISED,
}

type routeFlags struct {
	peer, view, prefix, ip string
	reasons                []string
	history                string // routes --history PREFIX (history.go)
	limit                  int    // at most this many routes (routes_scale.go)
	wide                   bool   // one line per route
	output                 string // -o wide
	summary                bool   // rejected --summary: counts by reason and peer
}

func (a *app) routesCmd() *cobra.Command {
	var f routeFlags
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "List a peer's routes: received, accepted, rejected or advertised",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if f.history != "" {
				return a.routeHistory(cmd.Context(), f.history, f.peer)
			}
			if f.peer == "" {
				return usageErrorf(`required flag(s) "peer" not set`) // as cobra says it; --history needs none
			}
			view, ok := viewByName[strings.ToLower(f.view)]
			if !ok {
				return usageErrorf("--view %q: want received, accepted, rejected or advertised", f.view)
			}
			return a.listRoutes(cmd.Context(), f, view)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.peer, "peer", "", "peer name (required, except with --history)")
	fl.StringVar(&f.history, "history", "", "show the last verdict changes of this prefix and their causes")
	fl.StringVar(&f.view, "view", "received", "received|accepted|rejected|advertised")
	fl.StringVar(&f.prefix, "prefix", "", "only this exact prefix")
	fl.StringVar(&f.ip, "ip", "", "only prefixes containing this IP address")
	fl.StringSliceVar(&f.reasons, "reason", nil, "only routes rejected for this reason (name or code; repeatable)")
	cmd.MarkFlagsMutuallyExclusive("prefix", "ip")
	addScaleFlags(cmd, &f, false)
	for _, other := range []string{"view", "prefix", "ip", "reason", "limit", "wide", "output"} {
		cmd.MarkFlagsMutuallyExclusive("history", other)
	}
	return cmd
}

func (a *app) rejectedCmd() *cobra.Command {
	var f routeFlags
	cmd := &cobra.Command{
		Use:   "rejected",
		Short: "List rejected routes with every reason, of one peer or all",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return a.listRoutes(cmd.Context(), f, rsguardv1.RouteView_ROUTE_VIEW_REJECTED)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.peer, "peer", "", "only this peer")
	fl.StringSliceVar(&f.reasons, "reason", nil, "only this reason (name or code; repeatable)")
	fl.StringVar(&f.prefix, "prefix", "", "only this exact prefix")
	fl.StringVar(&f.ip, "ip", "", "only prefixes containing this IP address")
	cmd.MarkFlagsMutuallyExclusive("prefix", "ip")
	addScaleFlags(cmd, &f, true)
	return cmd
}
