package routeserver

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// Options tune a Server beyond the config file.
type Options struct {
	Logger     *logrus.Logger
	StoreLimit int // max routes in the route store (0: default)
	// InitialFilter, when set, supplies a peer's allowed prefixes and
	// origin set at start (e.g. IRR data from the last-good cache), so the
	// policy GoBGP starts with already holds them. nil results fall back to
	// the config: static prefixes, and an empty origin set for a peer with
	// an as_set (nothing accepted until its AS-SET is expanded).
	InitialFilter func(config.Peer) (allowed []filters.PrefixRange, origins *filters.OriginSet)
	// OnEvent receives peer state changes, rejections, dampening
	// transitions and max-prefix sanctions. It runs on the event-feed
	// goroutine and must not block.
	OnEvent func(Event)
	// WantRejections gates per-route rejection events (nil: always).
	WantRejections func() bool
	// NoEventFeed turns the pre-policy event feed off: no route store, no
	// dampening. Only for measuring what the feed costs.
	NoEventFeed bool
}

// Server is a running route server.
type Server struct {
	log   *logrus.Logger
	bgp   *server.BgpServer
	store *routestore.Store
	adjIn *acceptedSource // the store's accepted routes: GoBGP's Adj-RIB-In
	opts  Options

	mu       sync.RWMutex
	cfg      *config.Config
	settings filters.Settings
	peers    map[string]*peer
	byAddr   map[netip.Addr]*peer

	stopWatch context.CancelFunc
	started   time.Time

	writeMu sync.Mutex // serialises live policy writes (reconcile.go)
	resets  resetScheduler

	damp     *dampening.Engine
	loopDone chan struct{} // closed when the background loops have ended

	rpki     rpkiRuntime    // RPKI origin validation (rpki.go)
	dampDisk dampDurability // journal and snapshots of damp (dampening_store.go)
	mon      monitors       // BMP stations and MRT files (monitor.go)
	feed     *feedQueue     // received paths from GoBGP's server loop (feed.go)
}

// SettingsFrom converts the [filters] table into the checks' settings.
func SettingsFrom(f config.Filters) filters.Settings {
	s := filters.DefaultSettings()
	s.IPv4Length, s.IPv6Length = f.IPv4PrefixLength, f.IPv6PrefixLength
	s.MaxASPathLen = int(f.MaxASPathLength)
	s.NextHopStrict = f.NextHop != config.NextHopOff
	return s
}

// New prepares a route server for cfg; Start runs it.
func New(cfg *config.Config, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = logrus.StandardLogger()
	}
	s := &Server{log: opts.Logger, store: routestore.New(opts.StoreLimit), cfg: cfg, opts: opts,
		settings: settingsFor(cfg), peers: map[string]*peer{}, byAddr: map[netip.Addr]*peer{}}
	s.resets.run = s.softResetIn
	s.adjIn = newAcceptedSource()
	s.store.SetSource(s.adjIn, func() routestore.Evaluator { return s.evaluator() })
	s.store.OnChange(func(b routestore.ChangeBatch) {
		s.onVerdictChanges(b)
		s.monitorChanges(b)
	})
	for _, pc := range cfg.Peers {
		p := newPeer(pc)
		p.setInitialInput(peerInput(cfg, pc, opts.InitialFilter))
		s.peers[pc.Name] = p
		s.byAddr[pc.Address] = p
	}
	return s
}

// Start starts BGP, installs the policies, starts the event watchers and
// adds the peers, in that order.
func (s *Server) Start(ctx context.Context) error {
	g := s.cfg.Global
	if err := os.MkdirAll(g.StateDir, 0o750); err != nil {
		return fmt.Errorf("state_dir %s: %w", g.StateDir, err)
	}
	lg := newGoBGPLogger(s.log)
	lg.onWarn = s.onGoBGPWarn
	lg.onInfo = s.onGoBGPInfo
	bgpOpts := []server.ServerOption{server.LoggerOption(lg)}
	if !s.opts.NoEventFeed {
		s.feed = newFeedQueue()
		bgpOpts = append(bgpOpts, server.ReceivedPathsHookOption(s.feed.push))
	}
	s.bgp = server.NewBgpServer(bgpOpts...)
	go s.bgp.Serve() // never returns (notes §1); Stop shuts the listeners
	port := int32(g.ListenPort)
	if port == 0 {
		port = -1 // config 0 means "do not listen"; GoBGP's 0 means 179
	}
	var listen []string
	for _, a := range g.ListenAddresses {
		listen = append(listen, a.String())
	}
	err := s.bgp.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn: g.ASN, RouterId: g.RouterID.String(), ListenPort: port, ListenAddresses: listen}})
	if err != nil {
		return fmt.Errorf("start BGP on %v port %d: %w", listen, g.ListenPort, err)
	}
	s.started = time.Now()
	if err := s.initDampening(s.started); err != nil {
		return s.failStart(err)
	}
	for name, p := range s.peers {
		if s.damp.PeerMode(name) != dampening.ModeOff {
			in := *p.input.Load()
			in.Dampened = s.dampedCheck(name)
			p.input.Store(&in)
		}
	}
	if err := installCompiled(ctx, s.bgp, s.compileCommon()); err != nil {
		return s.failStart(err)
	}
	if err := installExport(ctx, s.bgp, filters.CompileExportGuards(actionSettings(s.cfg))); err != nil {
		return s.failStart(err)
	}
	if err := installExport(ctx, s.bgp, filters.CompileExportCommon(exportSettings(s.cfg))); err != nil {
		return s.failStart(err)
	}
	if err := s.startRPKI(ctx); err != nil {
		return s.failStart(err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	s.stopWatch = cancel
	if !s.opts.NoEventFeed {
		if err := s.watch(wctx); err != nil {
			return s.failStart(err)
		}
	}
	if err := s.startMonitoring(s.cfg); err != nil {
		return s.failStart(err)
	}
	go s.watchConnects(wctx) // session_state: "no SYN-ACK" (synsent.go)
	s.loopDone = make(chan struct{})
	go func() {
		defer close(s.loopDone)
		s.dampLoop(wctx)
	}()
	for _, pc := range s.cfg.Peers {
		if err := s.addPeer(ctx, s.peers[pc.Name]); err != nil {
			return s.failStart(err)
		}
	}
	s.rpki.live.Store(true) // peers installed: ROA route objects go through SetPeerFilter
	s.log.WithFields(logrus.Fields{"asn": g.ASN, "router_id": g.RouterID, "listen": listen,
		"port": g.ListenPort, "peers": len(s.cfg.Peers)}).Info("route server started")
	return nil
}

func (s *Server) failStart(err error) error {
	s.Stop()
	return err
}

func (s *Server) addPeer(ctx context.Context, p *peer) error {
	if err := installCompiled(ctx, s.bgp, s.compilePeer(p)); err != nil {
		return fmt.Errorf("peer %s: policy: %w", p.cfg.Name, err)
	}
	if err := installExport(ctx, s.bgp, filters.CompileExport(exportSettings(s.Config()), p.cfg.Name, p.cfg.ASN)); err != nil {
		return fmt.Errorf("peer %s: export policy: %w", p.cfg.Name, err)
	}
	if err := s.restoreDamped(ctx, p.cfg.Name, time.Now()); err != nil {
		return fmt.Errorf("peer %s: restoring dampened routes: %w", p.cfg.Name, err)
	}
	if err := s.bgp.AddPeer(ctx, &api.AddPeerRequest{Peer: apiPeer(s.cfg.Global, p.cfg, actionSettings(s.Config()))}); err != nil {
		return fmt.Errorf("peer %s (%s): %w", p.cfg.Name, p.cfg.Address, err)
	}
	s.peerLog(p).WithField("passive", p.cfg.Passive).WithField("md5", p.cfg.Password != "").Info("peer configured")
	return nil
}

// Stop ends every session with a Cease notification and stops BGP.
func (s *Server) Stop() {
	if s.bgp == nil {
		return
	}
	s.resets.stop()
	s.stopRPKI()
	s.stopMaxPrefixTimers()
	if s.stopWatch != nil {
		s.stopWatch()
	}
	if s.loopDone != nil {
		<-s.loopDone // the dampening state is saved by now
	}
	// Administrative Shutdown with an RFC 8203 message first, so peers log
	// why the session ended (StopBgp alone says "peer de-configured").
	s.mu.RLock()
	for _, p := range s.peers {
		_ = s.bgp.DisablePeer(context.Background(), &api.DisablePeerRequest{
			Address: p.cfg.Address.String(), Communication: "rsguard shutting down"})
	}
	s.mu.RUnlock()
	// DisablePeer only queues the notification; give the sessions a moment
	// (bounded) to send it before StopBgp tears everything down.
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		up := 0
		_ = s.bgp.ListPeer(context.Background(), &api.ListPeerRequest{}, func(p *api.Peer) {
			if p.State != nil && p.State.SessionState == api.PeerState_ESTABLISHED {
				up++
			}
		})
		if up == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stopMonitoring()
	if err := s.bgp.StopBgp(context.Background(), &api.StopBgpRequest{}); err != nil {
		s.log.WithError(err).Warn("stopping BGP")
	}
	s.log.Info("route server stopped")
}

func (s *Server) peerLog(p *peer) *logrus.Entry {
	return s.log.WithFields(logrus.Fields{"peer": p.cfg.Name, "peer_address": p.cfg.Address, "peer_asn": p.cfg.ASN})
}

// Store is the route store: every received route with its verdict.
func (s *Server) Store() *routestore.Store { return s.store }

// Settings returns the checks' global settings.
func (s *Server) Settings() filters.Settings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings
}

// ErrUnknownPeer is returned for a peer name that is not configured.
var ErrUnknownPeer = errors.New("unknown peer")

// Explain evaluates a hypothetical route from a peer exactly as an
// announcement would be, without announcing it.
func (s *Server) Explain(peerName string, r filters.Route) (filters.Verdict, error) {
	s.mu.RLock()
	p, ok := s.peers[peerName]
	settings := s.settings
	s.mu.RUnlock()
	if !ok {
		return filters.Verdict{}, fmt.Errorf("%w %q", ErrUnknownPeer, peerName)
	}
	return filters.Evaluate(r, &settings, p.input.Load()), nil
}

// PeerStatus is what the operator sees for one peer.
type PeerStatus struct {
	Name, Description string
	Address           netip.Addr
	ASN               uint32
	State             string
	Since             time.Time
	RouterID          string
	Disabled          bool
	ShutdownMessage   string
	LastError         string
	LastErrorTime     time.Time
	Counts            routestore.Counts
	FamilyCounts      [2]routestore.Counts // IPv4, IPv6
	MaxPrefix         MaxPrefixStatus
	ContactNOC        string
	ContactAbuse      string
}

// Peers lists every configured peer with its state and counters.
func (s *Server) Peers() []PeerStatus {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]PeerStatus, 0, len(s.cfg.Peers))
	for _, pc := range s.cfg.Peers {
		p := s.peers[pc.Name]
		if p == nil { // being added by a reload
			continue
		}
		p.mu.Lock()
		st := PeerStatus{Name: pc.Name, Description: pc.Description, Address: pc.Address, ASN: pc.ASN,
			State: p.state, Since: p.since, RouterID: p.routerID, Disabled: p.disabled,
			ShutdownMessage: p.shutdownMsg, LastError: p.lastError, LastErrorTime: p.lastErrorAt}
		p.mu.Unlock()
		st.FamilyCounts = s.store.FamilyCounts(pc.Name) // one walk for both
		st.Counts = st.FamilyCounts[0].Plus(st.FamilyCounts[1])
		st.MaxPrefix, st.ContactNOC, st.ContactAbuse = p.limiter.status(), pc.ContactNOC, pc.ContactAbuse
		out = append(out, st)
	}
	return out
}
