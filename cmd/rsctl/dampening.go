package main

import (
	"context"
	"fmt"
	"math"
	"net/netip"

	"github.com/jedib0t/go-pretty/v6/table"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// dampenedJSON is the stable --json form of one route's damping state.
type dampenedJSON struct {
	Peer            string  `json:"peer"`
	Prefix          string  `json:"prefix"`
	PathID          uint32  `json:"path_id"`
	Penalty         float64 `json:"penalty"`
	Suppressed      bool    `json:"suppressed"`
	WouldSuppress   bool    `json:"would_suppress"`
	SuppressedSince *string `json:"suppressed_since"`
	ReuseAt         *string `json:"reuse_at"`
	Flaps           uint32  `json:"flaps"`
}

func toDampenedJSON(d *rsguardv1.DampenedRoute) dampenedJSON {
	out := dampenedJSON{Peer: d.GetPeer(), Prefix: d.GetPrefix(), PathID: d.GetPathId(), Penalty: d.GetPenalty(),
		Suppressed: d.GetSuppressed(), WouldSuppress: d.GetWouldSuppress(), Flaps: d.GetFlaps()}
	if d.SuppressedSince != nil {
		out.SuppressedSince = jsonTime(d.GetSuppressedSince().AsTime())
	}
	if d.ReuseAt != nil {
		out.ReuseAt = jsonTime(d.GetReuseAt().AsTime())
	}
	return out
}

func dampingStateCell(d *rsguardv1.DampenedRoute) string {
	switch {
	case d.GetSuppressed():
		return "suppressed"
	case d.GetWouldSuppress():
		return "would suppress"
	}
	return "-"
}

func (a *app) dampenedCmd() *cobra.Command {
	var peer string
	var stateOnly bool
	cmd := &cobra.Command{
		Use:   "dampened",
		Short: "List routes with flap-damping state (penalty, suppression, reuse time)",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				if stateOnly {
					return a.printDampeningState(ctx, conn)
				}
				stream, err := rsguardv1.NewDampeningServiceClient(conn).ListDampened(ctx, &rsguardv1.ListDampenedRequest{Peer: peer})
				if err != nil {
					return err
				}
				p := a.printer()
				list := p.list()
				var rows []table.Row
				err = recvEach(stream.Recv, func(m *rsguardv1.ListDampenedResponse) error {
					d := m.GetRoute()
					if p.json {
						list.add(toDampenedJSON(d))
						return nil
					}
					var since, reuse string
					if d.SuppressedSince != nil {
						since = humanTime(d.GetSuppressedSince().AsTime())
					}
					if d.ReuseAt != nil {
						reuse = humanTime(d.GetReuseAt().AsTime())
					}
					rows = append(rows, table.Row{d.GetPeer(), d.GetPrefix(), d.GetPathId(), int64(math.Round(d.GetPenalty())),
						dampingStateCell(d), orDash(since), orDash(reuse), d.GetFlaps()})
					return nil
				})
				if err != nil {
					return err
				}
				if p.json {
					return list.close()
				}
				// What a restart restored, and lost, qualifies every row.
				if st, err := dampeningState(ctx, conn); err == nil && st != nil {
					fmt.Fprintf(p.out, "State: %s\n", st.GetStatus())
				}
				p.table(table.Row{"Peer", "Prefix", "Path ID", "Penalty", "State", "Since", "Reuse At", "Flaps"}, rows)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&peer, "peer", "", "only this peer")
	cmd.Flags().BoolVar(&stateOnly, "state", false, "only how the state was restored at start, and what was lost")
	return cmd
}

// dampeningCmd groups damping actions; listing is the top-level "dampened".
func (a *app) dampeningCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dampening",
		Short: "Change flap-damping state",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return usageErrorf("dampening: missing subcommand (clear)") },
	}
	cmd.AddCommand(a.dampeningClearCmd())
	return cmd
}

type clearJSON struct {
	Peer    string `json:"peer"`
	Prefix  string `json:"prefix"`
	Cleared uint32 `json:"cleared"`
}

func (a *app) dampeningClearCmd() *cobra.Command {
	var peer, prefix string
	cmd := &cobra.Command{
		Use:   "clear",
		Short: "Forget the damping state of a peer's routes (all, or one --prefix)",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if prefix != "" {
				if _, err := netip.ParsePrefix(prefix); err != nil {
					return usageErrorf("--prefix %q: not a prefix", prefix)
				}
			}
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				resp, err := rsguardv1.NewDampeningServiceClient(conn).ClearDampening(ctx, &rsguardv1.ClearDampeningRequest{Peer: peer, Prefix: prefix})
				if err != nil {
					return err
				}
				if a.json {
					return a.printer().object(clearJSON{Peer: peer, Prefix: prefix, Cleared: resp.GetCleared()})
				}
				_, err = fmt.Fprintf(a.streams.Out, "peer %s: cleared %d damping entr%s\n", peer, resp.GetCleared(), plural(resp.GetCleared(), "y", "ies"))
				return err
			})
		}),
	}
	cmd.Flags().StringVar(&peer, "peer", "", "peer name (required)")
	cmd.Flags().StringVar(&prefix, "prefix", "", "only this prefix")
	_ = cmd.MarkFlagRequired("peer") // cannot fail: the flag exists
	return cmd
}

func plural(n uint32, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
