package routeserver

import (
	"context"
	"slices"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

// ROAs as route objects ([rpki] use_roas_as_route_objects, as in
// ARouteServer): the VRPs of the ASNs a peer may originate (its AS-SET
// expansion, or its own ASN when it has no as_set) count as registered
// prefixes, prefix up to max length, so an RPKI-valid route of a peer
// whose IRR data lags passes check 12. They are added to the peer's allowed
// list itself, so GoBGP's prefix set and the evaluator agree by
// construction. AS 0 VRPs authorise nothing and are skipped.
//
// A peer's allowed list is then base (static + IRR, what SetPeerFilter
// receives) ∪ ROA ranges; the base is remembered so that a VRP change can
// recompute the union.

// roaRanges returns the ROA-derived ranges for a peer, nil when the option
// is off.
func (s *Server) roaRanges(in *filters.Peer, origins *filters.OriginSet) []filters.PrefixRange {
	s.mu.RLock()
	on := s.cfg.RPKI.UseROAsAsRouteObjects && s.settings.RPKI != nil
	s.mu.RUnlock()
	if !on {
		return nil
	}
	allowed := func(asn uint32) bool {
		if origins != nil {
			return origins.Contains(asn)
		}
		return asn == in.ASN
	}
	var out []filters.PrefixRange
	for _, v := range s.rpki.view.table().Set() {
		if v.ASN != 0 && allowed(v.ASN) {
			out = append(out, filters.PrefixRange{Prefix: v.Prefix, Min: uint8(v.Prefix.Bits()), Max: v.MaxLen})
		}
	}
	return out
}

// withROAs records base as the peer's own list and returns base ∪ ROA
// ranges for origins (nil: the peer's current origin set). Without ROA
// ranges the list put in force IS the base, so none is recorded: a second
// copy of every peer's list cost 40 B per prefix (issue 11), and
// syncROARouteObjects reads a missing base as "the list in force".
// Callers hold writeMu, so the record and the input stored next change
// together for syncROARouteObjects.
func (s *Server) withROAs(in *filters.Peer, base []filters.PrefixRange, origins *filters.OriginSet) []filters.PrefixRange {
	if origins == nil {
		origins = in.Origins
	}
	roas := s.roaRanges(in, origins)
	if len(roas) == 0 {
		s.rpki.base.Delete(in.Name)
		return base
	}
	s.rpki.base.Store(in.Name, slices.Clone(base))
	return append(slices.Clone(base), roas...)
}

// syncROARouteObjects recomputes every peer's union after the VRPs or the
// option changed. Before the peers are installed in GoBGP only their
// inputs change (addPeer compiles from them); afterwards through
// SetPeerFilter, by diff and without a session reset.
func (s *Server) syncROARouteObjects(ctx context.Context) {
	s.mu.RLock()
	peers := make(map[string]*peer, len(s.peers))
	for n, p := range s.peers {
		peers[n] = p
	}
	s.mu.RUnlock()
	for name, p := range peers {
		base, changed := s.roaUnionChanged(p)
		if !changed {
			continue
		}
		if _, err := s.SetPeerFilter(routestore.WithCause(ctx, routestore.CauseRPKI), name, base, nil); err != nil {
			s.log.WithError(err).WithFields(logrus.Fields{"topic": "rpki", "peer": name}).Error("rpki: ROAs as route objects: updating the peer's filter failed")
		}
	}
}

// roaUnionChanged reads the peer's base (recorded, or the list in force
// when none is: see withROAs) and says whether base ∪ ROAs differs from
// the list in force. Before the peers are live it installs the new union
// itself. Under writeMu, so the input and the base record read together
// are the pair one filter change left.
func (s *Server) roaUnionChanged(p *peer) (base []filters.PrefixRange, changed bool) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	in := p.input.Load()
	base = in.Allowed.Ranges()
	if b, ok := s.rpki.base.Load(in.Name); ok {
		base = b.([]filters.PrefixRange)
	}
	want := filters.NewPrefixList(s.withROAs(in, base, nil))
	if slices.Equal(want.Ranges(), in.Allowed.Ranges()) {
		return base, false
	}
	if !s.rpki.live.Load() {
		next := *in
		next.Allowed = want
		p.input.Store(&next)
		return base, false
	}
	return base, true
}
