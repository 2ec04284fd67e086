package apiserver

import (
	"context"
	"fmt"
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type eventService struct {
	rsguardv1.UnimplementedEventServiceServer
	s *Server
	// stopping is done when the listener shuts down: event streams never
	// end on their own, and graceful stop would otherwise wait for them.
	stopping context.Context
}

func (e *eventService) WatchEvents(req *rsguardv1.WatchEventsRequest, stream grpc.ServerStreamingServer[rsguardv1.WatchEventsResponse]) error {
	f := EventFilter{Peer: req.GetPeer(), NoFollow: req.GetNoFollow()}
	if d := req.GetSince(); d != nil {
		if err := d.CheckValid(); err != nil || d.AsDuration() < 0 {
			return toStatus(fmt.Errorf("since must be a positive duration: %w", ErrInvalidArgument))
		}
		f.Since = time.Now().Add(-d.AsDuration())
	} else if f.NoFollow {
		return toStatus(fmt.Errorf("no_follow needs since (there is nothing to replay otherwise): %w", ErrInvalidArgument))
	}
	for _, t := range req.GetTypes() {
		if t <= rsguardv1.EventType_EVENT_TYPE_UNSPECIFIED || int(t) >= len(eventTypeNames) {
			return toStatus(fmt.Errorf("event type %d is unknown: %w", int32(t), ErrInvalidArgument))
		}
		f.Types = append(f.Types, EventType(t))
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	defer context.AfterFunc(e.stopping, cancel)()

	// Headers go out now, so a client knows it is subscribed before the
	// first event arrives.
	if err := stream.SendHeader(nil); err != nil {
		return err
	}
	err := e.s.backend.SubscribeEvents(ctx, f, func(ev Event) error {
		if !f.Match(ev) {
			return nil
		}
		return stream.Send(&rsguardv1.WatchEventsResponse{Event: eventToProto(ev)})
	})
	if err != nil {
		return toStatus(err)
	}
	if e.stopping.Err() != nil {
		return status.Error(codes.Unavailable, "server shutting down")
	}
	return nil
}

func eventToProto(ev Event) *rsguardv1.Event {
	out := &rsguardv1.Event{Time: timeToProto(ev.Time), Peer: ev.Peer}
	switch {
	case ev.PeerState != nil:
		out.Payload = &rsguardv1.Event_PeerState{PeerState: &rsguardv1.PeerStateChange{
			OldState: rsguardv1.PeerState(ev.PeerState.Old), NewState: rsguardv1.PeerState(ev.PeerState.New), Reason: ev.PeerState.Reason,
		}}
	case ev.RouteRejected != nil:
		out.Payload = &rsguardv1.Event_RouteRejected{RouteRejected: &rsguardv1.RouteRejected{
			Route: RouteToProto(ev.RouteRejected.Route), Rejections: RejectionsToProto(ev.RouteRejected.Rejections),
		}}
	case ev.Dampening != nil:
		out.Payload = &rsguardv1.Event_Dampening{Dampening: &rsguardv1.DampeningTransition{
			Action: rsguardv1.DampeningAction(ev.Dampening.Action), Route: dampenedToProto(ev.Dampening.Route),
		}}
	case ev.IRRRefresh != nil:
		out.Payload = &rsguardv1.Event_IrrRefresh{IrrRefresh: irrOutcomeToProto(*ev.IRRRefresh)}
	case ev.MaxPrefix != nil:
		m := ev.MaxPrefix
		out.Payload = &rsguardv1.Event_MaxPrefix{MaxPrefix: &rsguardv1.MaxPrefixSanction{
			Family: m.Family, Limit: m.Limit, Received: m.Received, Action: m.Action, RestartAfter: durationToProto(m.RestartAfter),
			Detail: m.Detail, Threshold: m.Threshold, CountRejected: m.CountRejected, ContactNoc: m.ContactNOC, ContactAbuse: m.ContactAbuse,
		}}
	case ev.Lagged != nil:
		out.Payload = &rsguardv1.Event_Lagged{Lagged: &rsguardv1.EventsLagged{Dropped: ev.Lagged.Dropped}}
	case ev.VerdictChange != nil:
		out.Payload = &rsguardv1.Event_VerdictChange{VerdictChange: verdictChangeToProto(*ev.VerdictChange)}
	case ev.VerdictSummary != nil:
		out.Payload = &rsguardv1.Event_VerdictSummary{VerdictSummary: verdictSummaryToProto(*ev.VerdictSummary)}
	case ev.MalformedUpdate != nil:
		m := ev.MalformedUpdate
		out.Payload = &rsguardv1.Event_MalformedUpdate{MalformedUpdate: &rsguardv1.MalformedUpdate{
			Handling: m.Handling, Prefixes: m.Prefixes, PrefixCount: m.PrefixCount, Error: m.Error}}
	}
	return out
}
