package apiserver

import (
	"context"
	"fmt"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

type aclService struct {
	rsguardv1.UnimplementedACLServiceServer
	s *Server
}

func (a *aclService) GetSourcePrefixes(ctx context.Context, req *rsguardv1.GetSourcePrefixesRequest) (*rsguardv1.GetSourcePrefixesResponse, error) {
	if err := requireName("peer", req.GetPeer()); err != nil {
		return nil, toStatus(err)
	}
	sp, err := a.s.backend.SourcePrefixes(ctx, req.GetPeer())
	if err != nil {
		return nil, toStatus(err)
	}
	// Checked here, for every backend: an empty list must never reach a
	// renderer that could turn it into an accept-all (or drop-all) filter
	// without the operator noticing.
	if len(sp.Prefixes) == 0 {
		return nil, toStatus(fmt.Errorf("peer %s has no registered prefixes (no static prefixes and no IRR data in force): "+
			"there is no source space to filter for: %w", req.GetPeer(), ErrFailedPrecondition))
	}
	out := &rsguardv1.GetSourcePrefixesResponse{Peer: sp.Peer, Asn: sp.ASN, AsSet: sp.ASSet,
		Address: addrString(sp.Address), GeneratedAt: timeToProto(sp.GeneratedAt)}
	for _, p := range sp.Prefixes {
		out.Prefixes = append(out.Prefixes, p.String())
	}
	return out, nil
}
