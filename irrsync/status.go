package irrsync

import "time"

// PeerStatus is the IRR state of one peer with an as_set.
type PeerStatus struct {
	Peer  string
	ASSet string
	// Origins, IPv4 and IPv6 count the last good IRR data (0 when nothing
	// was fetched or cached; see InForce).
	Origins, IPv4, IPv6 int
	Sources             []string // IRR sources the data in force came from
	// LastRefresh is when the last good data was fetched from the
	// registry; Age is how old it is now. Both are zero without data.
	LastRefresh time.Time
	Age         time.Duration
	LastAttempt time.Time // the last refresh attempt, whatever its outcome
	LastError   string    // why the last attempt failed; "" after a success
	HeldBack    *HeldBack // the refresh the safety brake refused, if any
	// FromCache: the data in force was loaded from the last-good cache at
	// start and no refresh has succeeded since.
	FromCache bool
	// InForce: the route server holds this data (from InitialFilter or a
	// refresh); false means the peer is still default-deny for IRR.
	InForce bool
}

// HeldBack describes a refresh refused by the safety brake. The old list
// stays in force until a refresh passes the brake or is forced.
type HeldBack struct {
	OldCount int     // prefix entries in force
	NewCount int     // prefix entries of the refused refresh
	Fraction float64 // share of entries that would have been lost, 0..1
	Since    time.Time
	Reason   string
	// NewOrigins, NewIPv4 and NewIPv6 size the refused refresh.
	NewOrigins, NewIPv4, NewIPv6 int
}

// Status reports every peer with an as_set, in config order.
func (s *Syncer) Status() []PeerStatus {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PeerStatus, 0, len(s.order))
	for _, name := range s.order {
		st := s.peers[name]
		ps := PeerStatus{Peer: name, ASSet: st.cfg.ASSet, LastAttempt: st.lastAttempt, LastError: st.lastErr,
			FromCache: st.fromCache && st.good != nil, InForce: st.inForce}
		if g := st.good; g != nil {
			ps.Origins, ps.IPv4, ps.IPv6 = g.origins, g.ipv4, g.ipv6
			ps.Sources = append([]string(nil), g.sources...)
			ps.LastRefresh = g.fetchedAt
			ps.Age = now.Sub(g.fetchedAt)
		}
		if st.held != nil {
			hb := *st.held
			ps.HeldBack = &hb
		}
		out = append(out, ps)
	}
	return out
}
