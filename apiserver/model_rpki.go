package apiserver

import (
	"context"

	"github.com/rsguard/rsguard/rpki"
)

// RPKIBackend serves RPKIService.
type RPKIBackend interface {
	// RPKIStatus reports origin validation: on or off, the merged VRP
	// count and every source.
	RPKIStatus(ctx context.Context) (RPKIStatus, error)
}

// RPKIStatus is origin validation's state.
type RPKIStatus struct {
	Enabled bool
	VRPs    int
	Sources []rpki.SourceStatus
}
