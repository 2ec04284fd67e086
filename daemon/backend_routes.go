package daemon

import (
	"context"
	"fmt"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

// ListRoutes serves every view but ADVERTISED from the route store (never
// from GoBGP's filtered listing, which blocks its loop and writes back
// into Adj-RIB-In: notes §4); ADVERTISED reads GoBGP's Adj-RIB-Out.
func (d *Daemon) ListRoutes(ctx context.Context, q apiserver.RouteQuery, emit func(apiserver.RouteEntry) error) error {
	var emitErr error
	send := func(e routestore.Entry) bool {
		re := apiserver.RouteEntry{Peer: e.Peer, Route: e.Route, Rejections: e.Verdict.Rejections, ReceivedAt: e.ReceivedAt,
			RPKI: e.Verdict.RPKI, Notes: e.Verdict.Notes, Communities: e.Communities, LearnedFrom: e.LearnedFrom}
		if !q.Match(re) {
			return true
		}
		if emitErr = emit(re); emitErr != nil {
			return false
		}
		return ctx.Err() == nil
	}
	if q.View == apiserver.ViewAdvertised {
		if q.Peer == "" {
			return fmt.Errorf("the advertised view needs a peer: %w", apiserver.ErrInvalidArgument)
		}
		if err := d.rs.Advertised(ctx, q.Peer, send); err != nil {
			return apiErr(err)
		}
		return emitErr
	}
	if q.Peer != "" {
		if _, err := d.GetPeer(ctx, q.Peer); err != nil {
			return err
		}
	}
	sq := routestore.Query{Peer: q.Peer, Prefix: q.Prefix, Contains: q.Contains}
	switch q.View {
	case apiserver.ViewAccepted:
		f := false
		sq.Rejected = &f
	case apiserver.ViewRejected:
		t := true
		sq.Rejected = &t
	}
	if len(q.Reasons) == 1 {
		sq.Reason = q.Reasons[0]
	}
	d.rs.Store().List(sq, send)
	return emitErr
}

// ExplainRoute evaluates a hypothetical announcement; unset fields come
// from the route the peer actually sent for the prefix, else from the peer.
func (d *Daemon) ExplainRoute(ctx context.Context, q apiserver.ExplainQuery) (apiserver.Explanation, error) {
	peer, err := d.GetPeer(ctx, q.Peer)
	if err != nil {
		return apiserver.Explanation{}, err
	}
	r := filters.Route{Prefix: q.Prefix.Masked(), ASPath: q.ASPath, NextHop: q.NextHop}
	sent, have := d.rs.Store().Get(q.Peer, routestore.Key{Prefix: r.Prefix})
	if !q.ASPathSet {
		r.ASPath = filters.Seq(peer.ASN)
		if have {
			r.ASPath = sent.Route.ASPath
		}
	}
	if !r.NextHop.IsValid() {
		r.NextHop = peer.Address
		// the peer's own address of the route's family, as it would announce it
		if pc, ok := d.rs.Config().Peer(q.Peer); ok {
			if a, ok := pc.AddressOf(r.Prefix.Addr().Is4()); ok {
				r.NextHop = a
			}
		}
		if have {
			r.NextHop = sent.Route.NextHop
		}
	}
	comms := q.Communities
	if !q.CommunitiesSet && have {
		comms = sent.Communities
	}
	r.Blackhole = comms.CarriesBlackhole()
	v, err := d.rs.Explain(q.Peer, r)
	if err != nil {
		return apiserver.Explanation{}, apiErr(err)
	}
	exports, err := explainExports(d.rs, q.Peer, r, comms, v)
	if err != nil {
		return apiserver.Explanation{}, apiErr(err)
	}
	return apiserver.Explanation{Peer: q.Peer, Route: r, Verdict: v, Communities: comms, Exports: exports}, nil
}
