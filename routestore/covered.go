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
	for name, t := range s.peers {
		for k, r := range t.routes.all() {
			if !covered(k.Prefix) {
				continue
			}
			res := out[name]
			if res == nil {
				res = &CoveredResult{}
				out[name] = res
			}
			res.Keys = append(res.Keys, k)
			rt := r.route(k)
			old := r.set.verdict.v
			was, wasInvalid := old.Accepted(), old.RPKI == rpki.StateInvalid
			r = t.setVerdict(k, r, eval(name, rt), s.intern)
			log.note(name, k, rt, old, r.set.verdict.v)
			if (r.set.verdict.v.RPKI == rpki.StateInvalid) != wasInvalid {
				res.InvalidFlips++
			}
			if now := r.set.verdict.v.Accepted(); now != was {
				res.VerdictChanges++
				if now {
					t.rejected--
				} else {
					t.rejected++
				}
			}
		}
	}
	return out
}
