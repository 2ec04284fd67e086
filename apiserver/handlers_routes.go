package apiserver

import (
	"context"
	"fmt"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
)

type routeService struct {
	rsguardv1.UnimplementedRouteServiceServer
	s *Server
}

func (r *routeService) ListRoutes(req *rsguardv1.ListRoutesRequest, stream grpc.ServerStreamingServer[rsguardv1.ListRoutesResponse]) error {
	q, err := routeQueryFromProto(req)
	if err != nil {
		return toStatus(err)
	}
	// Each route is sent as soon as the backend emits it; Send blocks under
	// flow control, so nothing accumulates here.
	err = r.s.backend.ListRoutes(stream.Context(), q, func(e RouteEntry) error {
		return stream.Send(&rsguardv1.ListRoutesResponse{Route: routeEntryToProto(e)})
	})
	return toStatus(err)
}

func routeQueryFromProto(req *rsguardv1.ListRoutesRequest) (RouteQuery, error) {
	q := RouteQuery{Peer: req.GetPeer()}
	switch req.GetView() {
	case rsguardv1.RouteView_ROUTE_VIEW_UNSPECIFIED, rsguardv1.RouteView_ROUTE_VIEW_RECEIVED:
		q.View = ViewReceived
	case rsguardv1.RouteView_ROUTE_VIEW_ACCEPTED:
		q.View = ViewAccepted
	case rsguardv1.RouteView_ROUTE_VIEW_REJECTED:
		q.View = ViewRejected
	case rsguardv1.RouteView_ROUTE_VIEW_ADVERTISED:
		q.View = ViewAdvertised
	default:
		return q, fmt.Errorf("view %d is unknown: %w", int32(req.GetView()), ErrInvalidArgument)
	}
	if req.GetPrefix() != "" && req.GetContainsAddress() != "" {
		return q, fmt.Errorf("prefix and contains_address exclude each other: %w", ErrInvalidArgument)
	}
	var err error
	if q.Prefix, err = parsePrefixArg("prefix", req.GetPrefix()); err != nil {
		return q, err
	}
	if q.Contains, err = parseAddrArg("contains_address", req.GetContainsAddress()); err != nil {
		return q, err
	}
	if len(req.GetReasons()) > 0 && (q.View == ViewAccepted || q.View == ViewAdvertised) {
		// Refused rather than answered with an empty list that reads as
		// "no such routes".
		return q, fmt.Errorf("reasons do not apply to the %s view: its routes failed no check: %w", q.View, ErrInvalidArgument)
	}
	for _, pr := range req.GetReasons() {
		reason, err := ReasonFromProto(pr)
		if err != nil {
			return q, err
		}
		q.Reasons = append(q.Reasons, reason)
	}
	return q, nil
}

func routeEntryToProto(e RouteEntry) *rsguardv1.RouteEntry {
	return &rsguardv1.RouteEntry{
		Peer:        e.Peer,
		Route:       routeWithCommunities(e.Route, e.Communities),
		Rejections:  RejectionsToProto(e.Rejections),
		ReceivedAt:  timeToProto(e.ReceivedAt),
		RpkiState:   RPKIStateToProto(e.RPKI),
		Notes:       RejectionsToProto(e.Notes),
		LearnedFrom: e.LearnedFrom,
	}
}

func (r *routeService) ExplainRoute(ctx context.Context, req *rsguardv1.ExplainRouteRequest) (*rsguardv1.ExplainRouteResponse, error) {
	q, err := explainQueryFromProto(req)
	if err != nil {
		return nil, toStatus(err)
	}
	ex, err := r.s.backend.ExplainRoute(ctx, q)
	if err != nil {
		return nil, toStatus(err)
	}
	return explanationToProto(ex), nil
}

func explainQueryFromProto(req *rsguardv1.ExplainRouteRequest) (ExplainQuery, error) {
	q := ExplainQuery{Peer: req.GetPeer()}
	if err := requireName("peer", q.Peer); err != nil {
		return q, err
	}
	if req.GetPrefix() == "" {
		return q, fmt.Errorf("prefix is required: %w", ErrInvalidArgument)
	}
	var err error
	if q.Prefix, err = parsePrefixArg("prefix", req.GetPrefix()); err != nil {
		return q, err
	}
	if q.NextHop, err = parseAddrArg("next_hop", req.GetNextHop()); err != nil {
		return q, err
	}
	if len(req.GetCommunities()) > 0 || len(req.GetLargeCommunities()) > 0 {
		q.CommunitiesSet = true
		if q.Communities, err = CommunitiesFromProto(req.GetCommunities(), req.GetLargeCommunities()); err != nil {
			return q, err
		}
	}
	if req.AsPath != nil {
		q.ASPathSet = true
		if q.ASPath, err = ASPathFromProto(req.GetAsPath()); err != nil {
			return q, err
		}
	}
	return q, nil
}

func explanationToProto(ex Explanation) *rsguardv1.ExplainRouteResponse {
	out := &rsguardv1.ExplainRouteResponse{
		Peer:       ex.Peer,
		Route:      routeWithCommunities(ex.Route, ex.Communities),
		Verdict:    rsguardv1.Verdict_VERDICT_ACCEPT,
		Rejections: RejectionsToProto(ex.Verdict.Rejections),
		Exports:    ExportsToProto(ex.Exports),
		RpkiState:  RPKIStateToProto(ex.Verdict.RPKI),
		Notes:      RejectionsToProto(ex.Verdict.Notes),
	}
	if !ex.Verdict.Accepted() {
		out.Verdict = rsguardv1.Verdict_VERDICT_REJECT
	}
	return out
}
