package routeserver

import (
	"time"

	"github.com/rsguard/rsguard/dampening"
	"github.com/sirupsen/logrus"
)

// Dampening durability: suppressions, releases and clears go to a journal
// under state_dir that is fsynced before the route server acts on them
// (applyDamp, ClearDampening), so a crash cannot forget a suppression that
// BGP already enforced. Penalties alone are written by the snapshot every
// 30 s (dampLoop); see dampening.Store.

// dampDurability is the engine's on-disk side. store is nil only before
// initDampening.
type dampDurability struct {
	store    *dampening.Store
	recovery dampening.Recovery
}

// openDampening restores the engine from state_dir and starts a new
// generation there. Unreadable state is reported, never fatal: the route
// server starts with what could be restored.
func (s *Server) openDampening(p dampening.Params, now time.Time, opts ...dampening.Option) (*dampening.Engine, error) {
	e, st, rec, err := dampening.OpenStore(s.cfg.Global.StateDir, p, now, opts...)
	if e == nil {
		return nil, err // invalid parameters or an unreadable state_dir
	}
	s.dampDisk = dampDurability{store: st, recovery: rec}
	log := s.log.WithFields(logrus.Fields{"state_dir": s.cfg.Global.StateDir, "generation": rec.Generation,
		"journal_entries": rec.JournalEntries, "tracked": len(e.List(now, nil))})
	for _, torn := range rec.Torn {
		log.WithField("journal", torn).Warn("dampening journal: incomplete last record ignored (a crash while appending; it was never enforced)")
	}
	for _, lost := range rec.Lost {
		log.WithField("lost", lost).Error("dampening state: could not restore")
	}
	if len(rec.Lost) > 0 {
		log.Warn("dampening " + rec.String())
	} else {
		log.Info("dampening " + rec.String())
	}
	if err != nil {
		log.WithError(err).Error("dampening state cannot be written: suppressions are not durable until it can")
	}
	return e, nil
}

// syncDampening makes the recorded transitions durable; a failure is
// logged and the transitions are still enforced: losing them on a crash is
// better than not damping at all.
func (s *Server) syncDampening() {
	if st := s.dampDisk.store; st != nil {
		if err := st.Sync(); err != nil {
			s.log.WithError(err).Error("dampening: journal write failed: recent suppressions are not durable")
		}
	}
}

func (s *Server) compactDampening() {
	if st := s.dampDisk.store; st != nil {
		if err := st.Compact(time.Now()); err != nil {
			s.log.WithError(err).Warn("dampening: saving a snapshot failed (the previous generation and its journal are kept)")
		}
	}
}

func (s *Server) closeDampening() {
	if st := s.dampDisk.store; st != nil {
		if err := st.Close(time.Now()); err != nil {
			s.log.WithError(err).Warn("dampening: saving state at shutdown failed")
		}
	}
}

// DampeningRecovery says what was restored from state_dir at start and
// what was lost, for `rsctl dampened`.
func (s *Server) DampeningRecovery() dampening.Recovery { return s.dampDisk.recovery }

// DampeningGeneration is the state generation being written now; 0 when
// state_dir cannot be written.
func (s *Server) DampeningGeneration() uint64 {
	if st := s.dampDisk.store; st != nil {
		return st.Generation()
	}
	return 0
}
