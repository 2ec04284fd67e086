package apiserver

import (
	"context"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// GetDampeningState is served when the backend implements
// DampeningStateBackend; an optional interface so that backends written
// before it (test fakes included) keep compiling.
func (d *dampeningService) GetDampeningState(ctx context.Context, _ *rsguardv1.GetDampeningStateRequest) (*rsguardv1.GetDampeningStateResponse, error) {
	b, ok := d.s.backend.(DampeningStateBackend)
	if !ok {
		return nil, status.Error(codes.Unimplemented, "this route server does not report its dampening state")
	}
	st, err := b.DampeningState(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return &rsguardv1.GetDampeningStateResponse{
		Status:                st.Status,
		RestoredGeneration:    st.RestoredGeneration,
		RestoredSavedAt:       timeToProto(st.RestoredSavedAt),
		JournalEntriesApplied: clampUint32(st.JournalEntriesApplied),
		Lost:                  st.Lost,
		Torn:                  st.Torn,
		CurrentGeneration:     st.CurrentGeneration,
	}, nil
}
