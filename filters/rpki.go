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
// path ending in an AS_SEQUENCE, NONE otherwise (AS_SET, empty path).
func rpkiOrigin(r *Route) (uint32, bool) { return r.ASPath.Origin() }

func checkRPKI(r *Route, s *Settings, _ *Peer) (string, bool) {
	if s.RPKI == nil {
		return "", false
	}
	origin, ok := rpkiOrigin(r)
	st, cov := s.RPKI.Validate(r.Prefix, origin, ok)
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
	origin, ok := rpkiOrigin(&r)
	st, _ := s.RPKI.Validate(r.Prefix, origin, ok)
	return st
}
