package irrsync

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/irr"
	"github.com/rsguard/rsguard/routeserver"
	"github.com/sirupsen/logrus"
)

// Applier is the part of the route server the syncer drives:
// (*routeserver.Server).SetPeerFilter. allowed is always the complete list
// (IRR ∪ static prefixes).
type Applier interface {
	SetPeerFilter(ctx context.Context, peer string, allowed []filters.PrefixRange, origins *filters.OriginSet) (routeserver.FilterChange, error)
}

// Options tune a Syncer beyond the config.
type Options struct {
	// Source answers the IRR queries. nil: built from [irr] servers (a
	// whois client) and files (the dumps, reloaded when they change),
	// servers first, files as the fallback. An as_set pinned to one IRR
	// source ("RIPE::AS-FOO") narrows an irr.DBSource to that source; any
	// other injected Source is asked for the bare name.
	Source irr.Source
	// Now is the clock for timestamps (default time.Now). Scheduling in Run
	// always uses real time.
	Now func() time.Time
	// Jitter spreads periodic refreshes over refresh × (1 ± Jitter), so
	// peers do not all query the registry at once (default 0.1).
	Jitter float64
	// RetryBackoff are the waits before retrying a peer whose refreshes
	// have all failed so far; the last one repeats (default 10 s, 30 s,
	// 60 s).
	RetryBackoff []time.Duration
	// ClientTimeout, when set, replaces [irr] query_timeout: the absolute
	// deadline of one whois query batch.
	ClientTimeout time.Duration
	// OnResult, when set, is called after every refresh of a peer (for the
	// event stream). It must not block for long.
	OnResult func(Result)
}

// ErrNotAttached is returned by Refresh before Attach.
var ErrNotAttached = errors.New("irrsync: no route server attached")

// ErrUnknownPeer is returned by Refresh for a peer name not in the config.
var ErrUnknownPeer = errors.New("irrsync: unknown peer")

// ErrNoASSet is returned by Refresh for a peer without as_set.
var ErrNoASSet = errors.New("irrsync: peer has no as_set")

// Syncer keeps the IRR filters of every peer with an as_set current.
type Syncer struct {
	log   *logrus.Entry
	opts  Options
	wake  chan struct{} // tells Run that Reconfigure changed its schedule
	cache irr.Cache     // its directory never changes (state_dir needs a restart)

	mu      sync.Mutex // guards everything below and every peerState's status fields
	cfg     *config.Config
	files   *fileDB // nil without [irr] files or with Options.Source
	applier Applier
	peers   map[string]*peerState
	order   []string          // peers with as_set, in config order
	handed  map[string]string // peer → as_set whose cached data InitialFilter handed out
}

// peerState is the syncer's memory of one peer. lock serialises refreshes;
// the other fields are guarded by Syncer.mu.
type peerState struct {
	lock chan struct{} // capacity 1: a mutex whose wait honours ctx

	cfg         config.Peer
	good        *lastGood // last good IRR data (applied, or loaded from the cache): its summary
	inForce     bool      // the route server holds good (else it has default deny)
	fromCache   bool      // good came from the cache, not from a refresh in this process
	everOK      bool      // a refresh succeeded (applied or held back) in this process
	dirty       bool      // the config changed: apply the next result even if identical
	soon        bool      // Run should refresh this peer at once (new or changed)
	lastAttempt time.Time
	lastErr     string
	held        *HeldBack
}

// New prepares a syncer for cfg. It reads the last-good cache of every peer
// with an as_set (under <state_dir>/irr) so InitialFilter and Status can
// use it; it does not contact any registry.
func New(cfg *config.Config, log *logrus.Logger, opts Options) (*Syncer, error) {
	if cfg == nil {
		return nil, errors.New("irrsync: nil config")
	}
	if log == nil {
		log = logrus.StandardLogger()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Jitter == 0 {
		opts.Jitter = 0.1
	}
	if opts.Jitter < 0 || opts.Jitter >= 1 {
		return nil, fmt.Errorf("irrsync: jitter %v out of range 0..1", opts.Jitter)
	}
	if len(opts.RetryBackoff) == 0 {
		opts.RetryBackoff = []time.Duration{10 * time.Second, 30 * time.Second, 60 * time.Second}
	}
	s := &Syncer{cfg: cfg, log: log.WithField("component", "irrsync"), opts: opts, wake: make(chan struct{}, 1),
		cache: irr.Cache{Dir: filepath.Join(cfg.Global.StateDir, "irr")}, peers: map[string]*peerState{},
		handed: map[string]string{}}
	if err := s.checkSources(cfg); err != nil {
		return nil, err
	}
	if removed, err := s.cache.RemoveTemps(); err != nil || len(removed) > 0 {
		s.log.WithError(err).WithField("files", removed).Warn("irr cache: removed temporary files of writes interrupted by a crash")
	}
	s.files = s.filesFor(cfg, nil)
	for _, p := range cfg.Peers {
		if p.ASSet == "" {
			continue
		}
		s.peers[p.Name] = s.newPeerState(p)
		s.order = append(s.order, p.Name)
	}
	return s, nil
}

// checkSources refuses a config whose as_set peers cannot be expanded.
func (s *Syncer) checkSources(cfg *config.Config) error {
	if s.opts.Source != nil || len(cfg.IRR.Servers) > 0 || len(cfg.IRR.Files) > 0 {
		return nil
	}
	for _, p := range cfg.Peers {
		if p.ASSet != "" {
			return fmt.Errorf("irrsync: peer %s: as_set %s cannot be expanded: [irr] lists no servers and no files", p.Name, p.ASSet)
		}
	}
	return nil
}

// filesFor returns the dump loader for cfg, reusing old when the file
// list is the same (so an unchanged dump is not parsed again).
func (s *Syncer) filesFor(cfg *config.Config, old *fileDB) *fileDB {
	switch {
	case s.opts.Source != nil || len(cfg.IRR.Files) == 0:
		return nil
	case old != nil && slices.Equal(old.paths, cfg.IRR.Files):
		return old
	}
	return &fileDB{paths: slices.Clone(cfg.IRR.Files), log: s.log}
}

func (s *Syncer) newPeerState(p config.Peer) *peerState {
	st := &peerState{lock: make(chan struct{}, 1), cfg: p}
	res, refused := s.loadCached(p)
	st.good, st.lastErr = summarise(res, false), refused // InitialFilter reads the lists back
	st.fromCache = st.good != nil
	return st
}

// loadCached returns the cached result for the peer's current as_set, or
// nil; a cache written for another as_set (the config changed) is ignored.
// A cache that is unreadable, or that a fresh refresh would not have
// produced (irr.Result.Validate: bogons, default routes, over-broad
// ranges), is refused: the peer starts at default deny, and refused says
// why, for Status.
func (s *Syncer) loadCached(p config.Peer) (res *irr.Result, refused string) {
	res, err := s.cache.Load(p.Name)
	switch {
	case errors.Is(err, irr.ErrNotCached):
		return nil, ""
	case err != nil:
		refused = "irr cache refused, peer stays at default deny until a refresh succeeds: " + err.Error()
		s.peerLog(p).WithError(err).Warn("irr cache refused: the peer stays at default deny until a refresh succeeds")
		return nil, refused
	case res.Target != p.ASSet:
		s.peerLog(p).WithField("cached_as_set", res.Target).Info("irr cache is for another as_set, ignored")
		return nil, ""
	}
	return res, ""
}

// Attach connects the syncer to the route server. Call it after
// routeserver.New and before Run or Refresh.
func (s *Syncer) Attach(a Applier) {
	s.mu.Lock()
	s.applier = a
	s.mu.Unlock()
}

// InitialFilter is routeserver.Options.InitialFilter (and the filter
// source of a reload): the peer's last good IRR data (refreshed in this
// process, or from the cache) merged with its static prefixes, and its
// origin set. (nil, nil) for peers without as_set and for peers with no
// data yet, which start default-deny.
func (s *Syncer) InitialFilter(p config.Peer) ([]filters.PrefixRange, *filters.OriginSet) {
	if p.ASSet == "" {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var good *irr.Result
	if st := s.peers[p.Name]; st != nil && st.cfg.ASSet == p.ASSet {
		if st.good != nil {
			res, err := st.good.result(s.cache, p.Name)
			if err != nil {
				s.lostCache(st, p, err)
				return nil, nil
			}
			good, st.inForce = res, true
		}
	} else {
		// A peer added or changed by a reload, before Reconfigure: its
		// cache (from an earlier life) is still better than default deny.
		good, _ = s.loadCached(p)
	}
	if good == nil {
		return nil, nil
	}
	s.handed[p.Name] = p.ASSet
	s.peerLog(p).WithFields(logrus.Fields{"origins": len(good.Origins), "ipv4": len(good.IPv4),
		"ipv6": len(good.IPv6), "fetched_at": good.FetchedAt}).Info("irr filter starts from the last-good data")
	return merge(good, p.Prefixes), originSet(p.ASSet, good)
}

// lostCache: the lists of the peer's last good data could not be read back
// from the cache. The peer starts from default deny like a peer without
// data, and Run refreshes it at once.
func (s *Syncer) lostCache(st *peerState, p config.Peer, err error) {
	s.peerLog(p).WithError(err).Error("irr cache lost: the peer's filter starts at default deny and is refreshed now")
	st.good, st.inForce, st.fromCache = nil, false, false
	st.lastErr = "irr cache lost, refreshing: " + err.Error()
	st.soon = true
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Syncer) peerLog(p config.Peer) *logrus.Entry {
	return s.log.WithFields(logrus.Fields{"peer": p.Name, "as_set": p.ASSet})
}

// merge is the complete allowed list: IRR prefixes ∪ static prefixes,
// sorted and without duplicates. It never returns nil, so the route server
// takes it as the list rather than as "use the config".
func merge(res *irr.Result, static []filters.PrefixRange) []filters.PrefixRange {
	out := make([]filters.PrefixRange, 0, res.PrefixCount()+len(static))
	if res != nil {
		out = append(out, res.IPv4...)
		out = append(out, res.IPv6...)
	}
	out = append(out, static...)
	return irr.SortRanges(out)
}

// originSet is the peer's origin set; for an ASN target Expand returns the
// ASN itself as the only origin.
func originSet(asSet string, res *irr.Result) *filters.OriginSet {
	var asns []uint32
	if res != nil {
		asns = res.Origins
	}
	return filters.NewOriginSet(asSet, asns)
}
