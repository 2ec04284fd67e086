package daemon

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/dampening"
)

func toAPIDamped(st dampening.Status) apiserver.DampenedRoute {
	return apiserver.DampenedRoute{Peer: st.Key.Peer, Prefix: st.Key.Prefix, PathID: st.Key.PathID,
		Penalty: st.Penalty, Suppressed: st.Suppressed, WouldSuppress: st.WouldSuppress,
		SuppressedSince: st.SuppressedSince, ReuseAt: st.ReuseAt, Flaps: st.Flaps}
}

func (d *Daemon) ListDampened(ctx context.Context, peer string, emit func(apiserver.DampenedRoute) error) error {
	if peer != "" {
		if _, err := d.GetPeer(ctx, peer); err != nil {
			return err
		}
	}
	list := d.rs.Dampening().List(time.Now(), func(k dampening.Key) bool { return peer == "" || k.Peer == peer })
	for _, st := range list {
		if err := emit(toAPIDamped(st)); err != nil {
			return err
		}
	}
	return nil
}

func (d *Daemon) ClearDampening(ctx context.Context, peer string, prefix netip.Prefix) (int, error) {
	if peer == "" {
		return 0, fmt.Errorf("a peer is required: %w", apiserver.ErrInvalidArgument)
	}
	n, err := d.rs.ClearDampening(ctx, peer, prefix)
	if err != nil {
		return 0, apiErr(err)
	}
	d.hub.Publish(apiserver.Event{Time: time.Now(), Peer: peer, Dampening: &apiserver.DampeningTransition{
		Action: apiserver.DampeningCleared, Route: apiserver.DampenedRoute{Peer: peer, Prefix: prefix}}})
	return n, nil
}

func (d *Daemon) DampeningState(ctx context.Context) (apiserver.DampeningState, error) {
	rec := d.rs.DampeningRecovery()
	return apiserver.DampeningState{Status: rec.String(), RestoredGeneration: rec.Generation, RestoredSavedAt: rec.SavedAt,
		JournalEntriesApplied: rec.JournalEntries, Lost: rec.Lost, Torn: rec.Torn, CurrentGeneration: d.rs.DampeningGeneration()}, nil
}

var _ apiserver.DampeningStateBackend = (*Daemon)(nil)
