package apiserver

import (
	"context"
	"fmt"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
)

type peerService struct {
	rsguardv1.UnimplementedPeerServiceServer
	s *Server
}

func (p *peerService) ListPeers(_ *rsguardv1.ListPeersRequest, stream grpc.ServerStreamingServer[rsguardv1.ListPeersResponse]) error {
	peers, err := p.s.backend.ListPeers(stream.Context())
	if err != nil {
		return toStatus(err)
	}
	for _, peer := range peers {
		if err := stream.Send(&rsguardv1.ListPeersResponse{Peer: p.s.peerToProto(peer)}); err != nil {
			return err
		}
	}
	return nil
}

func (p *peerService) GetPeer(ctx context.Context, req *rsguardv1.GetPeerRequest) (*rsguardv1.GetPeerResponse, error) {
	if err := requireName("name", req.GetName()); err != nil {
		return nil, toStatus(err)
	}
	peer, err := p.s.backend.GetPeer(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	return &rsguardv1.GetPeerResponse{Peer: p.s.peerToProto(peer)}, nil
}

func (p *peerService) EnablePeer(ctx context.Context, req *rsguardv1.EnablePeerRequest) (*rsguardv1.EnablePeerResponse, error) {
	if err := requireName("name", req.GetName()); err != nil {
		return nil, toStatus(err)
	}
	if err := p.s.backend.EnablePeer(ctx, req.GetName()); err != nil {
		return nil, toStatus(err)
	}
	p.s.log.WithField("peer", req.GetName()).Info("peer enabled via API")
	return &rsguardv1.EnablePeerResponse{}, nil
}

// maxShutdownMessage is RFC 9003's limit for the shutdown communication.
const maxShutdownMessage = 255

func (p *peerService) DisablePeer(ctx context.Context, req *rsguardv1.DisablePeerRequest) (*rsguardv1.DisablePeerResponse, error) {
	if err := requireName("name", req.GetName()); err != nil {
		return nil, toStatus(err)
	}
	if n := len(req.GetMessage()); n > maxShutdownMessage {
		return nil, toStatus(fmt.Errorf("message: %d bytes, at most %d fit in a NOTIFICATION (RFC 9003): %w", n, maxShutdownMessage, ErrInvalidArgument))
	}
	if err := p.s.backend.DisablePeer(ctx, req.GetName(), req.GetMessage()); err != nil {
		return nil, toStatus(err)
	}
	p.s.log.WithField("peer", req.GetName()).WithField("message", req.GetMessage()).Info("peer disabled via API")
	return &rsguardv1.DisablePeerResponse{}, nil
}

func (p *peerService) ResetPeer(ctx context.Context, req *rsguardv1.ResetPeerRequest) (*rsguardv1.ResetPeerResponse, error) {
	if err := requireName("name", req.GetName()); err != nil {
		return nil, toStatus(err)
	}
	var mode ResetMode
	switch req.GetMode() {
	case rsguardv1.ResetMode_RESET_MODE_UNSPECIFIED, rsguardv1.ResetMode_RESET_MODE_SOFT_IN:
		mode = ResetSoftIn
	case rsguardv1.ResetMode_RESET_MODE_HARD:
		mode = ResetHard
	default:
		return nil, toStatus(fmt.Errorf("mode %d is unknown: %w", int32(req.GetMode()), ErrInvalidArgument))
	}
	if err := p.s.backend.ResetPeer(ctx, req.GetName(), mode); err != nil {
		return nil, toStatus(err)
	}
	p.s.log.WithField("peer", req.GetName()).WithField("mode", mode.String()).Info("peer reset via API")
	return &rsguardv1.ResetPeerResponse{}, nil
}

func (s *Server) peerToProto(p Peer) *rsguardv1.Peer {
	out := &rsguardv1.Peer{
		Name:            p.Name,
		Description:     p.Description,
		Address:         addrString(p.Address),
		Asn:             p.ASN,
		State:           rsguardv1.PeerState(p.State),
		StateSince:      timeToProto(p.StateSince),
		Received:        p.Received,
		Accepted:        p.Accepted,
		Rejected:        p.Rejected,
		Disabled:        p.Disabled,
		ShutdownMessage: p.ShutdownMessage,
		LastError:       p.LastError,
		Flaps: &rsguardv1.PeerFlapCounters{
			Withdrawals: p.Flaps.Withdrawals, AttributeChanges: p.Flaps.AttributeChanges,
			Readvertisements: p.Flaps.Readvertisements, Suppressions: p.Flaps.Suppressions,
			Releases: p.Flaps.Releases, Tracked: clampUint32(p.Flaps.Tracked),
			Penalized: clampUint32(p.Flaps.Penalized), Suppressed: clampUint32(p.Flaps.Suppressed),
		},
		ChecksOff: RejectionsToProto(p.ChecksOff),
	}
	m := p.MaxPrefix
	out.MaxPrefix = &rsguardv1.PeerMaxPrefix{LimitIpv4: m.Limits[0], LimitIpv6: m.Limits[1], Action: m.Action,
		CountRejected: m.CountRejected, WarnPercent: m.WarnPercent, CountedIpv4: m.Counted[0], CountedIpv6: m.Counted[1],
		BlockedIpv4: m.Blocked[0], BlockedIpv6: m.Blocked[1], LastSanction: m.LastSanction}
	if m.RestartAfter > 0 {
		out.MaxPrefix.RestartAfter = durationToProto(m.RestartAfter)
	}
	if !m.LastSanctionTime.IsZero() {
		out.MaxPrefix.LastSanctionTime = timeToProto(m.LastSanctionTime)
	}
	if !m.RestartAt.IsZero() {
		out.MaxPrefix.RestartAt = timeToProto(m.RestartAt)
	}
	out.ContactNoc, out.ContactAbuse = p.ContactNOC, p.ContactAbuse
	if p.State == PeerStateEstablished && !p.StateSince.IsZero() {
		out.Uptime = durationToProto(s.now().Sub(p.StateSince))
	}
	sessionStateToProto(p, out)
	return out
}

func requireName(field, v string) error {
	if v == "" {
		return fmt.Errorf("%s is required: %w", field, ErrInvalidArgument)
	}
	return nil
}
