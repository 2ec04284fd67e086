package rpki

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// Config is the [rpki] section in the form the manager uses.
type Config struct {
	Files      []string // VRP JSON exports
	RTR        []string // upstream caches, "host:port"
	SLURM      string   // RFC 8416 local overrides, "" for none
	StaleAfter time.Duration
	// Poll is how often files are checked for changes and staleness.
	Poll time.Duration
}

// Enabled reports whether any VRP source is configured.
func (c Config) Enabled() bool { return len(c.Files) > 0 || len(c.RTR) > 0 }

// Change is one new VRP table and the VRPs that differ from the previous.
type Change struct {
	Table   *Table
	Changed []VRP // announced or withdrawn
}

// Manager merges every source into one VRP set. Sources are polled (files)
// or followed (RTR); a source that turns stale is dropped from the merge
// rather than keeping possibly revoked VRPs (and the invalids they cause)
// in force; a file that fails to parse keeps its last good VRPs.
type Manager struct {
	log      logrus.FieldLogger
	onChange func(Change)

	pub     sync.Mutex // held while publishing, outside mu
	mu      sync.Mutex
	cfg     Config
	files   map[string]*fileSource
	clients map[string]*rtrSource
	slurm   *fileSLURM
	table   *Table
	lastSig string // sources' generations and freshness at the last merge
	ctx     context.Context
	kick    chan struct{}
	now     func() time.Time
}

type rtrSource struct {
	c      *Client
	cancel context.CancelFunc
}

type fileSource struct {
	path       string
	mtime      time.Time // of the last file read, good or bad
	size       int64
	gen        uint64    // successful loads
	good       time.Time // mtime of the file the VRPs came from: staleness counts from it
	vrps       []VRP
	loaded     bool
	validUntil time.Time
	err        error
}

type fileSLURM struct {
	path  string
	mtime time.Time
	size  int64
	s     *SLURM
	gen   uint64
	err   error
}

// NewManager returns a manager with no sources; onChange is called (from
// one goroutine at a time) whenever the merged set changes.
func NewManager(log logrus.FieldLogger, onChange func(Change)) *Manager {
	return &Manager{log: log, onChange: onChange, files: map[string]*fileSource{},
		clients: map[string]*rtrSource{}, table: NewTable(nil), kick: make(chan struct{}, 1), now: time.Now}
}

// Table is the current merged table.
func (m *Manager) Table() *Table {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.table
}

// Start runs the poll loop until ctx ends. Configure may be called before
// or after it.
func (m *Manager) Start(ctx context.Context) {
	m.mu.Lock()
	m.ctx = ctx
	for addr, s := range m.clients {
		if s.cancel == nil {
			m.startClient(addr, s)
		}
	}
	m.mu.Unlock()
	go m.loop(ctx)
}

func (m *Manager) startClient(addr string, s *rtrSource) {
	cctx, cancel := context.WithCancel(m.ctx)
	s.cancel = cancel
	go s.c.Run(cctx)
}

func (m *Manager) loop(ctx context.Context) {
	for {
		m.mu.Lock()
		poll := m.cfg.Poll
		m.mu.Unlock()
		if poll <= 0 {
			poll = 10 * time.Second
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			m.mu.Lock()
			for _, s := range m.clients {
				if s.cancel != nil {
					s.cancel()
				}
			}
			m.mu.Unlock()
			return
		case <-t.C:
		case <-m.kick:
			t.Stop()
		}
		m.Refresh()
	}
}

func (m *Manager) trigger() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// Configure replaces the sources (a reload): files and caches that stay
// keep their state, new caches are connected, removed ones dropped. The
// files are read before it returns, so a start has its VRPs at once.
func (m *Manager) Configure(cfg Config) {
	m.mu.Lock()
	m.cfg = cfg
	files := map[string]*fileSource{}
	for _, p := range cfg.Files {
		if f, ok := m.files[p]; ok {
			files[p] = f
		} else {
			files[p] = &fileSource{path: p}
		}
	}
	m.files = files
	clients := map[string]*rtrSource{}
	for _, a := range cfg.RTR {
		if s, ok := m.clients[a]; ok {
			clients[a] = s
			continue
		}
		s := &rtrSource{c: NewClient(a, m.trigger)}
		if cfg.StaleAfter > 0 && cfg.StaleAfter < s.c.RefreshInterval {
			// Poll the cache at least as often as it would turn stale.
			s.c.RefreshInterval = cfg.StaleAfter / 2
		}
		clients[a] = s
		if m.ctx != nil {
			m.startClient(a, s)
		}
	}
	for a, s := range m.clients {
		if _, ok := clients[a]; !ok && s.cancel != nil {
			s.cancel()
		}
	}
	m.clients = clients
	if cfg.SLURM == "" {
		m.slurm = nil
	} else if m.slurm == nil || m.slurm.path != cfg.SLURM {
		m.slurm = &fileSLURM{path: cfg.SLURM}
	}
	m.mu.Unlock()
	m.Refresh()
}

// Refresh re-reads changed files, applies staleness and publishes the
// merged set if it changed.
func (m *Manager) Refresh() {
	// pub serialises publications (onChange may take its time, e.g. to
	// wait for a router to fetch the set) without blocking Status.
	m.pub.Lock()
	defer m.pub.Unlock()
	if ch, ok := m.merge(); ok && m.onChange != nil {
		m.onChange(ch)
	}
}

// merge recomputes the set; ok when it changed.
func (m *Manager) merge() (Change, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	// Merging sorts every VRP: do it only when a source has new data or
	// changed freshness, not on every poll.
	var sig strings.Builder
	for _, p := range m.cfg.Files {
		f := m.files[p]
		m.loadFile(f, now)
		fmt.Fprintf(&sig, "f%s:%d:%v;", p, f.gen, m.fileFresh(f, now))
	}
	for _, a := range m.cfg.RTR {
		st := m.clients[a].c.Status()
		fmt.Fprintf(&sig, "r%s:%d:%v;", a, st.Gen, m.cacheFresh(st, now))
	}
	if m.slurm != nil {
		m.loadSLURM(now)
		fmt.Fprintf(&sig, "s%s:%d;", m.slurm.path, m.slurm.gen)
	}
	if sig.String() == m.lastSig {
		return Change{}, false
	}
	m.lastSig = sig.String()
	var parts [][]VRP
	for _, p := range m.cfg.Files {
		if f := m.files[p]; m.fileFresh(f, now) {
			parts = append(parts, f.vrps)
		}
	}
	for _, a := range m.cfg.RTR {
		set, st := m.clients[a].c.Snapshot()
		if m.cacheFresh(st, now) {
			parts = append(parts, set)
		}
	}
	merged := NewSet(parts...)
	if m.slurm != nil {
		merged = m.slurm.s.Apply(merged)
	}
	old := m.table.Set()
	if old.Equal(merged) {
		return Change{}, false
	}
	announce, withdraw := old.Diff(merged)
	m.table = NewTable(merged)
	m.log.WithFields(logrus.Fields{"vrps": len(merged), "announced": len(announce), "withdrawn": len(withdraw)}).Info("rpki: VRP set changed")
	return Change{Table: m.table, Changed: append(announce, withdraw...)}, true
}

func (m *Manager) fileFresh(f *fileSource, now time.Time) bool {
	if !f.loaded {
		return false
	}
	if !f.validUntil.IsZero() && now.After(f.validUntil) {
		return false
	}
	return m.cfg.StaleAfter <= 0 || now.Sub(f.good) <= m.cfg.StaleAfter
}

func (m *Manager) cacheFresh(st ClientStatus, now time.Time) bool {
	if !st.Synced {
		return false
	}
	return st.Connected || m.cfg.StaleAfter <= 0 || now.Sub(st.DownSince) <= m.cfg.StaleAfter
}

// loadFile re-reads a file whose size or mtime changed. A file that fails
// keeps its last good VRPs; the error names the file.
func (m *Manager) loadFile(f *fileSource, now time.Time) {
	fi, err := os.Stat(f.path)
	if err != nil {
		if f.err == nil || f.err.Error() != err.Error() {
			m.log.WithError(err).WithField("file", f.path).Error("rpki: VRP file unreadable: keeping its last good set until it turns stale")
		}
		f.err = err
		return
	}
	if f.loaded && fi.ModTime().Equal(f.mtime) && fi.Size() == f.size {
		return
	}
	if !f.loaded && f.err != nil && fi.ModTime().Equal(f.mtime) && fi.Size() == f.size {
		return // the same bad file: reported already
	}
	f.mtime, f.size = fi.ModTime(), fi.Size()
	data, err := os.ReadFile(f.path)
	var jf *JSONFile
	if err == nil {
		jf, err = ParseJSON(data, now)
	}
	if err != nil {
		f.err = fmt.Errorf("%s: %w", f.path, err)
		m.log.WithError(err).WithField("file", f.path).Error("rpki: VRP file rejected: keeping its last good set until it turns stale")
		return
	}
	f.vrps, f.validUntil, f.loaded, f.err, f.good = jf.VRPs, jf.ValidUntil, true, nil, fi.ModTime()
	f.gen++
	l := m.log.WithFields(logrus.Fields{"file": f.path, "vrps": len(jf.VRPs)})
	if jf.Expired > 0 {
		l = l.WithField("expired_dropped", jf.Expired)
	}
	if !jf.ValidUntil.IsZero() && now.After(jf.ValidUntil) {
		l.WithField("valid_until", jf.ValidUntil.UTC().Format(time.RFC3339)).Warn("rpki: VRP file is past its validity: not used")
		return
	}
	l.Info("rpki: VRP file loaded")
}

func (m *Manager) loadSLURM(now time.Time) {
	s := m.slurm
	fi, err := os.Stat(s.path)
	if err == nil && s.s != nil && fi.ModTime().Equal(s.mtime) && fi.Size() == s.size {
		return
	}
	if err == nil && s.err != nil && fi.ModTime().Equal(s.mtime) && fi.Size() == s.size {
		return
	}
	var parsed *SLURM
	if err == nil {
		s.mtime, s.size = fi.ModTime(), fi.Size()
		var data []byte
		if data, err = os.ReadFile(s.path); err == nil {
			parsed, err = ParseSLURM(data)
		}
	}
	if err != nil {
		if s.err == nil || s.err.Error() != err.Error() {
			m.log.WithError(err).WithField("file", s.path).Error("rpki: SLURM file rejected: keeping the last good one")
		}
		s.err = err
		return
	}
	s.s, s.err = parsed, nil
	s.gen++
	m.log.WithFields(logrus.Fields{"file": s.path, "filters": len(parsed.Filters), "assertions": len(parsed.Assertions)}).Info("rpki: SLURM loaded")
}

// SourceStatus describes one source for operators.
type SourceStatus struct {
	Kind   string // "file", "rtr" or "slurm"
	Name   string
	VRPs   int
	Fresh  bool
	Error  string
	Serial uint32
	// Updated is when the source's VRPs in force were produced: the
	// file's modification time, or the cache's last End of Data. Zero
	// when it has none.
	Updated time.Time
}

// Status lists every source.
func (m *Manager) Status() []SourceStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	var out []SourceStatus
	for _, p := range m.cfg.Files {
		f := m.files[p]
		st := SourceStatus{Kind: "file", Name: p, VRPs: len(f.vrps), Fresh: m.fileFresh(f, now), Updated: f.good}
		if f.err != nil {
			st.Error = f.err.Error()
		}
		out = append(out, st)
	}
	for _, a := range m.cfg.RTR {
		_, cs := m.clients[a].c.Snapshot()
		out = append(out, SourceStatus{Kind: "rtr", Name: a, VRPs: cs.VRPs, Fresh: m.cacheFresh(cs, now), Error: cs.LastError,
			Serial: cs.Serial, Updated: cs.LastSync})
	}
	if m.slurm != nil {
		st := SourceStatus{Kind: "slurm", Name: m.slurm.path, Fresh: m.slurm.s != nil}
		if m.slurm.err != nil {
			st.Error = m.slurm.err.Error()
		}
		out = append(out, st)
	}
	return out
}
