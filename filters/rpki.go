package filters

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/rsguard/rsguard/rpki"
)

// RPKIValidator answers RFC 6811 origin validation for the evaluator. The
// route server passes one backed by the same VRP set it serves to GoBGP,
// so the evaluator and the enforcing policy agree. nil: RPKI is off.
type RPKIValidator interface {
	Validate(p netip.Prefix, origin uint32, hasOrigin bool) (rpki.State, []rpki.VRP)
}

// maxVRPEvidence bounds the covering VRPs quoted in a rejection: a prefix
// under a big aggregate can be covered by dozens.
const maxVRPEvidence = 8

// rpkiOrigin is the origin AS RFC 6811 validates: the right-most AS of a
// path ending in an AS_SEQUENCE, NONE otherwise (empty path, confederation
// segment).
func rpkiOrigin(r *Route) (uint32, bool) { return r.ASPath.Origin() }

// endsInASSet: GoBGP v3.37 (ROATable.Validate) answers NOT_FOUND for a
// path whose last segment is an AS_SET, where RFC 6811 says origin NONE,
// hence INVALID when a VRP covers the prefix. The evaluator follows GoBGP,
// because it must explain what was enforced, never claim a rejection that
// did not happen. Such paths are deprecated (RFC 9774) and rejected by
// reason 1001 as_set_in_path.
func endsInASSet(r *Route) bool {
	return len(r.ASPath) > 0 && r.ASPath[len(r.ASPath)-1].Type == SegSet
}

// validate is the one place both checkRPKI and RPKIState ask.
func validate(r *Route, s *Settings) (rpki.State, []rpki.VRP, uint32, bool) {
	if endsInASSet(r) {
		return rpki.StateNotFound, nil, 0, false
	}
	origin, ok := rpkiOrigin(r)
	st, cov := s.RPKI.Validate(r.Prefix, origin, ok)
	return st, cov, origin, ok
}

func checkRPKI(r *Route, s *Settings, _ *Peer) (string, bool) {
	if s.RPKI == nil {
		return "", false
	}
	st, cov, origin, ok := validate(r, s)
	if st != rpki.StateInvalid {
		return "", false
	}
	o := "origin NONE (AS_PATH does not end in an AS_SEQUENCE)"
	if ok {
		o = fmt.Sprintf("origin AS%d", origin)
	}
	quoted := make([]string, 0, min(len(cov), maxVRPEvidence))
	for i, v := range cov {
		if i == maxVRPEvidence {
			quoted = append(quoted, fmt.Sprintf("and %d more", len(cov)-i))
			break
		}
		quoted = append(quoted, fmt.Sprintf("%s max /%d AS%d", v.Prefix, v.MaxLen, v.ASN))
	}
	return fmt.Sprintf("%s, /%d: no match in covering VRPs %s", o, r.Prefix.Bits(), strings.Join(quoted, ", ")), true
}

// RPKIState is the validation state of r, StateUnknown when RPKI is off.
func RPKIState(r Route, s *Settings) rpki.State {
	if s.RPKI == nil {
		return rpki.StateUnknown
	}
	st, _, _, _ := validate(&r, s)
	return st
}
