package main

import (
	"context"
	"fmt"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// dampeningStateJSON is the stable --json form of `rsctl dampened --state`.
type dampeningStateJSON struct {
	Status                string   `json:"status"`
	RestoredGeneration    uint64   `json:"restored_generation"`
	RestoredSavedAt       *string  `json:"restored_saved_at"`
	JournalEntriesApplied uint32   `json:"journal_entries_applied"`
	Lost                  []string `json:"lost"`
	Torn                  []string `json:"torn"`
	CurrentGeneration     uint64   `json:"current_generation"`
}

// dampeningState fetches how the damping state was restored; nil without
// error from a route server that does not report it.
func dampeningState(ctx context.Context, conn *grpc.ClientConn) (*rsguardv1.GetDampeningStateResponse, error) {
	st, err := rsguardv1.NewDampeningServiceClient(conn).GetDampeningState(ctx, &rsguardv1.GetDampeningStateRequest{})
	if status.Code(err) == codes.Unimplemented {
		return nil, nil
	}
	return st, err
}

// printDampeningState is `rsctl dampened --state`: the status line, then
// each loss on its own line (or all of it as JSON).
func (a *app) printDampeningState(ctx context.Context, conn *grpc.ClientConn) error {
	st, err := dampeningState(ctx, conn)
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("the route server does not report its dampening state")
	}
	p := a.printer()
	if p.json {
		out := dampeningStateJSON{Status: st.GetStatus(), RestoredGeneration: st.GetRestoredGeneration(),
			JournalEntriesApplied: st.GetJournalEntriesApplied(), Lost: orEmpty(st.GetLost()), Torn: orEmpty(st.GetTorn()),
			CurrentGeneration: st.GetCurrentGeneration()}
		if st.RestoredSavedAt != nil {
			out.RestoredSavedAt = jsonTime(st.GetRestoredSavedAt().AsTime())
		}
		return p.object(out)
	}
	fmt.Fprintf(p.out, "State: %s\n", st.GetStatus())
	for _, l := range st.GetLost() {
		fmt.Fprintf(p.out, "  lost: %s\n", l)
	}
	for _, l := range st.GetTorn() {
		fmt.Fprintf(p.out, "  torn tail ignored: %s\n", l)
	}
	_, err = fmt.Fprintf(p.out, "Writing generation %d\n", st.GetCurrentGeneration())
	return err
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
