package routeserver

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/packet/mrt"
	"github.com/rsguard/rsguard/config"
	"github.com/sirupsen/logrus"
)

// MRT (RFC 6396) export under <state_dir>/mrt: periodic TABLE_DUMP_V2 of
// every peer's Adj-RIB-In and a BGP4MP log of every received UPDATE (fed
// by monitor.go). Files are written under a hidden temporary name and
// renamed when complete, so a reader never sees half a file; they are
// 0640 in a 0750 directory (they hold every route), and only the newest
// `retention` files of each kind are kept.

const (
	mrtDirName  = "mrt"
	mrtFileMode = 0o640
	mrtFlush    = time.Second
)

type mrtExport struct {
	s   *Server
	cfg config.MRT
	dir string
	log *logrus.Entry

	mu       sync.Mutex // the update log
	upd      *os.File
	updBuf   *bufio.Writer
	updFinal string
	locals   map[string]netip.Addr // peer name → our session address

	cancel context.CancelFunc
	done   chan struct{}
}

// startMRT starts the writers [mrt] asks for; nothing when it is off.
func (s *Server) startMRT(c config.MRT) error {
	if !c.Enabled() {
		return nil
	}
	dir := filepath.Join(s.Config().Global.StateDir, mrtDirName)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("[mrt]: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &mrtExport{s: s, cfg: c, dir: dir, log: s.log.WithField("mrt_dir", dir), locals: map[string]netip.Addr{},
		cancel: cancel, done: make(chan struct{})}
	if c.UpdateLog {
		if err := m.openUpdates(time.Now()); err != nil {
			cancel()
			return fmt.Errorf("[mrt] update log: %w", err)
		}
		s.mon.add("mrt", m)
	}
	s.mon.mu.Lock()
	s.mon.mrt = m
	s.mon.mu.Unlock()
	go m.run(ctx)
	m.log.WithFields(logrus.Fields{"dump_interval": c.DumpInterval, "update_log": c.UpdateLog, "rotation": c.Rotation,
		"retention": c.Retention}).Info("MRT export started")
	return nil
}

// stopMRT completes the open update log and stops the writers.
func (s *Server) stopMRT() {
	s.mon.mu.Lock()
	m := s.mon.mrt
	s.mon.mrt = nil
	s.mon.mu.Unlock()
	if m == nil {
		return
	}
	s.mon.remove("mrt")
	m.cancel()
	<-m.done
	m.mu.Lock()
	if err := m.closeUpdates(); err != nil {
		m.log.WithError(err).Warn("MRT: completing the update log")
	}
	m.mu.Unlock()
}

func (m *mrtExport) run(ctx context.Context) {
	defer close(m.done)
	var dump, rotate <-chan time.Time
	if m.cfg.DumpInterval > 0 {
		t := time.NewTicker(m.cfg.DumpInterval)
		defer t.Stop()
		dump = t.C
	}
	if m.cfg.UpdateLog {
		t := time.NewTicker(m.cfg.Rotation)
		defer t.Stop()
		rotate = t.C
	}
	flush := time.NewTicker(mrtFlush)
	defer flush.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-dump:
			if _, err := m.dumpTable(ctx, time.Now()); err != nil {
				m.log.WithError(err).Warn("MRT table dump failed")
			}
		case now := <-rotate:
			if err := m.rotateUpdates(now); err != nil {
				m.log.WithError(err).Warn("MRT update log rotation failed")
			}
		case <-flush.C:
			m.mu.Lock()
			if m.updBuf != nil {
				_ = m.updBuf.Flush()
			}
			m.mu.Unlock()
		}
	}
}

func tmpName(final string) string {
	return filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".part")
}

func (m *mrtExport) openUpdates(now time.Time) error {
	final := filepath.Join(m.dir, config.MRTFileName(m.cfg.UpdatesFile, now))
	f, err := os.OpenFile(tmpName(final), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mrtFileMode)
	if err != nil {
		return err
	}
	m.upd, m.updBuf, m.updFinal = f, bufio.NewWriterSize(f, 1<<16), final
	return nil
}

// closeUpdates flushes, syncs and renames the open update log. m.mu held.
func (m *mrtExport) closeUpdates() error {
	if m.upd == nil {
		return nil
	}
	f, final, b := m.upd, m.updFinal, m.updBuf
	m.upd, m.updBuf = nil, nil
	err := b.Flush()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), final)
	}
	if err == nil {
		m.prune(m.cfg.UpdatesFile)
	}
	return err
}

// rotateUpdates completes the current update log and starts the next.
func (m *mrtExport) rotateUpdates(now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.closeUpdates(); err != nil {
		return err
	}
	return m.openUpdates(now)
}

// path appends one BGP4MP_MESSAGE_AS4 record.
func (m *mrtExport) path(mp monitoredPath) {
	u, err := updateOf(mp.Path)
	if err != nil {
		m.log.WithError(err).WithField("peer", mp.Peer.Name).Warn("MRT: cannot rebuild an UPDATE, skipped")
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	local := m.locals[mp.Peer.Name]
	m.record(mp.At, mrt.BGP4MP, mrt.MESSAGE_AS4, mrt.NewBGP4MPMessage(mp.Peer.ASN, m.s.Config().Global.ASN, 0,
		mp.Peer.Address.String(), ipString(local, mp.Peer.Address), true, u))
}

// session logs a BGP4MP_STATE_CHANGE_AS4 record (Established or Idle).
func (m *mrtExport) session(ps peerSession) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ps.Local.IsValid() {
		m.locals[ps.Peer.Name] = ps.Local
	}
	from, to := mrt.ESTABLISHED, mrt.IDLE
	if ps.Up {
		from, to = mrt.OPENCONFIRM, mrt.ESTABLISHED
	}
	m.record(ps.At, mrt.BGP4MP, mrt.STATE_CHANGE_AS4, mrt.NewBGP4MPStateChange(ps.Peer.ASN, m.s.Config().Global.ASN, 0,
		ps.Peer.Address.String(), ipString(m.locals[ps.Peer.Name], ps.Peer.Address), true, from, to))
}

// record writes one MRT record to the update log. m.mu held.
func (m *mrtExport) record(at time.Time, t mrt.MRTType, st mrt.MRTSubTyper, body mrt.Body) {
	if m.updBuf == nil {
		return
	}
	msg, err := mrt.NewMRTMessage(uint32(at.Unix()), t, st, body)
	if err == nil {
		var buf []byte
		if buf, err = msg.Serialize(); err == nil {
			_, err = m.updBuf.Write(buf)
		}
	}
	if err != nil {
		m.log.WithError(err).Warn("MRT: cannot write an update log record")
	}
}

// dumpTable writes one TABLE_DUMP_V2 file of every peer's Adj-RIB-In and
// returns its path.
func (m *mrtExport) dumpTable(ctx context.Context, now time.Time) (string, error) {
	s := m.s
	g := s.Config().Global
	peers := s.peerList()
	sort.Slice(peers, func(i, j int) bool { return peers[i].cfg.Name < peers[j].cfg.Name })
	type rib struct {
		nlri    bgp.AddrPrefixInterface
		v6      bool
		entries []*mrt.RibEntry
	}
	ribs := map[string]*rib{}
	var index []*mrt.Peer
	for i, p := range peers {
		p.mu.Lock()
		rid := p.routerID
		p.mu.Unlock()
		if rid == "" {
			rid = "0.0.0.0"
		}
		index = append(index, mrt.NewPeer(rid, p.cfg.Address.String(), p.cfg.ASN, true))
		for _, f := range []*api.Family{familyV4, familyV6} {
			err := s.bgp.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: p.cfg.Address.String(), Family: f},
				func(d *api.Destination) {
					for _, ap := range d.Paths {
						nlri, err := apiutil.GetNativeNlri(ap)
						if err != nil {
							continue
						}
						attrs, err := apiutil.GetNativePathAttributes(ap)
						if err != nil {
							continue
						}
						r := ribs[nlri.String()]
						if r == nil {
							r = &rib{nlri: nlri, v6: f == familyV6}
							ribs[nlri.String()] = r
						}
						at := now
						if ap.Age != nil {
							at = ap.Age.AsTime()
						}
						r.entries = append(r.entries, mrt.NewRibEntry(uint16(i), uint32(at.Unix()), 0, attrs, false))
					}
				})
			if err != nil && ctx.Err() == nil {
				m.log.WithError(err).WithField("peer", p.cfg.Name).Debug("MRT: no Adj-RIB-In (peer not established)")
			}
		}
	}
	keys := make([]string, 0, len(ribs))
	for k := range ribs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	final := filepath.Join(m.dir, config.MRTFileName(m.cfg.TableFile, now))
	f, err := os.OpenFile(tmpName(final), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mrtFileMode)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	put := func(st mrt.MRTSubTyper, body mrt.Body) error {
		msg, err := mrt.NewMRTMessage(uint32(now.Unix()), mrt.TABLE_DUMPv2, st, body)
		if err != nil {
			return err
		}
		buf, err := msg.Serialize()
		if err != nil {
			return err
		}
		_, err = w.Write(buf)
		return err
	}
	err = put(mrt.PEER_INDEX_TABLE, mrt.NewPeerIndexTable(g.RouterID.String(), "rsguard", index))
	for seq, k := range keys {
		if err != nil {
			break
		}
		r := ribs[k]
		st := mrt.RIB_IPV4_UNICAST
		if r.v6 {
			st = mrt.RIB_IPV6_UNICAST
		}
		err = put(st, mrt.NewRib(uint32(seq), r.nlri, r.entries))
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", err
	}
	if err := os.Rename(f.Name(), final); err != nil {
		return "", err
	}
	m.prune(m.cfg.TableFile)
	m.log.WithFields(logrus.Fields{"file": final, "prefixes": len(keys), "peers": len(index)}).Info("MRT table dump written")
	return final, nil
}

// prune deletes the oldest files of one kind beyond the retention count.
// Only names the template can produce are touched.
func (m *mrtExport) prune(tmpl string) {
	re := config.MRTFilePattern(tmpl)
	ents, err := os.ReadDir(m.dir)
	if err != nil {
		m.log.WithError(err).Warn("MRT retention: cannot list the directory")
		return
	}
	type file struct {
		name string
		mod  time.Time
	}
	var files []file
	for _, e := range ents {
		if !e.Type().IsRegular() || !re.MatchString(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil {
			files = append(files, file{e.Name(), info.ModTime()})
		}
	}
	if len(files) <= m.cfg.Retention {
		return
	}
	sort.Slice(files, func(i, j int) bool {
		if !files[i].mod.Equal(files[j].mod) {
			return files[i].mod.Before(files[j].mod)
		}
		return files[i].name < files[j].name
	})
	for _, f := range files[:len(files)-m.cfg.Retention] {
		if err := os.Remove(filepath.Join(m.dir, f.name)); err != nil {
			m.log.WithError(err).WithField("file", f.name).Warn("MRT retention: cannot delete")
		}
	}
}
