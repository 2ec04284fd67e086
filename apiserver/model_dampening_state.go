package apiserver

import (
	"context"
	"time"
)

// DampeningStateBackend reports how the dampening state was restored at
// start (see GetDampeningStateResponse).
type DampeningStateBackend interface {
	DampeningState(ctx context.Context) (DampeningState, error)
}

// DampeningState is what was restored from disk and what was lost.
type DampeningState struct {
	Status                string // one line, for humans
	RestoredGeneration    uint64
	RestoredSavedAt       time.Time
	JournalEntriesApplied int
	Lost                  []string
	Torn                  []string
	CurrentGeneration     uint64
}
