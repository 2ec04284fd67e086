package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// eventJSON is one line of `rsctl events --json`: the common fields, then
// exactly one object named after the type.
type eventJSON struct {
	Time          *string             `json:"time"`
	Type          string              `json:"type"`
	Peer          string              `json:"peer"`
	PeerState     *peerStateJSON      `json:"peer_state,omitempty"`
	RouteRejected *routeRejectedJSON  `json:"route_rejected,omitempty"`
	Dampening     *dampeningEventJSON `json:"dampening,omitempty"`
	IRRRefresh    *irrRefreshJSON     `json:"irr_refresh,omitempty"`
	MaxPrefix     *maxPrefixJSON      `json:"max_prefix,omitempty"`
	Lagged        *laggedJSON         `json:"lagged,omitempty"`
	// history.go
	VerdictChange  *verdictChangeJSON  `json:"verdict_change,omitempty"`
	VerdictSummary *verdictSummaryJSON `json:"verdict_summary,omitempty"`
	// events_malformed.go
	MalformedUpdate *malformedUpdateJSON `json:"malformed_update,omitempty"`
}

type peerStateJSON struct {
	OldState string `json:"old_state"`
	NewState string `json:"new_state"`
	Reason   string `json:"reason"`
}

type routeRejectedJSON struct {
	Prefix  string       `json:"prefix"`
	ASPath  string       `json:"as_path"`
	NextHop string       `json:"next_hop"`
	Reasons []reasonJSON `json:"reasons"`
}

type dampeningEventJSON struct {
	Action string       `json:"action"`
	Route  dampenedJSON `json:"route"`
}

type maxPrefixJSON struct {
	Family              string `json:"family"`
	Limit               uint64 `json:"limit"`
	Received            uint64 `json:"received"`
	Action              string `json:"action"`
	RestartAfterSeconds int64  `json:"restart_after_seconds"`
	Detail              string `json:"detail"`
	Threshold           bool   `json:"threshold"`
	CountRejected       bool   `json:"count_rejected"`
	ContactNOC          string `json:"contact_noc"`
	ContactAbuse        string `json:"contact_abuse"`
}

type laggedJSON struct {
	Dropped uint64 `json:"dropped"`
}

// eventTypes maps --type names to the proto enum.
var eventTypes = map[string]rsguardv1.EventType{
	"peer_state":       rsguardv1.EventType_EVENT_TYPE_PEER_STATE,
	"route_rejected":   rsguardv1.EventType_EVENT_TYPE_ROUTE_REJECTED,
	"dampening":        rsguardv1.EventType_EVENT_TYPE_DAMPENING,
	"irr_refresh":      rsguardv1.EventType_EVENT_TYPE_IRR_REFRESH,
	"max_prefix":       rsguardv1.EventType_EVENT_TYPE_MAX_PREFIX,
	"verdict_change":   rsguardv1.EventType_EVENT_TYPE_VERDICT_CHANGE,
	"verdict_summary":  rsguardv1.EventType_EVENT_TYPE_VERDICT_SUMMARY,
	"malformed_update": rsguardv1.EventType_EVENT_TYPE_MALFORMED_UPDATE,
}

func lowerEnum(s, prefix string) string { return strings.ToLower(strings.TrimPrefix(s, prefix)) }

func toEventJSON(ev *rsguardv1.Event) eventJSON {
	out := eventJSON{Peer: ev.GetPeer()}
	if ev.Time != nil {
		out.Time = jsonTime(ev.GetTime().AsTime())
	}
	switch p := ev.GetPayload().(type) {
	case *rsguardv1.Event_PeerState:
		out.Type = "peer_state"
		out.PeerState = &peerStateJSON{OldState: stateName(p.PeerState.GetOldState()), NewState: stateName(p.PeerState.GetNewState()), Reason: p.PeerState.GetReason()}
	case *rsguardv1.Event_RouteRejected:
		r := p.RouteRejected.GetRoute()
		out.Type = "route_rejected"
		out.RouteRejected = &routeRejectedJSON{Prefix: r.GetPrefix(), ASPath: asPathText(r.GetAsPath()), NextHop: r.GetNextHop(),
			Reasons: toReasonsJSON(p.RouteRejected.GetRejections())}
	case *rsguardv1.Event_Dampening:
		out.Type = "dampening"
		out.Dampening = &dampeningEventJSON{Action: lowerEnum(p.Dampening.GetAction().String(), "DAMPENING_ACTION_"), Route: toDampenedJSON(p.Dampening.GetRoute())}
	case *rsguardv1.Event_IrrRefresh:
		o := p.IrrRefresh
		c := toIRRCountsJSON(o.GetCounts())
		out.Type = "irr_refresh"
		out.IRRRefresh = &irrRefreshJSON{Peer: o.GetPeer(), Changed: o.GetChanged(), Origins: c.Origins, IPv4Prefixes: c.IPv4Prefixes,
			IPv6Prefixes: c.IPv6Prefixes, HeldBack: toHeldBackJSON(o.GetHeldBack()), Error: o.GetError()}
	case *rsguardv1.Event_MaxPrefix:
		m := p.MaxPrefix
		out.Type = "max_prefix"
		out.MaxPrefix = &maxPrefixJSON{Family: m.GetFamily(), Limit: m.GetLimit(), Received: m.GetReceived(), Action: m.GetAction(),
			RestartAfterSeconds: int64(m.GetRestartAfter().AsDuration() / time.Second), Detail: m.GetDetail(),
			Threshold: m.GetThreshold(), CountRejected: m.GetCountRejected(), ContactNOC: m.GetContactNoc(), ContactAbuse: m.GetContactAbuse()}
	case *rsguardv1.Event_Lagged:
		out.Type = "lagged"
		out.Lagged = &laggedJSON{Dropped: p.Lagged.GetDropped()}
	case *rsguardv1.Event_VerdictChange:
		out.Type = "verdict_change"
		c := toVerdictChangeJSON(p.VerdictChange)
		out.VerdictChange = &c
	case *rsguardv1.Event_VerdictSummary:
		out.Type = "verdict_summary"
		out.VerdictSummary = toVerdictSummaryJSON(p.VerdictSummary)
	case *rsguardv1.Event_MalformedUpdate:
		out.Type = "malformed_update"
		out.MalformedUpdate = toMalformedUpdateJSON(p.MalformedUpdate)
	default:
		out.Type = "unknown" // a newer server's event type
	}
	return out
}

// eventText renders one event as one human line.
func eventText(ev *rsguardv1.Event) string {
	j := toEventJSON(ev)
	var b strings.Builder
	if ev.Time != nil {
		b.WriteString(ev.GetTime().AsTime().Local().Format("2006-01-02 15:04:05"))
	} else {
		b.WriteString("-")
	}
	fmt.Fprintf(&b, "  %-14s %-10s ", j.Type, orDash(j.Peer))
	switch {
	case j.PeerState != nil:
		fmt.Fprintf(&b, "%s -> %s", j.PeerState.OldState, j.PeerState.NewState)
		if j.PeerState.Reason != "" {
			fmt.Fprintf(&b, " (%s)", j.PeerState.Reason)
		}
	case j.RouteRejected != nil:
		r := j.RouteRejected
		names := make([]string, 0, len(r.Reasons))
		for _, x := range r.Reasons {
			names = append(names, x.Name)
		}
		fmt.Fprintf(&b, "%s path %s next hop %s: %s", r.Prefix, orDash(r.ASPath), orDash(r.NextHop), strings.Join(names, ", "))
	case j.Dampening != nil:
		d := j.Dampening
		fmt.Fprintf(&b, "%s %s penalty %.0f", d.Route.Prefix, d.Action, d.Route.Penalty)
		if d.Route.ReuseAt != nil {
			fmt.Fprintf(&b, " reuse at %s", *d.Route.ReuseAt)
		}
	case j.IRRRefresh != nil:
		o := j.IRRRefresh
		switch {
		case o.Error != "":
			fmt.Fprintf(&b, "failed: %s", o.Error)
		case o.HeldBack != nil:
			fmt.Fprintf(&b, "held back: %s", o.HeldBack.Reason)
		default:
			fmt.Fprintf(&b, "changed=%t origins %d v4 %d v6 %d", o.Changed, o.Origins, o.IPv4Prefixes, o.IPv6Prefixes)
		}
	case j.MaxPrefix != nil:
		m := j.MaxPrefix
		fmt.Fprintf(&b, "%s %d/%d routes: %s", m.Family, m.Received, m.Limit, m.Action)
		if m.Threshold {
			b.WriteString(" (warning threshold)")
		}
		if m.Detail != "" {
			fmt.Fprintf(&b, ": %s", m.Detail)
		}
		if m.ContactNOC != "" || m.ContactAbuse != "" {
			fmt.Fprintf(&b, " [noc %s, abuse %s]", orDash(m.ContactNOC), orDash(m.ContactAbuse))
		}
	case j.Lagged != nil:
		fmt.Fprintf(&b, "missed %d events (reading too slowly)", j.Lagged.Dropped)
	case j.VerdictChange != nil:
		fmt.Fprintf(&b, "%s %s", j.VerdictChange.Prefix, changeText(*j.VerdictChange))
	case j.VerdictSummary != nil:
		b.WriteString(j.VerdictSummary.Text)
	case j.MalformedUpdate != nil:
		b.WriteString(j.MalformedUpdate.text())
	}
	return b.String()
}

func (a *app) eventsCmd() *cobra.Command {
	var peer string
	var types []string
	var since time.Duration
	var noFollow bool
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Follow daemon events until Ctrl-C (--json: one object per line); --since 1h shows the kept ones first",
		Args:  cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			req := &rsguardv1.WatchEventsRequest{Peer: peer, NoFollow: noFollow}
			if since < 0 {
				return usageErrorf("--since %s: want a positive duration such as 1h", since)
			}
			if since > 0 {
				req.Since = durationpb.New(since)
			} else if noFollow {
				return usageErrorf("--no-follow needs --since")
			}
			for _, t := range types {
				et, ok := eventTypes[strings.ToLower(t)]
				if !ok {
					return usageErrorf("--type %q: want peer_state, route_rejected, dampening, irr_refresh, max_prefix, verdict_change or verdict_summary", t)
				}
				req.Types = append(req.Types, et)
			}
			return a.withConn(cmd.Context(), callFollow, func(ctx context.Context, conn *grpc.ClientConn) error {
				return a.followEvents(ctx, conn, req)
			})
		}),
	}
	cmd.Flags().StringVar(&peer, "peer", "", "only this peer")
	cmd.Flags().StringSliceVar(&types, "type", nil, "only these event types (repeatable)")
	cmd.Flags().DurationVar(&since, "since", 0, "first show the kept events of this age or younger (e.g. 1h; route rejections are not kept)")
	cmd.Flags().BoolVar(&noFollow, "no-follow", false, "exit after the --since events instead of following")
	return cmd
}

func (a *app) followEvents(ctx context.Context, conn *grpc.ClientConn, req *rsguardv1.WatchEventsRequest) error {
	stream, err := rsguardv1.NewEventServiceClient(conn).WatchEvents(ctx, req)
	if err != nil {
		return err
	}
	p := a.printer()
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if status.Code(err) == codes.Canceled && ctx.Err() != nil {
			return nil // Ctrl-C: the normal way to stop following
		}
		if err != nil {
			return err
		}
		if p.json {
			if err := p.line(toEventJSON(m.GetEvent())); err != nil {
				return err
			}
			continue
		}
		if _, err := fmt.Fprintln(a.streams.Out, eventText(m.GetEvent())); err != nil {
			return err
		}
	}
}
