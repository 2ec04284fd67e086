package lg

import (
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

// Large community functions Alice's configs key on (ARouteServer's
// reject_cause and the Euro-IX "filtered" family).
const (
	RejectCauseFunction uint32 = 65520
	EuroIXFiltered      uint32 = 1101
)

// euroIX maps a reason to the Euro-IX RS:1101:x code ARouteServer's
// `configure` adds (route-server reference, reject codes table). Reasons
// without an entry have no Euro-IX equivalent.
var euroIX = map[filters.Reason]uint32{
	filters.ReasonASPathTooLong:        5,
	filters.ReasonBogonPrefix:          3,
	filters.ReasonNextHopMismatch:      8,
	filters.ReasonFirstASMismatch:      7,
	filters.ReasonBogonASN:             4,
	filters.ReasonTransitFreeASN:       14,
	filters.ReasonOriginNotInASSet:     10,
	filters.ReasonIPv6NotGlobalUnicast: 3,
	filters.ReasonPrefixNotRegistered:  9,
	filters.ReasonRPKIInvalid:          13,
}

// Euro-IX RPKI information communities RS:1000:x, which Alice's [rpki]
// section maps to its valid / unknown / invalid flags.
const EuroIXRPKI uint32 = 1000

var rpkiCodes = map[rpki.State]uint32{rpki.StateValid: 1, rpki.StateNotFound: 2, rpki.StateInvalid: 4}

// rpkiCommunity is the route's RPKI state as RS:1000:x; none when RPKI is
// off (marking every route "not checked" would only be noise).
func rpkiCommunity(rs uint32, s rpki.State) ([3]uint32, bool) {
	x, ok := rpkiCodes[s]
	return [3]uint32{rs, EuroIXRPKI, x}, ok
}

// reasonCommunities gives one [rs, 65520, code] per failing check, in the
// verdict's order, then the Euro-IX [rs, 1101, x] ones (each once, since
// two reasons can share one). Alice lists every community it can name, so
// its config should name only the 65520 family or each reason prints twice.
func reasonCommunities(rs uint32, rej []filters.Rejection) [][3]uint32 {
	out := make([][3]uint32, 0, 2*len(rej))
	for _, r := range rej {
		out = append(out, [3]uint32{rs, RejectCauseFunction, uint32(r.Reason)})
	}
	seen := map[uint32]bool{}
	for _, r := range rej {
		if x, ok := euroIX[r.Reason]; ok && !seen[x] {
			seen[x] = true
			out = append(out, [3]uint32{rs, EuroIXFiltered, x})
		}
	}
	return out
}
