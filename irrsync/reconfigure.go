package irrsync

import (
	"slices"

	"github.com/rsguard/rsguard/config"
)

// Reconfigure switches to a reloaded config, after the route server has
// applied it. Peers that are new, or whose as_set, IRR max lengths or
// static prefixes changed, are refreshed at once by Run and their next
// result is applied even if the IRR data is unchanged (the route server's
// view must match the new config). A change to [irr] servers, sources or
// files refreshes every peer. Removed peers are forgotten (their cache
// files stay). state_dir changes need a restart and are ignored here.
func (s *Syncer) Reconfigure(cfg *config.Config) {
	if cfg == nil {
		return
	}
	s.mu.Lock()
	old := s.cfg
	sourcesChanged := !slices.Equal(old.IRR.Servers, cfg.IRR.Servers) ||
		!slices.Equal(old.IRR.Sources, cfg.IRR.Sources) || !slices.Equal(old.IRR.Files, cfg.IRR.Files)
	s.cfg = cfg
	s.files = s.filesFor(cfg, s.files)
	peers := make(map[string]*peerState, len(cfg.Peers))
	var order []string
	for _, p := range cfg.Peers {
		if p.ASSet == "" {
			continue
		}
		st := s.peers[p.Name]
		switch {
		case st == nil || st.cfg.ASSet != p.ASSet:
			prev := st
			st = s.newPeerState(p)
			if prev != nil {
				st.lock = prev.lock // a refresh still running for the old as_set finishes first
			}
			st.inForce = st.good != nil && s.handed[p.Name] == p.ASSet
			st.soon, st.dirty = true, true
		case irrSettingsChanged(st.cfg, p):
			st.cfg = p
			st.soon, st.dirty = true, true
		default:
			st.cfg = p
			st.soon = st.soon || sourcesChanged
		}
		peers[p.Name] = st
		order = append(order, p.Name)
	}
	s.peers, s.order = peers, order
	s.mu.Unlock()
	s.log.WithField("peers", len(order)).Info("irr config reloaded")
	select {
	case s.wake <- struct{}{}:
	default: // Run has a wake-up pending already
	}
}

// irrSettingsChanged: the complete filter of the peer would differ.
func irrSettingsChanged(a, b config.Peer) bool {
	return a.ASSet != b.ASSet || a.IRRMaxLengthIPv4 != b.IRRMaxLengthIPv4 ||
		a.IRRMaxLengthIPv6 != b.IRRMaxLengthIPv6 || !slices.Equal(a.Prefixes, b.Prefixes) ||
		!slices.Equal(a.AllowedOrigins, b.AllowedOrigins)
}
