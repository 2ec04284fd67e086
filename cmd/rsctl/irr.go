package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// irrCountsJSON sizes a peer's IRR data.
type irrCountsJSON struct {
	Origins      uint32 `json:"origins"`
	IPv4Prefixes uint32 `json:"ipv4_prefixes"`
	IPv6Prefixes uint32 `json:"ipv6_prefixes"`
}

func toIRRCountsJSON(c *rsguardv1.IRRCounts) irrCountsJSON {
	return irrCountsJSON{Origins: c.GetOrigins(), IPv4Prefixes: c.GetIpv4Prefixes(), IPv6Prefixes: c.GetIpv6Prefixes()}
}

// heldBackJSON is a refresh refused by the safety brake: old is in force,
// new was refused.
type heldBackJSON struct {
	Reason string        `json:"reason"`
	Since  *string       `json:"since"`
	Old    irrCountsJSON `json:"old"`
	New    irrCountsJSON `json:"new"`
}

func toHeldBackJSON(h *rsguardv1.IRRHeldBack) *heldBackJSON {
	if h == nil {
		return nil
	}
	out := &heldBackJSON{Reason: h.GetReason(), Old: toIRRCountsJSON(h.GetActive()), New: toIRRCountsJSON(h.GetProposed())}
	if h.Since != nil {
		out.Since = jsonTime(h.GetSince().AsTime())
	}
	return out
}

// irrStatusJSON is the stable --json form of one peer's IRR state.
type irrStatusJSON struct {
	Peer         string        `json:"peer"`
	ASSet        string        `json:"as_set"`
	Origins      uint32        `json:"origins"`
	IPv4Prefixes uint32        `json:"ipv4_prefixes"`
	IPv6Prefixes uint32        `json:"ipv6_prefixes"`
	Sources      []string      `json:"sources"`
	LastRefresh  *string       `json:"last_refresh"`
	AgeSeconds   int64         `json:"age_seconds"`
	LastError    string        `json:"last_error"`
	LastErrorAt  *string       `json:"last_error_at"`
	HeldBack     *heldBackJSON `json:"held_back"`
}

func toIRRStatusJSON(s *rsguardv1.IRRPeerStatus) irrStatusJSON {
	c := toIRRCountsJSON(s.GetCounts())
	out := irrStatusJSON{
		Peer: s.GetPeer(), ASSet: s.GetAsSet(), Origins: c.Origins, IPv4Prefixes: c.IPv4Prefixes, IPv6Prefixes: c.IPv6Prefixes,
		Sources: append([]string{}, s.GetSources()...), AgeSeconds: int64(s.GetAge().AsDuration().Seconds()),
		LastError: s.GetLastError(), HeldBack: toHeldBackJSON(s.GetHeldBack()),
	}
	if s.LastRefresh != nil {
		out.LastRefresh = jsonTime(s.GetLastRefresh().AsTime())
	}
	if s.LastErrorAt != nil {
		out.LastErrorAt = jsonTime(s.GetLastErrorAt().AsTime())
	}
	return out
}

func (a *app) irrCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "irr",
		Short: "Show or refresh the per-peer IRR data",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return usageErrorf("irr: missing subcommand (status, refresh)") },
	}
	cmd.AddCommand(a.irrStatusCmd(), a.irrRefreshCmd())
	return cmd
}

func (a *app) irrStatusCmd() *cobra.Command {
	var peer string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show AS-SET, counts, age and errors of each peer's IRR data",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				resp, err := rsguardv1.NewIRRServiceClient(conn).GetIRRStatus(ctx, &rsguardv1.GetIRRStatusRequest{Peer: peer})
				if err != nil {
					return err
				}
				return a.printIRRStatus(resp.GetPeers())
			})
		}),
	}
	cmd.Flags().StringVar(&peer, "peer", "", "only this peer")
	return cmd
}

func (a *app) printIRRStatus(sts []*rsguardv1.IRRPeerStatus) error {
	p := a.printer()
	if p.json {
		out := make([]irrStatusJSON, 0, len(sts))
		for _, s := range sts {
			out = append(out, toIRRStatusJSON(s))
		}
		return p.object(out)
	}
	rows := make([]table.Row, 0, len(sts))
	for _, s := range sts {
		var refreshed string
		if s.LastRefresh != nil {
			refreshed = humanTime(s.GetLastRefresh().AsTime())
		}
		c := s.GetCounts()
		rows = append(rows, table.Row{s.GetPeer(), orDash(s.GetAsSet()), c.GetOrigins(), c.GetIpv4Prefixes(), c.GetIpv6Prefixes(),
			orDash(strings.Join(s.GetSources(), ",")), orDash(refreshed), humanDuration(s.GetAge().AsDuration()), irrStatusCell(s)})
	}
	p.table(table.Row{"Peer", "AS-SET", "Origins", "IPv4", "IPv6", "Sources", "Refreshed", "Age", "Status"}, rows)
	return nil
}

func irrStatusCell(s *rsguardv1.IRRPeerStatus) string {
	var lines []string
	if h := s.GetHeldBack(); h != nil {
		lines = append(lines, heldBackText(h))
	}
	if s.GetLastError() != "" {
		lines = append(lines, "error: "+s.GetLastError())
	}
	if len(lines) == 0 {
		return "ok"
	}
	return strings.Join(lines, "\n")
}

func heldBackText(h *rsguardv1.IRRHeldBack) string {
	o, n := h.GetActive(), h.GetProposed()
	return fmt.Sprintf("held back: %s (v4 %d→%d, v6 %d→%d, origins %d→%d)", h.GetReason(),
		o.GetIpv4Prefixes(), n.GetIpv4Prefixes(), o.GetIpv6Prefixes(), n.GetIpv6Prefixes(), o.GetOrigins(), n.GetOrigins())
}

// irrRefreshJSON is the stable --json form of one peer's refresh outcome.
type irrRefreshJSON struct {
	Peer         string        `json:"peer"`
	Changed      bool          `json:"changed"`
	Origins      uint32        `json:"origins"`
	IPv4Prefixes uint32        `json:"ipv4_prefixes"`
	IPv6Prefixes uint32        `json:"ipv6_prefixes"`
	HeldBack     *heldBackJSON `json:"held_back"`
	Error        string        `json:"error"`
}

func (a *app) irrRefreshCmd() *cobra.Command {
	var peer string
	var force bool
	cmd := &cobra.Command{
		Use:   "refresh",
		Short: "Refresh IRR data now, of one peer or all; --force applies what the safety brake holds back",
		Long: "refresh asks the daemon to re-expand the AS-SETs now. Progress is shown on a\n" +
			"terminal, then one line per peer. Exit status 1 if any peer's refresh failed,\n" +
			"3 if none failed but one was held back by the safety brake (the old data stays\n" +
			"in force; rerun with --force to apply it).",
		Args: cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return a.withConn(cmd.Context(), callLong, func(ctx context.Context, conn *grpc.ClientConn) error {
				return a.refreshIRR(ctx, conn, &rsguardv1.RefreshIRRRequest{Peer: peer, Force: force})
			})
		}),
	}
	cmd.Flags().StringVar(&peer, "peer", "", "only this peer")
	cmd.Flags().BoolVar(&force, "force", false, "apply results even if the safety brake would hold them back")
	return cmd
}

func (a *app) refreshIRR(ctx context.Context, conn *grpc.ClientConn, req *rsguardv1.RefreshIRRRequest) error {
	stream, err := rsguardv1.NewIRRServiceClient(conn).RefreshIRR(ctx, req)
	if err != nil {
		return err
	}
	prog := a.progress()
	prog.show("refreshing IRR data…")
	var result *rsguardv1.IRRRefreshResult
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			prog.clear()
			return err
		}
		switch u := m.GetUpdate().(type) {
		case *rsguardv1.RefreshIRRResponse_Progress:
			pr := u.Progress
			msg := pr.GetMessage()
			if pr.GetPeer() != "" {
				msg = pr.GetPeer() + ": " + msg
			}
			prog.show(fmt.Sprintf("[%d/%d] %s", pr.GetDone(), pr.GetTotal(), msg))
		case *rsguardv1.RefreshIRRResponse_Result:
			result = u.Result
		}
	}
	prog.clear()
	if result == nil {
		return errors.New("irr refresh: the server ended the stream without a result")
	}
	failed, held := 0, 0
	for _, o := range result.GetPeers() {
		if o.GetError() != "" {
			failed++
		} else if o.GetHeldBack() != nil {
			held++
		}
	}
	if err := a.printIRRRefresh(result.GetPeers()); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("irr refresh failed for %d peer(s)", failed)
	}
	if held > 0 {
		return &exitError{code: exitHeldBack, err: fmt.Errorf("irr refresh held back for %d peer(s): rerun with --force to apply", held)}
	}
	return nil
}

// exitHeldBack: no refresh failed, but the safety brake held one back, so
// scripts notice a filter that did not change as asked.
const exitHeldBack = 3

func (a *app) printIRRRefresh(outs []*rsguardv1.IRRPeerRefresh) error {
	p := a.printer()
	if p.json {
		list := make([]irrRefreshJSON, 0, len(outs))
		for _, o := range outs {
			c := toIRRCountsJSON(o.GetCounts())
			list = append(list, irrRefreshJSON{Peer: o.GetPeer(), Changed: o.GetChanged(), Origins: c.Origins,
				IPv4Prefixes: c.IPv4Prefixes, IPv6Prefixes: c.IPv6Prefixes, HeldBack: toHeldBackJSON(o.GetHeldBack()), Error: o.GetError()})
		}
		return p.object(map[string]any{"peers": list})
	}
	// One short line per peer: an IXP refreshes hundreds at once.
	width := 0
	for _, o := range outs {
		width = max(width, len(o.GetPeer()))
	}
	for _, o := range outs {
		c := o.GetCounts()
		counts := fmt.Sprintf("origins %d v4 %d v6 %d", c.GetOrigins(), c.GetIpv4Prefixes(), c.GetIpv6Prefixes())
		var line string
		switch {
		case o.GetError() != "":
			line = "error: " + o.GetError()
		case o.GetHeldBack() != nil:
			line = heldBackText(o.GetHeldBack()) + "; use --force to apply"
		case o.GetChanged():
			line = "changed: " + counts
		default:
			line = "unchanged: " + counts
		}
		if _, err := fmt.Fprintf(p.out, "%-*s  %s\n", width, o.GetPeer(), line); err != nil {
			return err
		}
	}
	return nil
}
