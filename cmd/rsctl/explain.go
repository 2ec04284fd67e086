package main

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/rsguard/rsguard/apiconv"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// explainJSON is the stable --json form of a verdict.
type explainJSON struct {
	Peer    string       `json:"peer"`
	Prefix  string       `json:"prefix"`
	ASPath  string       `json:"as_path"`
	NextHop string       `json:"next_hop"`
	Verdict string       `json:"verdict"` // "accept" or "reject"
	Reasons []reasonJSON `json:"reasons"`
	RPKI    *string      `json:"rpki"` // null when RPKI is off
	// Notes: checks the peer's config turned off, with what they found.
	Notes []reasonJSON `json:"notes"`
	// explain_export.go
	Communities      []string     `json:"communities"`
	LargeCommunities []string     `json:"large_communities"`
	Exports          []exportJSON `json:"exports"`
}

func (a *app) explainCmd() *cobra.Command {
	var peer, asPath, nextHop string
	var comms communityFlags
	cmd := &cobra.Command{
		Use:   "explain PREFIX",
		Short: "Run every import check on a route and show all failing reasons",
		Long: "explain evaluates PREFIX as if --peer had announced it. Without --as-path and\n" +
			"--next-hop it uses what the peer actually sent for that prefix, or for a\n" +
			"hypothetical route the peer's ASN and address. --community and\n" +
			"--large-community test announcement-control communities (the peer's own\n" +
			"communities for the prefix when neither is given); the table shows which\n" +
			"peers would get the route and how. The verdict does not change\n" +
			"the exit status: 0 for accept and reject alike.",
		Example: `  rsctl explain 45.0.0.0/24 --peer ix-a --as-path "21001 21002" --next-hop 45.255.0.1
  rsctl explain 45.0.0.0/24 --peer ix-a --community 0:21002 --large-community 21000:101:0`,
		Args: cobra.ExactArgs(1),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if _, err := netip.ParsePrefix(args[0]); err != nil {
				return usageErrorf("%q: not a prefix", args[0])
			}
			req := &rsguardv1.ExplainRouteRequest{Peer: peer, Prefix: args[0], NextHop: nextHop}
			if cmd.Flags().Changed("as-path") {
				path, err := apiconv.ParseASPath(asPath)
				if err != nil {
					return usageErrorf("--as-path: %v", err)
				}
				req.AsPath = apiconv.ASPathToProto(path)
			}
			if err := comms.apply(req); err != nil {
				return err
			}
			if nextHop != "" {
				if _, err := netip.ParseAddr(nextHop); err != nil {
					return usageErrorf("--next-hop %q: not an IP address", nextHop)
				}
			}
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				resp, err := rsguardv1.NewRouteServiceClient(conn).ExplainRoute(ctx, req)
				if err != nil {
					return err
				}
				return a.printExplain(resp)
			})
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&peer, "peer", "", "peer the route comes from (required)")
	fl.StringVar(&asPath, "as-path", "", `AS path, e.g. "21001 21002" or "21001 {21003,21004}"`)
	fl.StringVar(&nextHop, "next-hop", "", "next hop address")
	comms.register(fl)
	_ = cmd.MarkFlagRequired("peer") // cannot fail: the flag exists
	return cmd
}

func verdictWord(v rsguardv1.Verdict) string {
	if v == rsguardv1.Verdict_VERDICT_ACCEPT {
		return "accept"
	}
	return "reject"
}

func (a *app) printExplain(resp *rsguardv1.ExplainRouteResponse) error {
	r := resp.GetRoute()
	st := rpkiWord(resp.GetRpkiState())
	if a.json {
		out := explainJSON{
			Peer: resp.GetPeer(), Prefix: r.GetPrefix(), ASPath: asPathText(r.GetAsPath()), NextHop: r.GetNextHop(),
			Verdict: verdictWord(resp.GetVerdict()), Reasons: toReasonsJSON(resp.GetRejections()),
			Notes:       toReasonsJSON(resp.GetNotes()),
			Communities: nonNilStrings(r.GetCommunities()), LargeCommunities: nonNilStrings(r.GetLargeCommunities()),
			Exports: toExportsJSON(resp.GetExports()),
		}
		if st != "" {
			out.RPKI = &st
		}
		return a.printer().object(out)
	}
	w := a.streams.Out
	fmt.Fprintf(w, "verdict:   %s\n", verdictWord(resp.GetVerdict()))
	fmt.Fprintf(w, "route:     %s from %s\n", r.GetPrefix(), resp.GetPeer())
	fmt.Fprintf(w, "as path:   %s\n", orDash(asPathText(r.GetAsPath())))
	fmt.Fprintf(w, "next hop:  %s\n", orDash(r.GetNextHop()))
	if st != "" {
		fmt.Fprintf(w, "rpki:      %s\n", st)
	}
	for _, n := range resp.GetNotes() {
		fmt.Fprintf(w, "note:      %s (%d): %s\n", reasonName(n), int32(n.GetReason()), n.GetDetail())
	}
	fmt.Fprintf(w, "communities: %s\n", orDash(communitiesText(r.GetCommunities(), r.GetLargeCommunities())))
	defer a.printExports(resp.GetExports())
	if len(resp.GetRejections()) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	rows := make([]table.Row, 0, len(resp.GetRejections()))
	for _, x := range resp.GetRejections() {
		rows = append(rows, table.Row{int32(x.GetReason()), reasonName(x), orDash(x.GetDetail())})
	}
	a.printer().table(table.Row{"Code", "Reason", "Detail"}, rows)
	return nil
}
