package apiserver

import (
	"context"
	"sync"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
)

type irrService struct {
	rsguardv1.UnimplementedIRRServiceServer
	s *Server
}

func (i *irrService) GetIRRStatus(ctx context.Context, req *rsguardv1.GetIRRStatusRequest) (*rsguardv1.GetIRRStatusResponse, error) {
	sts, err := i.s.backend.IRRStatus(ctx, req.GetPeer())
	if err != nil {
		return nil, toStatus(err)
	}
	out := &rsguardv1.GetIRRStatusResponse{}
	for _, st := range sts {
		ps := &rsguardv1.IRRPeerStatus{
			Peer:        st.Peer,
			AsSet:       st.ASSet,
			Counts:      irrCountsToProto(st.Counts),
			Sources:     st.Sources,
			LastRefresh: timeToProto(st.LastRefresh),
			LastError:   st.LastError,
			LastErrorAt: timeToProto(st.LastErrorAt),
			HeldBack:    heldBackToProto(st.HeldBack),
		}
		if !st.LastRefresh.IsZero() {
			ps.Age = durationToProto(i.s.now().Sub(st.LastRefresh))
		}
		out.Peers = append(out.Peers, ps)
	}
	return out, nil
}

// progressBuffer bounds the progress messages waiting for a slow client.
const progressBuffer = 64

// RefreshIRR streams progress, then one result. Progress goes through a
// bounded queue to its own sender goroutine, so a slow client loses progress
// messages but never slows the refresh down; a failed Send only stops
// further progress, since a refresh is worth finishing once started.
func (i *irrService) RefreshIRR(req *rsguardv1.RefreshIRRRequest, stream grpc.ServerStreamingServer[rsguardv1.RefreshIRRResponse]) error {
	queue := make(chan *rsguardv1.RefreshIRRResponse, progressBuffer)
	senderDone := make(chan error, 1)
	go func() {
		var err error
		for m := range queue {
			if err == nil {
				err = stream.Send(m)
			}
		}
		senderDone <- err
	}()
	var mu sync.Mutex // the backend may report progress from several goroutines
	closed := false
	progress := func(p IRRProgress) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return
		}
		select {
		case queue <- &rsguardv1.RefreshIRRResponse{Update: &rsguardv1.RefreshIRRResponse_Progress{Progress: &rsguardv1.IRRRefreshProgress{
			Peer: p.Peer, Message: p.Message, Done: clampUint32(p.Done), Total: clampUint32(p.Total),
		}}}:
		default:
		}
	}
	outcomes, err := i.s.backend.RefreshIRR(stream.Context(), IRRRefreshRequest{Peer: req.GetPeer(), Force: req.GetForce()}, progress)
	mu.Lock()
	closed = true
	close(queue)
	mu.Unlock()
	if sendErr := <-senderDone; sendErr != nil && err == nil {
		return sendErr
	}
	if err != nil {
		return toStatus(err)
	}
	res := &rsguardv1.IRRRefreshResult{}
	for _, o := range outcomes {
		res.Peers = append(res.Peers, irrOutcomeToProto(o))
	}
	i.s.log.WithField("peer", req.GetPeer()).WithField("force", req.GetForce()).Info("IRR refresh via API")
	return stream.Send(&rsguardv1.RefreshIRRResponse{Update: &rsguardv1.RefreshIRRResponse_Result{Result: res}})
}

func irrOutcomeToProto(o IRRRefreshOutcome) *rsguardv1.IRRPeerRefresh {
	return &rsguardv1.IRRPeerRefresh{
		Peer:     o.Peer,
		Changed:  o.Changed,
		Counts:   irrCountsToProto(o.Counts),
		HeldBack: heldBackToProto(o.HeldBack),
		Error:    o.Error,
	}
}

func irrCountsToProto(c IRRCounts) *rsguardv1.IRRCounts {
	return &rsguardv1.IRRCounts{Origins: clampUint32(c.Origins), Ipv4Prefixes: clampUint32(c.IPv4Prefixes), Ipv6Prefixes: clampUint32(c.IPv6Prefixes)}
}

func heldBackToProto(h *IRRHeldBack) *rsguardv1.IRRHeldBack {
	if h == nil {
		return nil
	}
	return &rsguardv1.IRRHeldBack{Reason: h.Reason, Since: timeToProto(h.Since), Active: irrCountsToProto(h.Active), Proposed: irrCountsToProto(h.Proposed)}
}

// clampUint32 keeps negative or huge counts from wrapping around.
func clampUint32(n int) uint32 {
	switch {
	case n < 0:
		return 0
	case uint64(n) > uint64(^uint32(0)):
		return ^uint32(0)
	}
	return uint32(n)
}
