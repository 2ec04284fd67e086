package lg

import (
	"strconv"

	"github.com/rsguard/rsguard/filters"

	"github.com/rsguard/rsguard/routestore"
)

// routeOf renders one stored route of neighbor n.
func (h *Handler) routeOf(n Neighbor, e routestore.Entry) routeJSON {
	addr := n.Address.Unmap().String()
	age := e.ReceivedAt
	if age.IsZero() {
		age = h.o.Now()
	}
	r := routeJSON{
		Network: e.Key.Prefix.String(), Gateway: addr, LearntFrom: addr, FromProtocol: NeighborID(n),
		Age: shortTime(age), Metric: 100, Primary: e.Verdict.Accepted(), Type: []string{"BGP", "univ"},
		BGP: bgpJSON{
			// LOCAL_PREF is not sent over eBGP: 100 is what BIRD shows.
			// A route without MED shows "0", as in BIRD.
			Origin: e.Attrs.Origin.String(), LocalPref: "100", MED: strconv.FormatUint(uint64(e.Attrs.MED), 10),
			ASPath:           asPathStrings(e),
			Communities:      stdCommunities(e.Communities.Std),
			LargeCommunities: append(receivedLarge(h.o.RSASN, e.Communities.Large), reasonCommunities(h.o.RSASN, e.Verdict.Rejections)...),
			ExtCommunities:   [][3]string{},
		},
		RSGuard: rsguardDetail{Peer: e.Peer, PathID: e.Key.PathID},
	}
	if e.Route.NextHop.IsValid() {
		r.BGP.NextHop = e.Route.NextHop.String()
	}
	if c, ok := rpkiCommunity(h.o.RSASN, e.Verdict.RPKI); ok {
		r.BGP.LargeCommunities = append(r.BGP.LargeCommunities, c)
		r.RSGuard.RPKI = e.Verdict.RPKI.String()
	}
	for _, x := range e.Verdict.Rejections {
		r.RSGuard.Reasons = append(r.RSGuard.Reasons, reasonJSON{Code: uint16(x.Reason), Name: x.Reason.Name(), Detail: x.Detail})
	}
	return r
}

// asPathStrings flattens the AS_PATH into decimal strings, as birdwatcher
// does (Alice drops numbers). Set members are listed in place.
func asPathStrings(e routestore.Entry) []string {
	out := []string{}
	for _, a := range e.Route.ASPath.All() {
		out = append(out, strconv.FormatUint(uint64(a), 10))
	}
	return out
}

// stdCommunities renders standard communities as birdwatcher does:
// [asn, value] numbers.
func stdCommunities(cs []filters.Community) [][2]uint32 {
	out := make([][2]uint32, 0, len(cs))
	for _, c := range cs {
		out = append(out, [2]uint32{uint32(c.ASN()), uint32(c.Value())})
	}
	return out
}

// receivedLarge renders the large communities the peer sent, except those
// in the route server's own reason and information families (RS:65520,
// RS:1101, RS:1000): Alice would show them as rsguard's verdict, and only
// rsguard may say why a route was rejected (a peer could tag its accepted
// routes "bogon"). The route server strips RS:*:* on export anyway.
func receivedLarge(rs uint32, ls []filters.LargeCommunity) [][3]uint32 {
	out := make([][3]uint32, 0, len(ls)+2)
	for _, l := range ls {
		if l.Global == rs && (l.Local1 == RejectCauseFunction || l.Local1 == EuroIXFiltered || l.Local1 == EuroIXRPKI) {
			continue
		}
		out = append(out, [3]uint32{l.Global, l.Local1, l.Local2})
	}
	return out
}
