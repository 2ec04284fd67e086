package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/routeserver"
)

var _ apiserver.Backend = (*Daemon)(nil)

// apiErr maps routeserver errors to the API's sentinels.
func apiErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, routeserver.ErrUnknownPeer):
		return fmt.Errorf("%v: %w", err, apiserver.ErrNotFound)
	case errors.Is(err, routeserver.ErrNeedsRestart):
		return fmt.Errorf("%v: %w", err, apiserver.ErrFailedPrecondition)
	}
	return err
}

var peerStates = map[string]apiserver.PeerState{
	"IDLE": apiserver.PeerStateIdle, "CONNECT": apiserver.PeerStateConnect, "ACTIVE": apiserver.PeerStateActive,
	"OPENSENT": apiserver.PeerStateOpenSent, "OPENCONFIRM": apiserver.PeerStateOpenConfirm,
	"ESTABLISHED": apiserver.PeerStateEstablished,
}

func peerState(s string) apiserver.PeerState { return peerStates[s] }

func toAPIPeer(p routeserver.PeerStatus) apiserver.Peer {
	return apiserver.Peer{Name: p.Name, Description: p.Description, Address: p.Address, ASN: p.ASN,
		State: peerState(p.State), StateSince: p.Since, Received: uint64(p.Counts.Received),
		Accepted: uint64(p.Counts.Accepted), Rejected: uint64(p.Counts.Rejected),
		Disabled: p.Disabled, ShutdownMessage: p.ShutdownMessage, LastError: p.LastError,
		MaxPrefix: toAPIMaxPrefix(p.MaxPrefix), ContactNOC: p.ContactNOC, ContactAbuse: p.ContactAbuse}
}

func toAPIMaxPrefix(m routeserver.MaxPrefixStatus) apiserver.PeerMaxPrefix {
	out := apiserver.PeerMaxPrefix{Limits: m.Limits, Action: m.Policy.Action, CountRejected: m.Policy.CountRejected,
		WarnPercent: uint32(m.Policy.WarnPercent), RestartAt: m.RestartAt,
		Counted: [2]uint64{uint64(m.Counted[0]), uint64(m.Counted[1])},
		Blocked: [2]uint64{uint64(m.Blocked[0]), uint64(m.Blocked[1])}}
	if m.Policy.Action == config.MaxPrefixRestart {
		out.RestartAfter = m.Policy.RestartAfter
	}
	if m.Last != nil {
		out.LastSanction, out.LastSanctionTime = m.Last.Detail, m.Last.Time
	}
	return out
}

// withFlaps adds the peer's dampening counters.
func (d *Daemon) withFlaps(p apiserver.Peer) apiserver.Peer {
	if e := d.rs.Dampening(); e != nil {
		c := e.Counters(p.Name)
		p.Flaps = apiserver.PeerFlapCounters{Withdrawals: c.Withdrawals, AttributeChanges: c.AttributeChanges,
			Readvertisements: c.Readvertisements, Suppressions: c.Suppressions, Releases: c.Releases,
			Tracked: c.Tracked, Penalized: c.Penalized, Suppressed: c.Suppressed}
	}
	return p
}

func (d *Daemon) ListPeers(ctx context.Context) ([]apiserver.Peer, error) {
	sessions, err := d.rs.Sessions(ctx, false)
	if err != nil {
		d.log.WithError(err).Warn("reading negotiated session details failed")
	}
	var out []apiserver.Peer
	for _, p := range d.rs.Peers() {
		out = append(out, withSession(d.withChecksOff(d.withFlaps(toAPIPeer(p))), p, sessions[p.Name]))
	}
	return out, nil
}

func (d *Daemon) GetPeer(ctx context.Context, name string) (apiserver.Peer, error) {
	for _, p := range d.rs.Peers() {
		if p.Name == name {
			si, err := d.rs.Session(ctx, name)
			if err != nil {
				d.log.WithError(err).WithField("peer", name).Warn("reading negotiated session details failed")
			}
			return withSession(d.withChecksOff(d.withFlaps(toAPIPeer(p))), p, si), nil
		}
	}
	return apiserver.Peer{}, fmt.Errorf("peer %q: %w", name, apiserver.ErrNotFound)
}

func (d *Daemon) EnablePeer(ctx context.Context, name string) error {
	return apiErr(d.rs.EnablePeer(ctx, name))
}

func (d *Daemon) DisablePeer(ctx context.Context, name, message string) error {
	return apiErr(d.rs.DisablePeer(ctx, name, message))
}

func (d *Daemon) ResetPeer(ctx context.Context, name string, mode apiserver.ResetMode) error {
	return apiErr(d.rs.ResetPeer(ctx, name, mode == apiserver.ResetHard))
}
