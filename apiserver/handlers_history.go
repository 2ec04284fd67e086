package apiserver

import (
	"context"
	"fmt"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func (r *routeService) RouteHistory(ctx context.Context, req *rsguardv1.RouteHistoryRequest) (*rsguardv1.RouteHistoryResponse, error) {
	hb, ok := r.s.backend.(HistoryBackend)
	if !ok {
		return nil, status.Error(codes.Unimplemented, "this server keeps no route history")
	}
	if req.GetPrefix() == "" {
		return nil, toStatus(fmt.Errorf("prefix is required: %w", ErrInvalidArgument))
	}
	prefix, err := parsePrefixArg("prefix", req.GetPrefix())
	if err != nil {
		return nil, toStatus(err)
	}
	changes, err := hb.RouteHistory(ctx, prefix, req.GetPeer())
	if err != nil {
		return nil, toStatus(err)
	}
	out := &rsguardv1.RouteHistoryResponse{Changes: make([]*rsguardv1.VerdictChange, 0, len(changes))}
	for _, c := range changes {
		out.Changes = append(out.Changes, verdictChangeToProto(c))
	}
	return out, nil
}

func verdictToProto(accepted bool) rsguardv1.Verdict {
	if accepted {
		return rsguardv1.Verdict_VERDICT_ACCEPT
	}
	return rsguardv1.Verdict_VERDICT_REJECT
}

func verdictChangeToProto(c VerdictChange) *rsguardv1.VerdictChange {
	return &rsguardv1.VerdictChange{
		Time: timeToProto(c.Time), Peer: c.Peer, Route: RouteToProto(c.Route), PathId: c.PathID,
		OldVerdict: verdictToProto(c.Old.Accepted()), NewVerdict: verdictToProto(c.New.Accepted()),
		OldRejections: RejectionsToProto(c.Old.Rejections), NewRejections: RejectionsToProto(c.New.Rejections),
		Cause: c.Cause,
	}
}

func verdictSummaryToProto(s VerdictSummary) *rsguardv1.VerdictSummary {
	return &rsguardv1.VerdictSummary{Cause: s.Cause, AcceptedToRejected: s.AcceptedToRejected,
		RejectedToAccepted: s.RejectedToAccepted, OmittedRouteEvents: s.OmittedRouteEvents, Text: s.Text}
}
