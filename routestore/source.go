package routestore

import "github.com/rsguard/rsguard/filters"

// The store keeps what only rsguard knows: the routes its filters
// rejected, with the reasons and their evidence, and the history of
// verdict changes. The routes it accepted are held by the BGP engine
// anyway (GoBGP's Adj-RIB-In holds every path a peer announces), so with
// a Source the store keeps no copy of them and answers for them from the
// Source: a path the Source holds and the store does not is accepted.
// Without a Source (tests, tools) the store keeps every route itself.
//
// The Source runs ahead of the store: GoBGP updates its Adj-RIB-In before
// the feed hands the same path to the store. A path announced a moment
// ago may therefore be listed from the Source before the store has
// evaluated it; the feed's next step puts it right.

// Source is what the store answers accepted routes from. Its methods may
// be called with the store's lock held; they must not call the store.
type Source interface {
	// Peers lists the peers the source holds paths for.
	Peers() []string
	// Count is how many paths peer announces now: IPv4, IPv6.
	Count(peer string) [2]int
	// Keys calls fn with the key of every path peer announces.
	Keys(peer string, fn func(Key))
	// Received calls fn, until it returns false, with every path of
	// peer whose key want accepts (nil: all), decoded; Verdict is unset.
	Received(peer string, want func(Key) bool, fn func(Entry) bool)
	// ReceivedPath returns peer's path at k, decoded; Verdict is unset.
	ReceivedPath(peer string, k Key) (Entry, bool)
}

// Evaluator gives a route's verdict under the inputs in force now.
type Evaluator func(peer string, r filters.Route) filters.Verdict

// SetSource makes the store keep only what src does not hold, and answer
// for src's routes with the verdict evaluator() gives at the time asked.
// Set it before the store is used.
func (s *Store) SetSource(src Source, evaluator func() Evaluator) {
	s.src, s.evaluator = src, evaluator
}

// sourceEvaluator is the evaluator of the source's routes (nil without a
// source). It is taken before the store's lock: it may take locks of its
// own, which are held elsewhere while the store is called.
func (s *Store) sourceEvaluator() Evaluator {
	if s.src == nil {
		return nil
	}
	return s.evaluator()
}

// keepsAccepted: the store keeps accepted routes itself (no Source).
func (s *Store) keepsAccepted() bool { return s.src == nil }

// acceptedVerdict is the verdict of a route the store does not keep.
var acceptedVerdict = filters.Verdict{}

// fromSource completes an entry read from the source with its verdict.
func fromSource(peer string, e Entry, eval Evaluator) Entry {
	e.Peer = peer
	e.Verdict = eval(peer, e.Route)
	return e
}
