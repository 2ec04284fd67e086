package apiservertest

import (
	"context"

	"github.com/rsguard/rsguard/apiserver"
)

// MemDampeningState is the fixture's restore report: generation 6 restored
// after generation 7's snapshot was rejected, one torn journal tail.
var MemDampeningState = apiserver.DampeningState{
	Status:                "state restored from generation 6 at 2026-03-01T12:00:00Z; journal entries applied 3; lost: snapshot generation 7 rejected",
	RestoredGeneration:    6,
	RestoredSavedAt:       Epoch,
	JournalEntriesApplied: 3,
	Lost:                  []string{"snapshot generation 7 rejected (state/dampening.7.json: corrupt dampening state: unexpected end of JSON input), kept as dampening.7.json.rejected"},
	Torn:                  []string{"state/dampening.7.journal line 4: 17 bytes without a newline"},
	CurrentGeneration:     8,
}

// DampeningState answers with MemDampeningState.
func (b *MemBackend) DampeningState(context.Context) (apiserver.DampeningState, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.record("DampeningState")
	return MemDampeningState, nil
}

var _ apiserver.DampeningStateBackend = (*MemBackend)(nil)
