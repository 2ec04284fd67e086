package routeserver

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/routestore"
)

// Monitoring exports (BMP stations, the MRT update log) are fed from the
// event feed (events.go), not from GoBGP's own BMP and MRT writers: for
// route-server clients GoBGP never emits post-policy updates (its
// propagateUpdate notifies the post-policy watchers only when the source
// is not a route-server client), and its DisableMrt cannot stop a writer
// (it looks the writer up by an empty file name). The feed sees every
// received path with rsguard's verdict, which the differential tests prove
// equal to what GoBGP enforces: pre-policy is every path, post-policy the
// accepted ones.

// peerID is a peer's identity: the fields a reload never rewrites in
// place (peer.setConfig), so they are read without s.mu.
type peerID struct {
	Name    string
	Address netip.Addr
	ASN     uint32
}

func idOf(p *peer) peerID { return peerID{Name: p.cfg.Name, Address: p.cfg.Address, ASN: p.cfg.ASN} }

// monitoredPath is one received path with its verdict.
type monitoredPath struct {
	Peer     peerID
	RouterID string
	Path     receivedPath // GoBGP's objects, shared: read-only
	Withdraw bool
	Accepted bool
	At       time.Time
}

// peerSession is a session that came up or went down.
type peerSession struct {
	Peer                  peerID
	RouterID              string
	Local                 netip.Addr
	LocalPort, RemotePort uint16
	Up                    bool
	At                    time.Time
}

// monitorSink receives the feed. Calls come from GoBGP's watcher goroutine
// and must not block.
type monitorSink interface {
	path(monitoredPath)
	session(peerSession)
}

// monitors is the set of sinks: BMP stations (bmp.go) and the MRT update
// log (mrt.go), each started and stopped by config.
type monitors struct {
	mu       sync.RWMutex
	sinks    map[string]monitorSink
	stations map[string]*bmpStation
	mrt      *mrtExport
}

func (m *monitors) add(key string, sk monitorSink) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sinks == nil {
		m.sinks = map[string]monitorSink{}
	}
	m.sinks[key] = sk
}

func (m *monitors) remove(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sinks, key)
}

func (m *monitors) empty() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.sinks) == 0
}

func (m *monitors) each(fn func(monitorSink)) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, sk := range m.sinks {
		fn(sk)
	}
}

// peerList is every running peer, copied out of s.mu.
func (s *Server) peerList() []*peer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	peers := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		peers = append(peers, p)
	}
	return peers
}

// monitorPath hands a received path to every sink.
func (s *Server) monitorPath(p *peer, rp receivedPath, accepted bool, at time.Time) {
	if s.mon.empty() {
		return // the usual case: no export configured
	}
	p.mu.Lock()
	rid := p.routerID
	p.mu.Unlock()
	mp := monitoredPath{Peer: idOf(p), RouterID: rid, Path: rp, Withdraw: rp.Withdraw, Accepted: accepted, At: at}
	s.mon.each(func(sk monitorSink) { sk.path(mp) })
}

// flipSink is a sink that follows verdicts changed after receipt (a
// reload, an IRR refresh, a VRP change, dampening, max-prefix).
type flipSink interface {
	flip(peer string, k routestore.Key, accepted bool)
}

// monitorChanges is told of every batch of verdict changes (after the
// store's lock is released); sinks only queue. New announcements are left
// out: the feed has handed them over with their verdict already.
func (s *Server) monitorChanges(b routestore.ChangeBatch) {
	if b.Cause == routestore.CauseAnnouncement || s.mon.empty() {
		return
	}
	s.mon.each(func(sk monitorSink) {
		if f, ok := sk.(flipSink); ok {
			for _, c := range b.Changes {
				f.flip(c.Peer, c.Key, c.Accepted())
			}
		}
	})
}

// monitorSession hands a session change to every sink.
func (s *Server) monitorSession(p *peer, ap *api.Peer, up bool) {
	ps := sessionOf(idOf(p), ap, up)
	s.mon.each(func(sk monitorSink) { sk.session(ps) })
}

func sessionOf(pc peerID, ap *api.Peer, up bool) peerSession {
	ps := peerSession{Peer: pc, Up: up, At: time.Now()}
	if ap.State != nil {
		ps.RouterID = ap.State.RouterId
	}
	if t := ap.Transport; t != nil {
		ps.Local, _ = netip.ParseAddr(t.LocalAddress)
		ps.Local = ps.Local.Unmap()
		ps.LocalPort, ps.RemotePort = uint16(t.LocalPort), uint16(t.RemotePort)
	}
	return ps
}

// updateOf rebuilds the UPDATE that carried one path: IPv4 unicast in the
// classic fields, every other family in MP_REACH / MP_UNREACH (GoBGP keeps
// one MP_REACH per received path, holding just its NLRI). The message
// shares the path's attributes; serialising does not modify them.
func updateOf(rp receivedPath) (*bgp.BGPMessage, error) {
	if rp.NLRI == nil {
		return nil, fmt.Errorf("path without an NLRI")
	}
	if rp.Withdraw {
		return withdrawalOf(rp.NLRI), nil
	}
	if v4, ok := rp.NLRI.(*bgp.IPAddrPrefix); ok {
		return bgp.NewBGPUpdateMessage(nil, rp.Attrs, []*bgp.IPAddrPrefix{v4}), nil
	}
	for _, a := range rp.Attrs {
		if _, ok := a.(*bgp.PathAttributeMpReachNLRI); ok {
			return bgp.NewBGPUpdateMessage(nil, rp.Attrs, nil), nil
		}
	}
	return nil, fmt.Errorf("%s: a non-IPv4 path without MP_REACH_NLRI", rp.NLRI)
}

// withdrawalOf is the UPDATE withdrawing one NLRI.
func withdrawalOf(nlri bgp.AddrPrefixInterface) *bgp.BGPMessage {
	if v4, ok := nlri.(*bgp.IPAddrPrefix); ok {
		return bgp.NewBGPUpdateMessage([]*bgp.IPAddrPrefix{v4}, nil, nil)
	}
	return bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeMpUnreachNLRI([]bgp.AddrPrefixInterface{nlri})}, nil)
}

// nlriOf is a stored route's prefix as GoBGP's NLRI.
func nlriOf(p netip.Prefix) bgp.AddrPrefixInterface {
	if p.Addr().Is4() {
		return bgp.NewIPAddrPrefix(uint8(p.Bits()), p.Addr().String())
	}
	return bgp.NewIPv6AddrPrefix(uint8(p.Bits()), p.Addr().String())
}

// ipString gives GoBGP's packet constructors an address string; an
// invalid address becomes the unspecified one of the peer's family.
func ipString(a netip.Addr, like netip.Addr) string {
	if a.IsValid() {
		return a.String()
	}
	if like.Is6() {
		return net.IPv6zero.String()
	}
	return "0.0.0.0"
}

// startMonitoring starts what [[bmp]] and [mrt] ask for, as at start.
func (s *Server) startMonitoring(cfg *config.Config) error {
	for _, st := range cfg.BMP {
		s.startBMP(st)
	}
	return s.startMRT(cfg.MRT)
}

// stopMonitoring ends every station (Termination) and completes the MRT
// files.
func (s *Server) stopMonitoring() {
	s.mon.mu.RLock()
	keys := make([]string, 0, len(s.mon.stations))
	for k := range s.mon.stations {
		keys = append(keys, k)
	}
	s.mon.mu.RUnlock()
	for _, k := range keys {
		s.stopBMP(k)
	}
	s.stopMRT()
}

// applyMonitoring moves the exports to a new config: stations that
// changed or went are stopped, new ones started (each connection starts
// with a full snapshot, so nothing is missed), and the MRT writers are
// restarted when [mrt] changed. The result equals a fresh start's.
func (s *Server) applyMonitoring(old, next *config.Config) error {
	want := map[string]config.BMPStation{}
	for _, st := range next.BMP {
		want[bmpKey(st)] = st
	}
	s.mon.mu.RLock()
	running := map[string]config.BMPStation{}
	for k, st := range s.mon.stations {
		running[k] = st.cfg
	}
	s.mon.mu.RUnlock()
	for k, c := range running {
		if w, ok := want[k]; !ok || w != c {
			s.stopBMP(k)
			delete(running, k)
		}
	}
	for _, st := range next.BMP {
		if _, ok := running[bmpKey(st)]; !ok {
			s.startBMP(st)
		}
	}
	if old.MRT != next.MRT {
		s.stopMRT()
		return s.startMRT(next.MRT)
	}
	return nil
}
