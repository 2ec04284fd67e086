package routeserver

import (
	"context"

	api "github.com/osrg/gobgp/v3/api"
)

// ReceivedCount is how many routes the speaker holds from the route server,
// from GoBGP's per-family counters (cheap even for full tables).
func (sp *Speaker) ReceivedCount(ctx context.Context) int {
	n := 0
	_ = sp.bgp.ListPeer(ctx, &api.ListPeerRequest{Address: sp.cfg.RSAddr, EnableAdvertised: false}, func(p *api.Peer) {
		for _, a := range p.AfiSafis {
			if a.State != nil {
				n += int(a.State.Received)
			}
		}
	})
	return n
}
