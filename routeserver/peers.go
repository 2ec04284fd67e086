package routeserver

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// peer is the route server's view of one configured client.
type peer struct {
	cfg   config.Peer
	input atomic.Pointer[filters.Peer] // what the evaluator checks against

	mu          sync.Mutex
	state       string
	since       time.Time
	routerID    string
	disabled    bool
	shutdownMsg string
	lastError   string
}

func (p *peer) setState(state, routerID string, now time.Time) (changed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == state {
		return false
	}
	p.state, p.since = state, now
	if routerID != "" {
		p.routerID = routerID
	}
	return true
}

// filterInput builds the evaluator's view of a peer from its config.
func filterInput(c config.Peer) *filters.Peer {
	in := &filters.Peer{Name: c.Name, ASN: c.ASN, Address: c.Address,
		Allowed: filters.NewPrefixList(c.Prefixes)}
	if c.ASSet != "" {
		// Default deny until the AS-SET is expanded: an empty origin set
		// rejects every route, and the policy gets its origin statement.
		in.Origins = filters.NewOriginSet(c.ASSet, nil)
	}
	return in
}

// localAddressFor picks the listen address of the peer's family as the
// source of active sessions, so peers see the address they configured.
func localAddressFor(g config.Global, peer netip.Addr) string {
	for _, a := range g.ListenAddresses {
		if a.Is4() == peer.Is4() && !a.IsUnspecified() {
			return a.String()
		}
	}
	return ""
}

// apiPeer builds the GoBGP neighbour: an RFC 7947 route-server client (no
// own ASN prepended, NEXT_HOP and MED unchanged), the families it carries,
// with its import chain inline so no route is ever accepted unfiltered.
func apiPeer(g config.Global, c config.Peer) *api.Peer {
	return &api.Peer{
		Conf: &api.PeerConf{NeighborAddress: c.Address.String(), PeerAsn: c.ASN,
			AuthPassword: c.Password, Description: c.Description},
		Transport:   &api.Transport{PassiveMode: c.Passive, LocalAddress: localAddressFor(g, c.Address)},
		RouteServer: routeServerClient(),
		AfiSafis:    apiAfiSafis(c),
		ApplyPolicy: &api.ApplyPolicy{ImportPolicy: importAssignment(c.Name), ExportPolicy: exportAssignment(c.Name)},
	}
}
