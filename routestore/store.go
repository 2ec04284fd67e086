// Package routestore answers for every route the route server received,
// per peer, with the verdict the filters evaluator gave it: the "what was
// rejected and why" store. It keeps the rejected routes with their
// evidence and answers for the accepted ones from a Source (GoBGP's
// Adj-RIB-In, source.go). It is fed from GoBGP's received-path hook by
// routeserver and queried by the API without touching GoBGP's server loop.
package routestore

import (
	"hash/maphash"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// Key identifies one path from one peer.
type Key struct {
	Prefix netip.Prefix
	PathID uint32
}

// Entry is one received path and its verdict.
type Entry struct {
	Peer       string
	Key        Key
	Attrs      Attrs // shown, never checked
	Route      filters.Route
	Verdict    filters.Verdict
	ReceivedAt time.Time
	// Communities as received; they steer export, not the verdict.
	Communities filters.Communities
	// LearnedFrom is the peer an advertised route came from (advertised
	// view only; the store's own entries leave it empty).
	LearnedFrom string
	// AttrHash fingerprints the path attributes, so the next UPDATE can be
	// told apart as an attribute change (dampening, see Prior). The store
	// keeps it with the route's shared attributes (intern.go), rather than
	// in a per-route map of the dampening engine.
	AttrHash uint64
}

// Counts are a peer's route counters as rsguard sees them (GoBGP's own
// "accepted" counter ignores import policy).
type Counts struct {
	Received, Accepted, Rejected int
	ByReason                     map[filters.Reason]int
}

// peerTable holds a peer's routes compactly (record.go, intern.go).
// Put takes Route.Prefix to be Key.Prefix, as routeserver sends it; an
// entry where they differ is kept as given, at the cost of its own
// attribute set.
type peerTable struct {
	routes   routeMap
	rejected int
	interner
}

// replace stores r at k over old, releasing what old held.
func (t *peerTable) replace(k Key, old, r record) {
	t.routes.set(k, r)
	t.releaseSet(old.set)
}

// setVerdict replaces the verdict of the route at k.
func (t *peerTable) setVerdict(k Key, r record, v filters.Verdict, details func(filters.Verdict)) record {
	old := r.set
	old.attrs.refs++ // the new set's reference
	r.set = t.setOf(old.attrs, t.verdictOf(v, details))
	t.routes.set(k, r)
	t.releaseSet(old)
	return r
}

// Store is safe for concurrent use. Limit bounds the total number of
// entries; updates beyond it are dropped and counted in Dropped.
type Store struct {
	mu      sync.RWMutex
	peers   map[string]*peerTable
	total   int
	limit   int
	dropped uint64
	details map[string]string // interned evidence: most routes share a few texts
	seed    maphash.Seed      // of the peers' interning tables

	hist     *history          // verdict changes of the routes that changed (history.go)
	onChange func(ChangeBatch) // told of every batch of changes

	src       Source           // holds the accepted routes; nil: the store keeps them (source.go)
	evaluator func() Evaluator // the verdicts of src's routes
}

// maxInterned bounds the interning table; evidence beyond it is kept as is.
const maxInterned = 1 << 16

func (s *Store) intern(v filters.Verdict) {
	for _, rs := range [][]filters.Rejection{v.Rejections, v.Notes} {
		for i := range rs {
			d := rs[i].Detail
			if x, ok := s.details[d]; ok {
				rs[i].Detail = x
			} else if len(s.details) < maxInterned {
				s.details[d] = d
			}
		}
	}
}

// New returns a store holding at most limit entries (0: 10 million).
func New(limit int) *Store {
	if limit <= 0 {
		limit = 10_000_000
	}
	return &Store{peers: map[string]*peerTable{}, limit: limit, details: map[string]string{}, seed: maphash.MakeSeed(),
		hist: newHistory(HistoryMaxChanges)}
}

func (s *Store) table(peer string) *peerTable {
	t := s.peers[peer]
	if t == nil {
		t = &peerTable{routes: newRouteMap(), interner: newInterner(s.seed)}
		s.peers[peer] = t
	}
	return t
}

// Put records an announcement, replacing any earlier one for the same key.
// Without a Source it is Record(e, false); with one, Record with what the
// feed knows of the path before.
func (s *Store) Put(e Entry) { s.Record(e, false) }

// Record records an announcement. replaced says that the Source held a
// path at e.Key before this one (GoBGP reports it with the path): when the
// store holds none, that path was accepted, so a rejection now is a
// verdict change. With a Source, an accepted route is not kept.
func (s *Store) Record(e Entry, replaced bool) {
	var log *changeLog
	defer func() { s.publish(log) }() // runs after the unlock below
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.table(e.Peer)
	k := e.Key
	old, ok := t.routes.get(k)
	switch {
	case ok && old.set.verdict.v.Accepted() != e.Verdict.Accepted():
		log = newChangeLog(announcementCause(old.set.verdict.v, e.Verdict))
		log.note(e.Peer, e.Key, e.Route, old.set.verdict.v, e.Verdict)
	case !ok && replaced && !s.keepsAccepted() && !e.Verdict.Accepted():
		log = newChangeLog(announcementCause(acceptedVerdict, e.Verdict))
		log.note(e.Peer, e.Key, e.Route, acceptedVerdict, e.Verdict)
	}
	if e.Verdict.Accepted() && !s.keepsAccepted() {
		if ok {
			s.removeLocked(t, k, old)
		}
		return
	}
	if ok {
		if !old.set.verdict.v.Accepted() {
			t.rejected--
		}
	} else {
		if s.total >= s.limit {
			s.dropped++
			return
		}
		s.total++
	}
	// the new sets are taken before the old ones are released, so a route
	// announced again unchanged keeps its sets alive
	r := record{set: t.setOf(t.attrsOf(&e), t.verdictOf(e.Verdict, s.intern)), at: unixNano(e.ReceivedAt)}
	if ok {
		t.replace(k, old, r)
	} else {
		t.routes.set(k, r)
	}
	if !e.Verdict.Accepted() {
		t.rejected++
	}
}

// removeLocked forgets the route r at k.
func (s *Store) removeLocked(t *peerTable, k Key, r record) {
	if !r.set.verdict.v.Accepted() {
		t.rejected--
	}
	t.routes.del(k)
	t.releaseSet(r.set)
	s.total--
}

// Withdraw forgets one path and says whether the store held it. (The
// dampening engine learns whether the path was announced from GoBGP, which
// holds the accepted paths the store does not: routeserver's onPaths.)
func (s *Store) Withdraw(peer string, k Key) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.peers[peer]
	if t == nil {
		return false
	}
	old, ok := t.routes.get(k)
	if !ok {
		return false
	}
	s.removeLocked(t, k, old)
	return true
}

// DropPeer forgets every path of a peer (its session went down).
func (s *Store) DropPeer(peer string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.peers[peer]
	if t == nil {
		return 0
	}
	n := t.routes.len()
	s.total -= n
	delete(s.peers, peer)
	return n
}

// Get returns one entry.
func (s *Store) Get(peer string, k Key) (Entry, bool) {
	eval := s.sourceEvaluator()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t := s.peers[peer]; t != nil {
		if r, ok := t.routes.get(k); ok {
			return r.entry(peer, k), true
		}
	}
	if s.src != nil {
		if e, ok := s.src.ReceivedPath(peer, k); ok {
			return fromSource(peer, e, eval), true
		}
	}
	return Entry{}, false
}

// Counts returns a peer's counters.
func (s *Store) Counts(peer string) Counts {
	fc := s.FamilyCounts(peer)
	return fc[0].Plus(fc[1])
}

// Held is how many routes the store keeps itself: with a Source, the
// rejected ones only.
func (s *Store) Held() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.total
}

// Dropped is how many announcements did not fit under the limit.
func (s *Store) Dropped() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.dropped
}

// Peers lists the peers that have entries.
func (s *Store) Peers() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.peers))
	for p := range s.peers {
		out = append(out, p)
	}
	if s.src != nil {
		for _, p := range s.src.Peers() {
			if s.peers[p] == nil {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Query selects entries. Zero fields select everything.
type Query struct {
	Peer     string
	Rejected *bool          // nil: both; true: rejected only; false: accepted only
	Prefix   netip.Prefix   // exact prefix
	Contains netip.Addr     // prefixes containing this address
	Reason   filters.Reason // only entries rejected for this reason
}

func (q *Query) match(k Key, v *filters.Verdict) bool {
	if q.Rejected != nil && *q.Rejected == v.Accepted() {
		return false
	}
	if q.Prefix.IsValid() && k.Prefix != q.Prefix {
		return false
	}
	if q.Contains.IsValid() && !k.Prefix.Contains(q.Contains) {
		return false
	}
	if q.Reason != 0 && !v.Has(q.Reason) {
		return false
	}
	return true
}

// List calls fn for each matching entry, sorted by peer then prefix. It
// copies the matches first so fn may block without holding the lock.
func (s *Store) List(q Query, fn func(Entry) bool) {
	eval := s.sourceEvaluator()
	s.mu.RLock()
	var out []Entry
	for peer, t := range s.peers {
		if q.Peer != "" && q.Peer != peer {
			continue
		}
		for k, r := range t.routes.all() {
			if q.match(k, &r.set.verdict.v) {
				out = append(out, r.entry(peer, k))
			}
		}
	}
	if s.src != nil && (q.Rejected == nil || !*q.Rejected) {
		out = s.listSourceLocked(q, eval, out)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Peer != b.Peer {
			return a.Peer < b.Peer
		}
		if c := a.Key.Prefix.Addr().Compare(b.Key.Prefix.Addr()); c != 0 {
			return c < 0
		}
		if a.Key.Prefix.Bits() != b.Key.Prefix.Bits() {
			return a.Key.Prefix.Bits() < b.Key.Prefix.Bits()
		}
		return a.Key.PathID < b.Key.PathID
	})
	for _, e := range out {
		if !fn(e) {
			return
		}
	}
}

// listSourceLocked appends the source's routes that match q and that the
// store does not hold; only those are decoded and evaluated.
func (s *Store) listSourceLocked(q Query, eval Evaluator, out []Entry) []Entry {
	peers := []string{q.Peer}
	if q.Peer == "" {
		peers = s.src.Peers()
	}
	for _, peer := range peers {
		t := s.peers[peer]
		held := func(k Key) bool {
			if t == nil {
				return false
			}
			_, ok := t.routes.get(k)
			return ok
		}
		add := func(e Entry) bool {
			e = fromSource(peer, e, eval)
			if q.match(e.Key, &e.Verdict) {
				out = append(out, e)
			}
			return true
		}
		s.src.Received(peer, func(k Key) bool {
			return !held(k) && (!q.Prefix.IsValid() || k.Prefix == q.Prefix) && (!q.Contains.IsValid() || k.Prefix.Contains(q.Contains))
		}, add)
	}
	return out
}

// Reevaluate recomputes the verdict of every entry of peer (all peers when
// peer is ""), after an input changed (IRR refresh, reload, dampening). It
// returns how many verdicts changed between accept and reject.
func (s *Store) Reevaluate(peer string, eval func(peer string, r filters.Route) filters.Verdict) int {
	return s.ReevaluateBecause(CauseFilterChange, peer, eval)
}

// ReevaluateBecause is Reevaluate recording cause in the routes' history.
func (s *Store) ReevaluateBecause(cause, peer string, eval func(peer string, r filters.Route) filters.Verdict) int {
	log := newChangeLog(cause)
	defer s.publish(log)
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := 0
	for name, t := range s.peers {
		if peer != "" && name != peer {
			continue
		}
		for k, r := range t.routes.all() {
			if s.reevaluateLocked(log, name, t, k, r, eval(name, r.route(k))) {
				changed++
			}
		}
	}
	if s.src != nil {
		peers := []string{peer}
		if peer == "" {
			peers = s.src.Peers()
		}
		for _, name := range peers {
			s.src.Received(name, s.notHeldLocked(name), func(e Entry) bool {
				if s.admitLocked(log, name, e, eval(name, e.Route)) {
					changed++
				}
				return true
			})
		}
	}
	return changed
}

// reevaluateLocked gives the held route r at k the verdict v, and says
// whether it moved between accept and reject. With a Source, a route that
// is accepted now is no longer kept.
func (s *Store) reevaluateLocked(log *changeLog, peer string, t *peerTable, k Key, r record, v filters.Verdict) bool {
	rt := r.route(k)
	old := r.set.verdict.v
	log.note(peer, k, rt, old, v)
	flipped := old.Accepted() != v.Accepted()
	if v.Accepted() && !s.keepsAccepted() {
		s.removeLocked(t, k, r)
		return flipped
	}
	r = t.setVerdict(k, r, v, s.intern)
	if flipped {
		if v.Accepted() {
			t.rejected--
		} else {
			t.rejected++
		}
	}
	return flipped
}

// admitLocked takes the verdict v of the source's route e, which the
// store does not hold (it was accepted): a rejection is kept from now on.
// It says whether the verdict moved to reject.
func (s *Store) admitLocked(log *changeLog, peer string, e Entry, v filters.Verdict) bool {
	if v.Accepted() {
		return false
	}
	log.note(peer, e.Key, e.Route, acceptedVerdict, v)
	t := s.table(peer)
	if s.total >= s.limit {
		s.dropped++
		return true
	}
	s.total++
	e.Verdict = v
	t.routes.set(e.Key, record{set: t.setOf(t.attrsOf(&e), t.verdictOf(v, s.intern)), at: unixNano(e.ReceivedAt)})
	t.rejected++
	return true
}

// notHeldLocked selects the source's routes of peer the store does not
// hold.
func (s *Store) notHeldLocked(peer string) func(Key) bool {
	t := s.peers[peer]
	if t == nil {
		return nil
	}
	return func(k Key) bool { _, ok := t.routes.get(k); return !ok }
}

// ReevaluateKeys recomputes the verdicts of the given paths of one peer
// only (a dampening transition touches a handful of routes, not the table).
func (s *Store) ReevaluateKeys(peer string, keys []Key, eval func(r filters.Route) filters.Verdict) {
	s.ReevaluateKeysBecause(CauseFilterChange, peer, keys, eval)
}

// ReevaluateKeysBecause is ReevaluateKeys recording cause in the routes'
// history.
func (s *Store) ReevaluateKeysBecause(cause, peer string, keys []Key, eval func(r filters.Route) filters.Verdict) {
	log := newChangeLog(cause)
	defer s.publish(log)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.peers[peer]
	for _, k := range keys {
		if t != nil {
			if r, ok := t.routes.get(k); ok {
				s.reevaluateLocked(log, peer, t, k, r, eval(r.route(k)))
				continue
			}
		}
		if s.src == nil {
			continue
		}
		if e, ok := s.src.ReceivedPath(peer, k); ok {
			s.admitLocked(log, peer, e, eval(e.Route))
			t = s.peers[peer]
		}
	}
}
