package apiserver

import (
	"context"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
)

type dampeningService struct {
	rsguardv1.UnimplementedDampeningServiceServer
	s *Server
}

func (d *dampeningService) ListDampened(req *rsguardv1.ListDampenedRequest, stream grpc.ServerStreamingServer[rsguardv1.ListDampenedResponse]) error {
	err := d.s.backend.ListDampened(stream.Context(), req.GetPeer(), func(r DampenedRoute) error {
		return stream.Send(&rsguardv1.ListDampenedResponse{Route: dampenedToProto(r)})
	})
	return toStatus(err)
}

func (d *dampeningService) ClearDampening(ctx context.Context, req *rsguardv1.ClearDampeningRequest) (*rsguardv1.ClearDampeningResponse, error) {
	if err := requireName("peer", req.GetPeer()); err != nil {
		return nil, toStatus(err)
	}
	prefix, err := parsePrefixArg("prefix", req.GetPrefix())
	if err != nil {
		return nil, toStatus(err)
	}
	n, err := d.s.backend.ClearDampening(ctx, req.GetPeer(), prefix)
	if err != nil {
		return nil, toStatus(err)
	}
	d.s.log.WithField("peer", req.GetPeer()).WithField("prefix", req.GetPrefix()).WithField("cleared", n).Info("dampening cleared via API")
	return &rsguardv1.ClearDampeningResponse{Cleared: clampUint32(n)}, nil
}

func dampenedToProto(r DampenedRoute) *rsguardv1.DampenedRoute {
	return &rsguardv1.DampenedRoute{
		Peer:            r.Peer,
		Prefix:          prefixString(r.Prefix),
		PathId:          r.PathID,
		Penalty:         r.Penalty,
		Suppressed:      r.Suppressed,
		WouldSuppress:   r.WouldSuppress,
		SuppressedSince: timeToProto(r.SuppressedSince),
		ReuseAt:         timeToProto(r.ReuseAt),
		Flaps:           clampUint32(r.Flaps),
	}
}
