package routeserver

import (
	"context"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/packet/bmp"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// BMP (RFC 7854) export: rsguard is the monitored router and connects to
// each [[bmp]] station. On every connection the station gets an
// Initiation, a Peer Up and the current Adj-RIB-In of every established
// peer (pre-policy: every path GoBGP holds; post-policy: those whose
// stored verdict is accepted), then the live feed (monitor.go). A station
// that cannot keep up is disconnected and re-synchronised by the next
// connection rather than silently missing updates.

const (
	bmpQueue        = 1 << 16
	bmpWriteTimeout = 30 * time.Second
	bmpMaxBackoff   = 30 * time.Second
	bmpHoldTime     = 90 // in the reconstructed OPENs of Peer Up
)

type bmpItem struct {
	path *monitoredPath
	sess *peerSession
	flip *bmpFlip
}

// bmpFlip is a stored verdict that changed after receipt.
type bmpFlip struct {
	peer     string
	key      routestore.Key
	accepted bool
}

type bmpStation struct {
	s        *Server
	cfg      config.BMPStation
	key      string
	log      *logrus.Entry
	q        chan bmpItem
	overflow atomic.Bool
	// connected gates the queue: while no connection is up nothing is
	// kept, the next connection's snapshot supersedes it.
	connected atomic.Bool
	cancel    context.CancelFunc
	done      chan struct{}
}

func (st *bmpStation) enqueue(it bmpItem) {
	if !st.connected.Load() {
		return
	}
	select {
	case st.q <- it:
	default:
		st.overflow.Store(true)
	}
}

func (st *bmpStation) path(mp monitoredPath) { st.enqueue(bmpItem{path: &mp}) }
func (st *bmpStation) session(ps peerSession) {
	st.enqueue(bmpItem{sess: &ps})
}

func (st *bmpStation) flip(peer string, k routestore.Key, accepted bool) {
	if st.post() {
		st.enqueue(bmpItem{flip: &bmpFlip{peer: peer, key: k, accepted: accepted}})
	}
}

func (st *bmpStation) pre() bool  { return st.cfg.RouteMonitoring != config.BMPPost }
func (st *bmpStation) post() bool { return st.cfg.RouteMonitoring != config.BMPPre }

func bmpKey(c config.BMPStation) string {
	return net.JoinHostPort(c.Address.String(), strconv.Itoa(int(c.Port)))
}

// startBMP starts one station's connection loop.
func (s *Server) startBMP(c config.BMPStation) {
	ctx, cancel := context.WithCancel(context.Background())
	st := &bmpStation{s: s, cfg: c, key: bmpKey(c), q: make(chan bmpItem, bmpQueue), cancel: cancel, done: make(chan struct{})}
	st.log = s.log.WithFields(logrus.Fields{"bmp_station": st.key, "route_monitoring": c.RouteMonitoring})
	s.mon.mu.Lock()
	if s.mon.stations == nil {
		s.mon.stations = map[string]*bmpStation{}
	}
	s.mon.stations[st.key] = st
	s.mon.mu.Unlock()
	s.mon.add("bmp "+st.key, st)
	go st.run(ctx)
	st.log.Info("BMP station configured")
}

// stopBMP ends a station's connection with a Termination message.
func (s *Server) stopBMP(key string) {
	s.mon.mu.Lock()
	st := s.mon.stations[key]
	delete(s.mon.stations, key)
	s.mon.mu.Unlock()
	if st == nil {
		return
	}
	s.mon.remove("bmp " + key)
	st.cancel()
	<-st.done
	st.log.Info("BMP station removed")
}

func (st *bmpStation) run(ctx context.Context) {
	defer close(st.done)
	backoff := time.Second
	d := net.Dialer{Timeout: 10 * time.Second}
	for ctx.Err() == nil {
		conn, err := d.DialContext(ctx, "tcp", st.key)
		if err != nil {
			st.log.WithError(err).WithField("retry_in", backoff).Debug("BMP station unreachable")
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, bmpMaxBackoff)
			continue
		}
		backoff = time.Second
		st.log.Info("BMP station connected")
		err = st.serve(ctx, conn)
		_ = conn.Close()
		if ctx.Err() == nil {
			st.log.WithError(err).Warn("BMP station connection lost, reconnecting")
		}
	}
}

// serve writes one connection: initiation, snapshot, then the live feed.
func (st *bmpStation) serve(ctx context.Context, conn net.Conn) error {
	write := func(m *bmp.BMPMessage) error {
		buf, err := m.Serialize()
		if err != nil {
			st.log.WithError(err).Warn("BMP: cannot encode a message, skipped")
			return nil
		}
		_ = conn.SetWriteDeadline(time.Now().Add(bmpWriteTimeout))
		_, err = conn.Write(buf)
		return err
	}
	// What arrives from here on is replayed after the snapshot, in order;
	// anything older is superseded by it.
	st.connected.Store(true)
	defer st.connected.Store(false)
	for len(st.q) > 0 {
		<-st.q
	}
	st.overflow.Store(false)
	if err := write(bmp.NewBMPInitiation([]bmp.BMPInfoTLVInterface{
		bmp.NewBMPInfoTLVString(bmp.BMP_INIT_TLV_TYPE_SYS_NAME, "rsguard"),
		bmp.NewBMPInfoTLVString(bmp.BMP_INIT_TLV_TYPE_SYS_DESCR, "rsguard route server (AS"+strconv.FormatUint(uint64(st.s.Config().Global.ASN), 10)+")"),
	})); err != nil {
		return err
	}
	if err := st.snapshot(ctx, write); err != nil {
		return err
	}
	var stats <-chan time.Time
	if st.cfg.StatisticsInterval > 0 {
		t := time.NewTicker(st.cfg.StatisticsInterval)
		defer t.Stop()
		stats = t.C
	}
	for {
		if st.overflow.Load() {
			return errBMPOverflow
		}
		select {
		case <-ctx.Done():
			return write(bmp.NewBMPTermination([]bmp.BMPTermTLVInterface{
				bmp.NewBMPTermTLV16(bmp.BMP_TERM_TLV_TYPE_REASON, bmp.BMP_TERM_REASON_PERMANENTLY_ADMIN)}))
		case it := <-st.q:
			for _, m := range st.messages(it) {
				if err := write(m); err != nil {
					return err
				}
			}
		case <-stats:
			for _, m := range st.statistics() {
				if err := write(m); err != nil {
					return err
				}
			}
		}
	}
}

type bmpError string

func (e bmpError) Error() string { return string(e) }

const errBMPOverflow = bmpError("the station fell behind the feed (queue full); reconnecting to re-synchronise")

// messages turns one feed item into BMP messages.
func (st *bmpStation) messages(it bmpItem) []*bmp.BMPMessage {
	if ps := it.sess; ps != nil {
		h := peerHeader(ps.Peer, ps.RouterID, false, ps.At)
		if ps.Up {
			sent, recv := reconstructedOpens(st.s.Config().Global, *ps)
			return []*bmp.BMPMessage{bmp.NewBMPPeerUpNotification(*h, ipString(ps.Local, ps.Peer.Address), ps.LocalPort, ps.RemotePort, sent, recv)}
		}
		return []*bmp.BMPMessage{bmp.NewBMPPeerDownNotification(*h, bmp.BMP_PEER_DOWN_REASON_REMOTE_NO_NOTIFICATION, nil, nil)}
	}
	if it.flip != nil {
		return st.flipMessages(*it.flip)
	}
	mp := it.path
	u, err := updateOf(mp.Path)
	if err != nil {
		st.log.WithError(err).WithField("peer", mp.Peer.Name).Warn("BMP: cannot rebuild an UPDATE, skipped")
		return nil
	}
	var out []*bmp.BMPMessage
	if st.pre() {
		out = append(out, bmp.NewBMPRouteMonitoring(*peerHeader(mp.Peer, mp.RouterID, false, mp.At), u))
	}
	if st.post() {
		pu := u
		if !mp.Withdraw && !mp.Accepted {
			// rejected: not in the post-policy Adj-RIB-In (any earlier
			// accepted version of the route is replaced by nothing)
			pu = withdrawalOf(mp.Path.NLRI)
		}
		out = append(out, bmp.NewBMPRouteMonitoring(*peerHeader(mp.Peer, mp.RouterID, true, mp.At), pu))
	}
	return out
}

// flipMessages updates the post-policy view for a changed verdict: the
// path GoBGP holds when it became accepted, a withdrawal when rejected.
func (st *bmpStation) flipMessages(f bmpFlip) []*bmp.BMPMessage {
	s := st.s
	s.mu.RLock()
	p := s.peers[f.peer]
	s.mu.RUnlock()
	if p == nil {
		return nil
	}
	p.mu.Lock()
	rid := p.routerID
	p.mu.Unlock()
	h := peerHeader(idOf(p), rid, true, time.Now())
	if !f.accepted {
		return []*bmp.BMPMessage{bmp.NewBMPRouteMonitoring(*h, withdrawalOf(nlriOf(f.key.Prefix)))}
	}
	fam := familyV4
	if f.key.Prefix.Addr().Is6() {
		fam = familyV6
	}
	var held *api.Path
	_ = s.bgp.ListPath(context.Background(), &api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: p.cfg.Address.String(), Family: fam,
		Prefixes: []*api.TableLookupPrefix{{Prefix: f.key.Prefix.String(), Type: api.TableLookupPrefix_EXACT}}},
		func(d *api.Destination) {
			for _, ap := range d.Paths {
				if ap.Identifier == f.key.PathID {
					held = ap
				}
			}
		})
	if held == nil {
		return nil // withdrawn meanwhile: the feed has said so
	}
	rp, err := receivedOfAPI(held)
	if err != nil {
		return nil
	}
	u, err := updateOf(rp)
	if err != nil {
		return nil
	}
	return []*bmp.BMPMessage{bmp.NewBMPRouteMonitoring(*h, u)}
}

// snapshot sends Peer Up and the Adj-RIB-In of every established peer.
func (st *bmpStation) snapshot(ctx context.Context, write func(*bmp.BMPMessage) error) error {
	s := st.s
	peers := s.peerList()
	for _, p := range peers {
		var ap *api.Peer
		_ = s.bgp.ListPeer(ctx, &api.ListPeerRequest{Address: p.cfg.Address.String()}, func(x *api.Peer) { ap = x })
		if ap == nil || ap.State == nil || ap.State.SessionState != api.PeerState_ESTABLISHED {
			continue
		}
		for _, m := range st.messages(bmpItem{sess: ptr(sessionOf(idOf(p), ap, true))}) {
			if err := write(m); err != nil {
				return err
			}
		}
		var paths []*api.Path
		for _, f := range []*api.Family{familyV4, familyV6} {
			_ = s.bgp.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: p.cfg.Address.String(), Family: f},
				func(d *api.Destination) { paths = append(paths, d.Paths...) })
		}
		for _, ap := range paths {
			rp, err := receivedOfAPI(ap)
			if err != nil {
				continue
			}
			d, err := decodeReceived(p.cfg.Address, rp)
			if err != nil {
				continue
			}
			e, ok := s.store.Get(p.cfg.Name, d.Key)
			mp := monitoredPath{Peer: idOf(p), RouterID: ap.GetSourceId(), Path: rp, Accepted: ok && e.Verdict.Accepted(), At: time.Now()}
			if ap.Age != nil {
				mp.At = ap.Age.AsTime()
			}
			for _, m := range st.messages(bmpItem{path: &mp}) {
				if err := write(m); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// statistics reports, per established peer, the routes it sent (type 7,
// Adj-RIB-In), those rsguard accepted (type 8, Loc-RIB) and rejected
// (type 0, rejected by inbound policy).
func (st *bmpStation) statistics() []*bmp.BMPMessage {
	s := st.s
	var out []*bmp.BMPMessage
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.peers {
		p.mu.Lock()
		up, rid := p.state == "ESTABLISHED", p.routerID
		p.mu.Unlock()
		if !up {
			continue
		}
		c := s.store.Counts(p.cfg.Name)
		out = append(out, bmp.NewBMPStatisticsReport(*peerHeader(idOf(p), rid, false, time.Now()), []bmp.BMPStatsTLVInterface{
			bmp.NewBMPStatsTLV32(bmp.BMP_STAT_TYPE_REJECTED, uint32(c.Rejected)),
			bmp.NewBMPStatsTLV64(bmp.BMP_STAT_TYPE_ADJ_RIB_IN, uint64(c.Received)),
			bmp.NewBMPStatsTLV64(bmp.BMP_STAT_TYPE_LOC_RIB, uint64(c.Accepted)),
		}))
	}
	return out
}

func peerHeader(pc peerID, rid string, post bool, at time.Time) *bmp.BMPPeerHeader {
	var flags uint8
	if post {
		flags |= bmp.BMP_PEER_FLAG_POST_POLICY
	}
	if rid == "" {
		rid = "0.0.0.0"
	}
	return bmp.NewBMPPeerHeader(bmp.BMP_PEER_TYPE_GLOBAL, flags, 0, pc.Address.String(), pc.ASN, rid, float64(at.UnixNano())/1e9)
}

// reconstructedOpens stands in for the OPEN messages Peer Up carries:
// GoBGP does not expose the exchanged ones, so they are rebuilt from the
// session's identities with the capabilities every rsguard session has
// (4-octet ASNs, the peer's families).
func reconstructedOpens(g config.Global, ps peerSession) (sent, recv *bgp.BGPMessage) {
	var caps []bgp.ParameterCapabilityInterface
	for _, f := range []bgp.RouteFamily{bgp.RF_IPv4_UC, bgp.RF_IPv6_UC} {
		caps = append(caps, bgp.NewCapMultiProtocol(f))
	}
	open := func(as uint32, id string) *bgp.BGPMessage {
		my := uint16(bgp.AS_TRANS)
		if as <= 0xffff {
			my = uint16(as)
		}
		c := append(append([]bgp.ParameterCapabilityInterface{}, caps...), bgp.NewCapFourOctetASNumber(as))
		return bgp.NewBGPOpenMessage(my, bmpHoldTime, id, []bgp.OptionParameterInterface{bgp.NewOptionParameterCapability(c)})
	}
	rid := ps.RouterID
	if rid == "" {
		rid = "0.0.0.0"
	}
	return open(g.ASN, g.RouterID.String()), open(ps.Peer.ASN, rid)
}

func ptr[T any](v T) *T { return &v }
