package routeserver

import (
	"context"
	"net/netip"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// Max-prefix enforcement. The limiter (maxprefix_limiter.go) counts; this
// file acts:
//   - block: the refused route's exact prefix goes into the peer's block
//     set, which a reject statement of its import policy consults, and a
//     coalesced soft reset in takes back what GoBGP already installed
//     (the ADJIN event comes after GoBGP's import policy ran, so a route
//     past the limit is advertised for up to resetDelay plus the reset).
//     Withdrawals make room; the oldest refused routes are admitted first.
//   - shutdown / restart: GoBGP's own prefix limit is set for a moment to
//     the limit, which its Adj-RIB-In (all routes of the family) already
//     exceeds, so GoBGP sends Cease "maximum number of prefixes reached"
//     (RFC 4486 subcode 1) and holds the session down (PFX_CT) until
//     EnablePeer; then the limit is removed again. restart re-enables the
//     session after restart_after.
//   - warn: nothing but the event and the log line.
// Every sanction is an event and a log line naming the peer's contacts.

// mpBatch collects the limiter outcomes of one batch of events per peer.
type mpBatch map[*peer]*limitOutcome

func (b mpBatch) add(p *peer, o limitOutcome) {
	if o.empty() {
		return
	}
	acc := b[p]
	if acc == nil {
		acc = &limitOutcome{}
		b[p] = acc
	}
	acc.resetIn = acc.resetIn || o.resetIn
	acc.release = append(acc.release, o.release...)
	acc.unblock = append(acc.unblock, o.unblock...)
	acc.sanctions = append(acc.sanctions, o.sanctions...)
	acc.blocked = append(acc.blocked, o.blocked...)
	if o.shutdown != nil {
		acc.shutdown = o.shutdown
	}
}

// applyMaxPrefix writes a batch to GoBGP, the store, the log and the event
// feed.
func (s *Server) applyMaxPrefix(b mpBatch) {
	for p, o := range b {
		s.applyLimitOutcome(p, o)
	}
}

func (s *Server) applyLimitOutcome(p *peer, o *limitOutcome) {
	ctx := context.Background()
	if len(o.blocked)+len(o.unblock) > 0 {
		if err := s.setBlocked(ctx, p.cfg.Name, o.blocked, o.unblock); err != nil {
			s.peerLog(p).WithError(err).Error("max-prefix: updating the block set failed")
		}
	}
	if len(o.release) > 0 {
		s.refreshVerdicts(routestore.CauseMaxPrefix, p.cfg.Name, o.release)
		s.peerLog(p).WithField("released", len(o.release)).Info("max-prefix: routes below the limit again, refused routes admitted")
	}
	if o.resetIn {
		s.resets.schedule(p.cfg.Name)
	}
	for _, sc := range o.sanctions {
		s.reportSanction(p, sc)
	}
	if o.shutdown != nil {
		go s.tripMaxPrefix(p, *o.shutdown)
	}
}

func (s *Server) reportSanction(p *peer, sc Sanction) {
	l := s.peerLog(p).WithFields(logrus.Fields{"family": sc.Family, "limit": sc.Limit, "count": sc.Count,
		"action": sc.Action, "count_rejected": sc.CountRejected, "contact_noc": orNone(sc.ContactNOC),
		"contact_abuse": orNone(sc.ContactAbuse)})
	if sc.Threshold {
		l.Warn("max-prefix warning: " + sc.Detail)
	} else {
		l.Warn("max-prefix limit reached: " + sc.Detail)
	}
	sc2 := sc
	s.emit(Event{Kind: EventMaxPrefix, Time: sc.Time, Peer: p.cfg.Name, MaxPrefix: &sc2})
}

func orNone(s string) string {
	if s == "" {
		return "(none configured)"
	}
	return s
}

// setBlocked adds and removes exact prefixes of a peer's block sets.
func (s *Server) setBlocked(ctx context.Context, peer string, add, del []netip.Prefix) error {
	names := filters.SetNames(peer)
	return s.setExact(ctx, names.Block4, names.Block6, add, del)
}

// exactRanges turns the prefixes of one family into exact-match ranges.
func exactRanges(ps []netip.Prefix, v4 bool) []filters.PrefixRange {
	var out []filters.PrefixRange
	for _, p := range ps {
		if p.Addr().Is4() == v4 {
			out = append(out, filters.PrefixRange{Prefix: p, Min: uint8(p.Bits()), Max: uint8(p.Bits())})
		}
	}
	return out
}

// tripMaxPrefix ends the session with Cease/max-prefix: see the top of the
// file. GoBGP checks a lowered limit against its Adj-RIB-In at once.
func (s *Server) tripMaxPrefix(p *peer, sc Sanction) {
	ctx := context.Background()
	s.mu.RLock()
	g, cfg, as := s.cfg.Global, p.cfg, actionSettings(s.cfg)
	s.mu.RUnlock()
	ap := apiPeer(g, cfg, as)
	f, limit := familyV4, sc.Limit
	if sc.Family == famNames[famV6] {
		f = familyV6
	}
	for _, a := range ap.AfiSafis {
		if a.Config.Family.Afi == f.Afi {
			a.PrefixLimits = &api.PrefixLimit{Family: f, MaxPrefixes: limit}
		}
	}
	l := s.peerLog(p).WithField("family", sc.Family)
	if _, err := s.bgp.UpdatePeer(ctx, &api.UpdatePeerRequest{Peer: ap}); err != nil {
		l.WithError(err).Error("max-prefix: could not end the session")
	}
	if _, err := s.bgp.UpdatePeer(ctx, &api.UpdatePeerRequest{Peer: apiPeer(g, cfg, as)}); err != nil {
		l.WithError(err).Error("max-prefix: could not remove the temporary GoBGP prefix limit")
	}
}

// onMaxPrefixDown runs when GoBGP reports a session held down for its
// prefix count (PFX_CT): a "restart" sanction re-enables it later.
func (s *Server) onMaxPrefixDown(p *peer, l *logrus.Entry) {
	st := p.limiter.status()
	if st.Last == nil {
		l.Warn("session shut down: maximum prefix count exceeded; `rsctl peer enable` re-arms it")
		return
	}
	l = l.WithFields(logrus.Fields{"detail": st.Last.Detail, "contact_noc": orNone(st.Last.ContactNOC),
		"contact_abuse": orNone(st.Last.ContactAbuse)})
	if st.Last.Action != config.MaxPrefixRestart {
		l.Warn("session shut down by max-prefix; `rsctl peer enable` re-arms it")
		return
	}
	after := st.Last.RestartAfter
	l.WithField("restart_after", after).Warn("session shut down by max-prefix; it is re-enabled after restart_after")
	p.limiter.scheduleRestart(after, func() { s.restartAfterMaxPrefix(p) })
}

func (s *Server) restartAfterMaxPrefix(p *peer) {
	s.mu.RLock()
	current := s.peers[p.cfg.Name] == p
	s.mu.RUnlock()
	p.mu.Lock()
	disabled := p.disabled
	p.mu.Unlock()
	if !current || disabled || s.resets.isStopped() {
		return
	}
	s.peerLog(p).Info("max-prefix: restart_after passed, session re-enabled")
	if err := s.bgp.EnablePeer(context.Background(), &api.EnablePeerRequest{Address: p.cfg.Address.String()}); err != nil {
		s.peerLog(p).WithError(err).Error("max-prefix: re-enabling the session failed")
	}
}

// scheduleRestart arms the restart timer (replacing an earlier one).
func (l *prefixLimiter) scheduleRestart(after time.Duration, fn func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
	}
	l.restartAt = time.Now().Add(after)
	l.timer = time.AfterFunc(after, func() {
		l.mu.Lock()
		l.timer, l.restartAt = nil, time.Time{}
		l.mu.Unlock()
		fn()
	})
}

// cancelRestart stops a pending restart (operator enable, peer removed,
// server stopping).
func (l *prefixLimiter) cancelRestart() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
	}
	l.timer, l.restartAt = nil, time.Time{}
}

// sessionEnded clears a peer's limiter and block sets when its session
// leaves Established: the routes are gone with it.
func (s *Server) sessionEnded(p *peer) {
	if del := p.limiter.sessionDown(); len(del) > 0 {
		if err := s.setBlocked(context.Background(), p.cfg.Name, nil, del); err != nil {
			s.peerLog(p).WithError(err).Error("max-prefix: clearing the block set failed")
		}
	}
}

// recountMaxPrefix recounts a peer after verdicts changed without an
// UPDATE (filter update, dampening).
func (s *Server) recountMaxPrefix(peer string) {
	s.mu.RLock()
	p := s.peers[peer]
	s.mu.RUnlock()
	if p == nil || !p.limiter.active() {
		return
	}
	o := p.limiter.recount(s.store.Verdicts(peer), time.Now())
	s.applyLimitOutcome(p, &o)
}

// reconfigureMaxPrefix applies changed limits, action or contacts to a
// running peer without touching its session.
func (s *Server) reconfigureMaxPrefix(p *peer, c config.Peer) {
	o := p.limiter.reconfigure(c, s.store.Verdicts(c.Name), time.Now())
	if c.MaxPrefix.Action != config.MaxPrefixRestart {
		p.limiter.cancelRestart()
	}
	s.applyLimitOutcome(p, &o)
}

func maxPrefixChanged(a, b config.Peer) bool {
	return a.MaxPrefixesIPv4 != b.MaxPrefixesIPv4 || a.MaxPrefixesIPv6 != b.MaxPrefixesIPv6 ||
		a.MaxPrefix != b.MaxPrefix || a.ContactNOC != b.ContactNOC || a.ContactAbuse != b.ContactAbuse
}

// MaxPrefix returns a peer's max-prefix state.
func (s *Server) MaxPrefix(name string) (MaxPrefixStatus, error) {
	p, err := s.peerNamed(name)
	if err != nil {
		return MaxPrefixStatus{}, err
	}
	return p.limiter.status(), nil
}

// stopMaxPrefixTimers cancels every pending restart (server stopping).
func (s *Server) stopMaxPrefixTimers() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.peers {
		p.limiter.cancelRestart()
	}
}
