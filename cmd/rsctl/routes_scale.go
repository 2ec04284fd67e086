package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// Route listings at IXP scale: hundreds of thousands of routes, read by
// people and by grep/awk. --limit stops early, --wide (-o wide) prints one
// tab-separated line per route, --summary counts instead of listing.

func addScaleFlags(cmd *cobra.Command, f *routeFlags, rejected bool) {
	fl := cmd.Flags()
	fl.IntVar(&f.limit, "limit", 0, "print at most this many routes (0: all)")
	fl.BoolVar(&f.wide, "wide", false, "one tab-separated line per route, reasons joined (for grep and awk)")
	fl.StringVarP(&f.output, "output", "o", "", `"wide": same as --wide`)
	if rejected {
		fl.BoolVar(&f.summary, "summary", false, "count rejected routes by reason and peer instead of listing them")
		cmd.MarkFlagsMutuallyExclusive("summary", "wide")
		cmd.MarkFlagsMutuallyExclusive("summary", "output")
		cmd.MarkFlagsMutuallyExclusive("summary", "limit")
	}
}

// errLimit ends a listing once --limit routes are printed.
var errLimit = errors.New("limit reached")

// checkRouteFlags refuses filters that cannot match in view, rather than
// print an empty list that looks like "no such routes".
func checkRouteFlags(f *routeFlags, view rsguardv1.RouteView) error {
	switch f.output {
	case "", "table":
	case "wide":
		f.wide = true
	default:
		return usageErrorf("-o %q: want wide", f.output)
	}
	if f.limit < 0 {
		return usageErrorf("--limit %d: must not be negative", f.limit)
	}
	if len(f.reasons) > 0 {
		switch view {
		case rsguardv1.RouteView_ROUTE_VIEW_ACCEPTED:
			return usageErrorf("--reason does not apply to the accepted view: accepted routes failed no check")
		case rsguardv1.RouteView_ROUTE_VIEW_ADVERTISED:
			return usageErrorf("--reason does not apply to the advertised view: only accepted routes are advertised")
		}
	}
	if f.prefix != "" {
		if _, err := netip.ParsePrefix(f.prefix); err != nil {
			return usageErrorf("--prefix %q: not a prefix", f.prefix)
		}
	}
	if f.ip != "" {
		if _, err := netip.ParseAddr(f.ip); err != nil {
			return usageErrorf("--ip %q: not an IP address", f.ip)
		}
	}
	return nil
}

// wideLine is one route on one line: peer, prefix, AS path, next hop,
// RPKI, [learned from,] communities, reason names joined by "," and the evidence
// joined by "; ", separated by tabs (awk -F'\t').
func wideLine(e *rsguardv1.RouteEntry, advertised bool) string {
	r := e.GetRoute()
	cols := []string{e.GetPeer(), r.GetPrefix(), orDash(asPathText(r.GetAsPath())), orDash(r.GetNextHop()), orDash(rpkiWord(e.GetRpkiState()))}
	if advertised {
		cols = append(cols, orDash(e.GetLearnedFrom()))
	}
	cols = append(cols, orDash(communitiesText(r.GetCommunities(), r.GetLargeCommunities())))
	names := make([]string, 0, len(e.GetRejections()))
	evidence := make([]string, 0, len(e.GetRejections()))
	for _, x := range e.GetRejections() {
		names = append(names, reasonName(x))
		evidence = append(evidence, reasonName(x)+": "+strings.ReplaceAll(x.GetDetail(), "\t", " "))
	}
	cols = append(cols, orDash(strings.Join(names, ",")), orDash(strings.Join(evidence, "; ")))
	return strings.Join(cols, "\t")
}

func (a *app) listRoutes(parent context.Context, f routeFlags, view rsguardv1.RouteView) error {
	if err := checkRouteFlags(&f, view); err != nil {
		return err
	}
	req := &rsguardv1.ListRoutesRequest{Peer: f.peer, View: view, Prefix: f.prefix, ContainsAddress: f.ip}
	var err error
	if req.Reasons, err = parseReasons(f.reasons); err != nil {
		return err
	}
	if f.summary {
		return a.rejectedSummary(parent, req)
	}
	advertised := view == rsguardv1.RouteView_ROUTE_VIEW_ADVERTISED
	return a.withConn(parent, callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // a --limit ends the stream early
		stream, err := rsguardv1.NewRouteServiceClient(conn).ListRoutes(ctx, req)
		if err != nil {
			return err
		}
		p := a.printer()
		list := p.list()
		var rows []table.Row
		n := 0
		if f.wide && !p.json {
			h := []string{"PEER", "PREFIX", "AS_PATH", "NEXT_HOP", "RPKI"}
			if advertised {
				h = append(h, "LEARNED_FROM")
			}
			fmt.Fprintln(a.streams.Out, strings.Join(append(h, "COMMUNITIES", "REASONS", "EVIDENCE"), "\t"))
		}
		err = recvEach(stream.Recv, func(m *rsguardv1.ListRoutesResponse) error {
			if f.limit > 0 && n >= f.limit {
				return errLimit
			}
			n++
			e := m.GetRoute()
			switch {
			case p.json:
				list.add(toRouteJSON(e))
			case f.wide:
				_, err := fmt.Fprintln(a.streams.Out, wideLine(e, advertised))
				return err
			default:
				row := table.Row{e.GetPeer(), prefixCell(e.GetRoute()), orDash(asPathText(e.GetRoute().GetAsPath())), orDash(e.GetRoute().GetNextHop()), orDash(rpkiWord(e.GetRpkiState()))}
				if advertised {
					row = append(row, orDash(e.GetLearnedFrom()))
				}
				rows = append(rows, append(row, orDash(communitiesText(e.GetRoute().GetCommunities(), e.GetRoute().GetLargeCommunities())),
					reasonsCell(e.GetRejections())+notesCell(e.GetNotes())))
			}
			return nil
		})
		if err != nil && !errors.Is(err, errLimit) {
			return err
		}
		if p.json {
			return list.close()
		}
		if f.wide {
			return nil
		}
		header := table.Row{"Peer", "Prefix", "AS Path", "Next Hop", "RPKI"}
		if advertised {
			header = append(header, "Learned From")
		}
		p.table(append(header, "Communities", "Reasons"), rows)
		return nil
	})
}

// summaryRow is one line of `rejected --summary`.
type summaryRow struct {
	Reason string `json:"reason"`
	Code   int32  `json:"code"`
	Peer   string `json:"peer"`
	Routes int    `json:"routes"`
}

// rejectedSummary counts rejected routes by reason and peer (a route with
// three reasons counts once under each).
func (a *app) rejectedSummary(parent context.Context, req *rsguardv1.ListRoutesRequest) error {
	return a.withConn(parent, callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
		stream, err := rsguardv1.NewRouteServiceClient(conn).ListRoutes(ctx, req)
		if err != nil {
			return err
		}
		type key struct {
			code int32
			peer string
		}
		counts := map[key]*summaryRow{}
		routes, peers := 0, map[string]int{}
		err = recvEach(stream.Recv, func(m *rsguardv1.ListRoutesResponse) error {
			e := m.GetRoute()
			routes++
			peers[e.GetPeer()]++
			for _, x := range e.GetRejections() {
				k := key{int32(x.GetReason()), e.GetPeer()}
				if counts[k] == nil {
					counts[k] = &summaryRow{Reason: reasonName(x), Code: k.code, Peer: k.peer}
				}
				counts[k].Routes++
			}
			return nil
		})
		if err != nil {
			return err
		}
		out := make([]summaryRow, 0, len(counts))
		for _, r := range counts {
			out = append(out, *r)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Routes != out[j].Routes {
				return out[i].Routes > out[j].Routes
			}
			if out[i].Code != out[j].Code {
				return out[i].Code < out[j].Code
			}
			return out[i].Peer < out[j].Peer
		})
		p := a.printer()
		if p.json {
			return p.object(map[string]any{"rejected_routes": routes, "by_peer": peers, "by_reason_and_peer": out})
		}
		rows := make([]table.Row, 0, len(out))
		for _, r := range out {
			rows = append(rows, table.Row{r.Reason, r.Code, r.Peer, r.Routes})
		}
		p.table(table.Row{"Reason", "Code", "Peer", "Routes"}, rows)
		fmt.Fprintf(a.streams.Out, "%d rejected routes from %d peers (a route with several reasons counts under each)\n", routes, len(peers))
		return nil
	})
}
