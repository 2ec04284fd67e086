package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/irrsync"
	"github.com/sirupsen/logrus"
)

// irrService is the part of the IRR refresher the daemon uses.
type irrService interface {
	InitialFilter(config.Peer) ([]filters.PrefixRange, *filters.OriginSet)
	Attach(irrsync.Applier)
	Run(ctx context.Context)
	Refresh(ctx context.Context, peer string, force bool, progress func(string)) ([]irrsync.Result, error)
	Status() []irrsync.PeerStatus
	Reconfigure(cfg *config.Config)
}

// newIRRService builds the refresher when any peer has an as_set.
func newIRRService(cfg *config.Config, log *logrus.Logger, onResult func(irrsync.Result)) (irrService, error) {
	if !usesIRR(cfg) {
		return nil, nil
	}
	s, err := irrsync.New(cfg, log, irrsync.Options{OnResult: onResult})
	if err != nil {
		return nil, fmt.Errorf("irr: %w", err)
	}
	return s, nil
}

func counts(origins, v4, v6 int) apiserver.IRRCounts {
	return apiserver.IRRCounts{Origins: origins, IPv4Prefixes: v4, IPv6Prefixes: v6}
}

func heldBack(h *irrsync.HeldBack, active apiserver.IRRCounts) *apiserver.IRRHeldBack {
	if h == nil {
		return nil
	}
	return &apiserver.IRRHeldBack{Reason: h.Reason, Since: h.Since, Active: active,
		Proposed: counts(h.NewOrigins, h.NewIPv4, h.NewIPv6)}
}

func (d *Daemon) IRRStatus(ctx context.Context, peer string) ([]apiserver.IRRStatus, error) {
	if peer != "" {
		if _, err := d.GetPeer(ctx, peer); err != nil {
			return nil, err
		}
	}
	svc := d.irr.get()
	if svc == nil {
		return nil, nil
	}
	var out []apiserver.IRRStatus
	for _, st := range svc.Status() {
		if peer != "" && st.Peer != peer {
			continue
		}
		c := counts(st.Origins, st.IPv4, st.IPv6)
		s := apiserver.IRRStatus{Peer: st.Peer, ASSet: st.ASSet, Counts: c, Sources: st.Sources,
			LastRefresh: st.LastRefresh, LastError: st.LastError, HeldBack: heldBack(st.HeldBack, c)}
		if st.LastError != "" {
			s.LastErrorAt = st.LastAttempt
		}
		out = append(out, s)
	}
	return out, nil
}

func (d *Daemon) RefreshIRR(ctx context.Context, req apiserver.IRRRefreshRequest, progress func(apiserver.IRRProgress)) ([]apiserver.IRRRefreshOutcome, error) {
	if req.Peer != "" {
		if _, err := d.GetPeer(ctx, req.Peer); err != nil {
			return nil, err
		}
	}
	svc := d.irr.get()
	if svc == nil {
		return nil, fmt.Errorf("no peer has an as_set: %w", apiserver.ErrFailedPrecondition)
	}
	results, err := svc.Refresh(ctx, req.Peer, req.Force, func(msg string) {
		progress(apiserver.IRRProgress{Peer: req.Peer, Message: msg})
	})
	switch {
	case errors.Is(err, irrsync.ErrUnknownPeer):
		return nil, fmt.Errorf("%v: %w", err, apiserver.ErrNotFound)
	case errors.Is(err, irrsync.ErrNoASSet):
		return nil, fmt.Errorf("%v: %w", err, apiserver.ErrFailedPrecondition)
	case err != nil:
		return nil, err
	}
	out := make([]apiserver.IRRRefreshOutcome, 0, len(results))
	for _, r := range results {
		out = append(out, irrOutcome(r))
	}
	return out, nil
}

func irrOutcome(r irrsync.Result) apiserver.IRRRefreshOutcome {
	c := counts(r.Origins, r.IPv4, r.IPv6)
	o := apiserver.IRRRefreshOutcome{Peer: r.Peer, Changed: r.Applied && r.Change.Added+r.Change.Deleted > 0, Counts: c}
	if r.HeldBack != nil {
		o.HeldBack = heldBack(r.HeldBack, c)
	}
	if r.Err != "" {
		o.Error = r.Err
	}
	return o
}

// publishIRR reports each refresh result on the event stream.
func (d *Daemon) publishIRR(r irrsync.Result) {
	o := irrOutcome(r)
	d.hub.Publish(apiserver.Event{Time: time.Now(), Peer: r.Peer, IRRRefresh: &o})
}
