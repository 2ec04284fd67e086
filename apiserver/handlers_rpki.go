package apiserver

import (
	"context"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

type rpkiService struct {
	rsguardv1.UnimplementedRPKIServiceServer
	s *Server
}

func (r *rpkiService) GetRPKIStatus(ctx context.Context, _ *rsguardv1.GetRPKIStatusRequest) (*rsguardv1.GetRPKIStatusResponse, error) {
	st, err := r.s.backend.RPKIStatus(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	out := &rsguardv1.GetRPKIStatusResponse{Enabled: st.Enabled, Vrps: uint32(st.VRPs)}
	for _, src := range st.Sources {
		out.Sources = append(out.Sources, &rsguardv1.RPKISource{Kind: src.Kind, Name: src.Name,
			Vrps: uint32(src.VRPs), Fresh: src.Fresh, Error: src.Error, Serial: src.Serial})
	}
	return out, nil
}
