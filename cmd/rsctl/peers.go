package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// peerJSON is the stable --json form of a peer.
type peerJSON struct {
	Name            string             `json:"name"`
	Description     string             `json:"description"`
	Address         string             `json:"address"`
	ASN             uint32             `json:"asn"`
	State           string             `json:"state"`
	StateSince      *string            `json:"state_since"`
	Uptime          string             `json:"uptime"` // Go duration, "" unless established
	UptimeSeconds   int64              `json:"uptime_seconds"`
	Received        uint64             `json:"received"`
	Accepted        uint64             `json:"accepted"`
	Rejected        uint64             `json:"rejected"`
	Disabled        bool               `json:"disabled"`
	ShutdownMessage string             `json:"shutdown_message"`
	LastError       string             `json:"last_error"`
	Flaps           flapsJSON          `json:"flaps"`
	MaxPrefix       maxPrefixStateJSON `json:"max_prefix"`
	ContactNOC      string             `json:"contact_noc"`
	ContactAbuse    string             `json:"contact_abuse"`
	// ChecksOff: checks the peer's config turned off (noted, not enforced).
	ChecksOff     []reasonJSON       `json:"checks_off"`
	LastErrorTime *string            `json:"last_error_time"`
	Session       *sessionJSON       `json:"session"` // null unless established
	Families      []familyCountsJSON `json:"families"`
}

// flapsJSON is a peer's RFC 2439 flap counters.
type flapsJSON struct {
	Withdrawals      uint64 `json:"withdrawals"`
	AttributeChanges uint64 `json:"attribute_changes"`
	Readvertisements uint64 `json:"readvertisements"`
	Suppressions     uint64 `json:"suppressions"`
	Releases         uint64 `json:"releases"`
	Tracked          uint32 `json:"tracked"`
	Penalized        uint32 `json:"penalized"`
	Suppressed       uint32 `json:"suppressed"`
}

func toPeerJSON(p *rsguardv1.Peer) peerJSON {
	out := peerJSON{
		Name: p.GetName(), Description: p.GetDescription(), Address: p.GetAddress(), ASN: p.GetAsn(),
		State: stateName(p.GetState()), Received: p.GetReceived(), Accepted: p.GetAccepted(), Rejected: p.GetRejected(),
		Disabled: p.GetDisabled(), ShutdownMessage: p.GetShutdownMessage(), LastError: p.GetLastError(),
		ChecksOff: toReasonsJSON(p.GetChecksOff()),
	}
	if f := p.GetFlaps(); f != nil {
		out.Flaps = flapsJSON{Withdrawals: f.GetWithdrawals(), AttributeChanges: f.GetAttributeChanges(),
			Readvertisements: f.GetReadvertisements(), Suppressions: f.GetSuppressions(), Releases: f.GetReleases(),
			Tracked: f.GetTracked(), Penalized: f.GetPenalized(), Suppressed: f.GetSuppressed()}
	}
	out.MaxPrefix = toMaxPrefixStateJSON(p.GetMaxPrefix())
	out.ContactNOC, out.ContactAbuse = p.GetContactNoc(), p.GetContactAbuse()
	addSessionJSON(&out, p)
	if p.StateSince != nil {
		out.StateSince = jsonTime(p.GetStateSince().AsTime())
	}
	if p.Uptime != nil {
		d := p.GetUptime().AsDuration()
		out.Uptime, out.UptimeSeconds = d.String(), int64(d.Seconds())
	}
	return out
}

// stateName turns PEER_STATE_OPEN_SENT into "open_sent".
func stateName(s rsguardv1.PeerState) string {
	return strings.ToLower(strings.TrimPrefix(s.String(), "PEER_STATE_"))
}

func peerStateCell(p *rsguardv1.Peer) string {
	if p.GetDisabled() {
		return stateName(p.GetState()) + " (disabled)"
	}
	return stateName(p.GetState())
}

func (a *app) peersCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "peers",
		Short: "List peers with session state and route counts",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				stream, err := rsguardv1.NewPeerServiceClient(conn).ListPeers(ctx, &rsguardv1.ListPeersRequest{})
				if err != nil {
					return err
				}
				var peers []*rsguardv1.Peer
				if err := recvEach(stream.Recv, func(m *rsguardv1.ListPeersResponse) error {
					peers = append(peers, m.GetPeer())
					return nil
				}); err != nil {
					return err
				}
				return a.printPeers(peers)
			})
		}),
	}
}

func (a *app) printPeers(peers []*rsguardv1.Peer) error {
	p := a.printer()
	if p.json {
		out := make([]peerJSON, 0, len(peers))
		for _, x := range peers {
			out = append(out, toPeerJSON(x))
		}
		return p.object(out)
	}
	rows := make([]table.Row, 0, len(peers))
	for _, x := range peers {
		rows = append(rows, table.Row{x.GetName(), x.GetAddress(), x.GetAsn(), peerStateCell(x),
			humanDuration(x.GetUptime().AsDuration()), x.GetReceived(), x.GetAccepted(), x.GetRejected()})
	}
	p.table(table.Row{"Name", "Address", "ASN", "State", "Uptime", "Received", "Accepted", "Rejected"}, rows)
	return nil
}

// peerCmd groups the commands on one peer: show, enable, disable, reset.
func (a *app) peerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "peer",
		Short: "Show or change one peer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("peer: missing subcommand (show, enable, disable, reset)")
		},
	}
	cmd.AddCommand(a.peerShowCmd(), a.peerEnableCmd(), a.peerDisableCmd(), a.peerResetCmd(), a.peerShutdownCmd())
	return cmd
}

func (a *app) peerShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show one peer in detail",
		Args:  cobra.ExactArgs(1),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				resp, err := rsguardv1.NewPeerServiceClient(conn).GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: args[0]})
				if err != nil {
					return err
				}
				x := resp.GetPeer()
				if a.json {
					return a.printer().object(toPeerJSON(x))
				}
				var since string
				if x.StateSince != nil {
					since = humanTime(x.GetStateSince().AsTime())
				}
				w := a.streams.Out
				fmt.Fprintf(w, "name:         %s\n", x.GetName())
				fmt.Fprintf(w, "description:  %s\n", orDash(x.GetDescription()))
				fmt.Fprintf(w, "address:      %s\n", x.GetAddress())
				fmt.Fprintf(w, "asn:          %d\n", x.GetAsn())
				fmt.Fprintf(w, "state:        %s since %s\n", peerStateCell(x), orDash(since))
				fmt.Fprintf(w, "uptime:       %s\n", humanDuration(x.GetUptime().AsDuration()))
				fmt.Fprintf(w, "routes:       %d received, %d accepted, %d rejected\n", x.GetReceived(), x.GetAccepted(), x.GetRejected())
				if x.GetDisabled() {
					fmt.Fprintf(w, "shutdown:     %s\n", orDash(x.GetShutdownMessage()))
				}
				printSession(w, x)
				printMaxPrefix(w, x)
				f := x.GetFlaps()
				fmt.Fprintf(w, "flaps:        %d withdrawals, %d attribute changes, %d re-advertisements\n",
					f.GetWithdrawals(), f.GetAttributeChanges(), f.GetReadvertisements())
				fmt.Fprintf(w, "dampening:    %d suppressions, %d releases; now %d tracked, %d penalised, %d suppressed\n",
					f.GetSuppressions(), f.GetReleases(), f.GetTracked(), f.GetPenalized(), f.GetSuppressed())
				for _, c := range x.GetChecksOff() {
					fmt.Fprintf(w, "check off:    %s (%d): %s\n", reasonName(c), int32(c.GetReason()), c.GetDetail())
				}
				return nil
			})
		}),
	}
}

// actionJSON is the --json result of a write command on a peer.
type actionJSON struct {
	Peer   string `json:"peer"`
	Action string `json:"action"`
	OK     bool   `json:"ok"`
}

func (a *app) printAction(peer, action, human string) error {
	if a.json {
		return a.printer().object(actionJSON{Peer: peer, Action: action, OK: true})
	}
	_, err := fmt.Fprintf(a.streams.Out, "peer %s: %s\n", peer, human)
	return err
}

func (a *app) peerEnableCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "enable NAME",
		Short: "Enable an administratively disabled peer",
		Args:  cobra.ExactArgs(1),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				if _, err := rsguardv1.NewPeerServiceClient(conn).EnablePeer(ctx, &rsguardv1.EnablePeerRequest{Name: args[0]}); err != nil {
					return err
				}
				return a.printAction(args[0], "enable", "enabled")
			})
		}),
	}
}

func (a *app) peerDisableCmd() *cobra.Command {
	var message string
	cmd := &cobra.Command{
		Use:   "disable NAME",
		Short: "Shut a peer's session down administratively",
		Args:  cobra.ExactArgs(1),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				req := &rsguardv1.DisablePeerRequest{Name: args[0], Message: message}
				if _, err := rsguardv1.NewPeerServiceClient(conn).DisablePeer(ctx, req); err != nil {
					return err
				}
				return a.printAction(args[0], "disable", "disabled")
			})
		}),
	}
	cmd.Flags().StringVar(&message, "message", "", "shutdown communication sent to the peer (RFC 8203, at most 255 bytes)")
	return cmd
}

func (a *app) peerResetCmd() *cobra.Command {
	var hard bool
	cmd := &cobra.Command{
		Use:   "reset NAME",
		Short: "Re-evaluate a peer's routes (soft-in), or tear the session down with --hard",
		Args:  cobra.ExactArgs(1),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			mode, word := rsguardv1.ResetMode_RESET_MODE_SOFT_IN, "soft-in reset"
			if hard {
				mode, word = rsguardv1.ResetMode_RESET_MODE_HARD, "hard reset"
			}
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				if _, err := rsguardv1.NewPeerServiceClient(conn).ResetPeer(ctx, &rsguardv1.ResetPeerRequest{Name: args[0], Mode: mode}); err != nil {
					return err
				}
				action := "reset_soft_in"
				if hard {
					action = "reset_hard"
				}
				return a.printAction(args[0], action, word)
			})
		}),
	}
	cmd.Flags().BoolVar(&hard, "hard", false, "tear the session down instead of a soft-in reset")
	return cmd
}
