package routestore

import (
	"net/netip"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

// CoveredResult is what ReevaluateCovered did to one peer's routes.
type CoveredResult struct {
	Keys []Key // the routes re-evaluated
	// InvalidFlips counts routes that became or stopped being RPKI-invalid:
	// those GoBGP must re-evaluate too.
	InvalidFlips int
	// VerdictChanges counts routes that moved between accept and reject.
	VerdictChanges int
}

// ReevaluateCovered recomputes the verdicts of exactly the routes whose
// prefix covered reports true (a VRP change touches the routes under the
// changed VRPs' prefixes, not the table), per peer.
func (s *Store) ReevaluateCovered(covered func(netip.Prefix) bool, eval func(peer string, r filters.Route) filters.Verdict) map[string]*CoveredResult {
	log := newChangeLog(CauseRPKI)
	defer s.publish(log)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]*CoveredResult{}
	held := map[string]*KeySet{} // per peer, the store's own routes re-evaluated
	result := func(peer string) *CoveredResult {
		res := out[peer]
		if res == nil {
			res = &CoveredResult{}
			out[peer] = res
		}
		return res
	}
	for name, t := range s.peers {
		for k, r := range t.routes.all() {
			if !covered(k.Prefix) {
				continue
			}
			res := result(name)
			res.Keys = append(res.Keys, k)
			if held[name] == nil {
				held[name] = NewKeySet()
			}
			held[name].Add(k)
			old := r.set.verdict.v
			v := eval(name, r.route(k))
			if (v.RPKI == rpki.StateInvalid) != (old.RPKI == rpki.StateInvalid) {
				res.InvalidFlips++
			}
			if s.reevaluateLocked(log, name, t, k, r, v) {
				res.VerdictChanges++
			}
		}
	}
	if s.src == nil {
		return out
	}
	// The routes the store does not hold were accepted, and the RPKI state
	// they were accepted with is not kept (where invalid routes are only
	// tagged, not rejected, it may have been invalid). So every one under
	// a changed VRP counts as a possible flip: the caller has GoBGP
	// re-evaluate that peer, which a real flip needs and an unneeded one
	// only costs time.
	for _, name := range s.src.Peers() {
		notHeld := s.notHeldLocked(name)
		done := held[name] // re-evaluated above, and accepted since
		s.src.Received(name, func(k Key) bool {
			return covered(k.Prefix) && (notHeld == nil || notHeld(k)) && (done == nil || !done.Has(k))
		}, func(e Entry) bool {
			res := result(name)
			res.Keys = append(res.Keys, e.Key)
			res.InvalidFlips++
			if s.admitLocked(log, name, e, eval(name, e.Route)) {
				res.VerdictChanges++
			}
			return true
		})
	}
	return out
}
