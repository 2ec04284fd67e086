package routestore

import (
	"container/list"
	"context"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// Causes of a verdict change, as the history and the events name them. An
// IRR refresh names its AS-SET ("irr refresh AS-FOO"), see IRRCause.
const (
	CauseAnnouncement = "announcement"    // the peer sent the route again, differently
	CauseReload       = "reload"          // a config reload changed the peer's filter
	CauseRPKI         = "rpki vrp change" // the VRPs covering the route changed
	CauseDampening    = "dampening"       // suppressed, reused or cleared
	CauseMaxPrefix    = "max-prefix"      // blocked past the limit or admitted again
	CauseSoftReset    = "soft reset"      // an operator re-evaluated the peer
	CauseFilterChange = "filter change"   // a filter update that named no cause
)

// IRRCause is the cause of a change brought by refreshing asSet.
func IRRCause(asSet string) string {
	if asSet == "" {
		return "irr refresh"
	}
	return "irr refresh " + asSet
}

type causeKey struct{}

// WithCause tells the store's re-evaluations under ctx why they run, so
// SetPeerFilter can record a reload and an IRR refresh differently without
// a parameter each caller must pass.
func WithCause(ctx context.Context, cause string) context.Context {
	return context.WithValue(ctx, causeKey{}, cause)
}

// CauseFrom is the cause WithCause put in ctx, else def.
func CauseFrom(ctx context.Context, def string) string {
	if c, ok := ctx.Value(causeKey{}).(string); ok && c != "" {
		return c
	}
	return def
}

// Change is one route's verdict moving between accepted and rejected.
type Change struct {
	Time  time.Time
	Peer  string
	Key   Key
	Route filters.Route
	Old   filters.Verdict
	New   filters.Verdict
	Cause string
}

// Accepted reports the direction: true for rejected → accepted.
func (c Change) Accepted() bool { return c.New.Accepted() }

// ChangeBatch is every change one store operation made, with their cause.
type ChangeBatch struct {
	Cause   string
	Changes []Change
}

// History bounds: a few changes per route, and a bounded number of changes
// in all (measured: ~38 MB of heap when each is a different route), the routes changed
// least recently forgotten first. Only routes that changed are kept, so a
// 1M-route table that never flips costs nothing.
const (
	HistoryPerRoute   = 8
	HistoryMaxChanges = 1 << 16
)

type histKey struct {
	peer string
	key  Key
}

type histRoute struct {
	key     histKey
	changes []Change // oldest first, at most HistoryPerRoute
}

type history struct {
	mu         sync.Mutex
	maxChanges int
	changes    int                       // kept in all routes
	routes     map[histKey]*list.Element // of *histRoute
	order      *list.List                // front: most recently changed
	byPrefix   map[netip.Prefix]int      // how many tracked routes have the prefix
}

func newHistory(maxChanges int) *history {
	return &history{maxChanges: maxChanges, routes: map[histKey]*list.Element{}, order: list.New(), byPrefix: map[netip.Prefix]int{}}
}

func (h *history) record(cs []Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range cs {
		k := histKey{c.Peer, c.Key}
		el, ok := h.routes[k]
		if !ok {
			el = h.order.PushFront(&histRoute{key: k})
			h.routes[k] = el
			h.byPrefix[k.key.Prefix]++
		} else {
			h.order.MoveToFront(el)
		}
		r := el.Value.(*histRoute)
		if len(r.changes) == HistoryPerRoute {
			copy(r.changes, r.changes[1:])
			r.changes = r.changes[:HistoryPerRoute-1]
			h.changes--
		}
		r.changes = append(r.changes, c)
		h.changes++
		for h.changes > h.maxChanges {
			h.evict(h.order.Back())
		}
	}
}

func (h *history) evict(el *list.Element) {
	r := h.order.Remove(el).(*histRoute)
	h.changes -= len(r.changes)
	delete(h.routes, r.key)
	if h.byPrefix[r.key.key.Prefix]--; h.byPrefix[r.key.key.Prefix] <= 0 {
		delete(h.byPrefix, r.key.key.Prefix)
	}
}

// tracked is how many routes have a history.
func (h *history) tracked() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.order.Len()
}

// query returns the changes of prefix (of one peer when peer != ""),
// newest first.
func (h *history) query(prefix netip.Prefix, peer string) []Change {
	h.mu.Lock()
	var out []Change
	if h.byPrefix[prefix] > 0 {
		for k, el := range h.routes {
			if k.key.Prefix == prefix && (peer == "" || k.peer == peer) {
				cs := el.Value.(*histRoute).changes
				for i := len(cs) - 1; i >= 0; i-- { // newest first, also at equal times
					out = append(out, cs[i])
				}
			}
		}
	}
	h.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		return out[i].Peer < out[j].Peer
	})
	return out
}

// History returns the last verdict changes of prefix (masked), of one peer
// when peer is not "", newest first.
func (s *Store) History(prefix netip.Prefix, peer string) []Change {
	return s.hist.query(prefix.Masked(), peer)
}

// HistoryRoutes is how many routes have a history kept.
func (s *Store) HistoryRoutes() int { return s.hist.tracked() }

// OnChange sets the function told of every batch of verdict changes, after
// the store's lock is released (it may take its time, but holds up the
// operation that made the changes). Set it before the store is used.
func (s *Store) OnChange(fn func(ChangeBatch)) { s.onChange = fn }

// changeLog collects the verdict flips of one store operation under the
// store's lock; publish hands them to the history and the observer after.
type changeLog struct {
	cause   string
	now     time.Time
	changes []Change
}

func newChangeLog(cause string) *changeLog { return &changeLog{cause: cause, now: time.Now()} }

// note records the verdict change of route r at k from old to next, if it
// flipped.
func (l *changeLog) note(peer string, k Key, r filters.Route, old, next filters.Verdict) {
	if l == nil || old.Accepted() == next.Accepted() {
		return
	}
	l.changes = append(l.changes, Change{Time: l.now, Peer: peer, Key: k, Route: r, Old: old, New: next, Cause: l.cause})
}

func (s *Store) publish(l *changeLog) {
	if l == nil || len(l.changes) == 0 {
		return
	}
	s.hist.record(l.changes)
	if s.onChange != nil {
		s.onChange(ChangeBatch{Cause: l.cause, Changes: l.changes})
	}
}

// announcementCause is why a new announcement's verdict differs from the
// one it replaces: the announcement that crosses the suppress threshold is
// evaluated as dampened already, and one past the max-prefix limit as
// blocked, so those show as their real cause.
func announcementCause(old, next filters.Verdict) string {
	switch {
	case next.Has(filters.ReasonDampened) != old.Has(filters.ReasonDampened):
		return CauseDampening
	case next.Has(filters.ReasonMaxPrefixBlocked) != old.Has(filters.ReasonMaxPrefixBlocked):
		return CauseMaxPrefix
	}
	return CauseAnnouncement
}
