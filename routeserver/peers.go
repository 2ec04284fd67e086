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
	// limiter counts routes against max_prefixes_ipv4/_ipv6; it lives as
	// long as the peer, so a reload changes limits without a reset.
	limiter *prefixLimiter

	mu          sync.Mutex
	state       string
	since       time.Time
	routerID    string
	disabled    bool
	shutdownMsg string
	lastError   string
	lastErrorAt time.Time // when lastError was set (session_state.go)
	// gshut: the peer is being shut down gracefully (gshut.go): its
	// routes carry GRACEFUL_SHUTDOWN toward the others.
	gshut bool
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

func newPeer(pc config.Peer) *peer {
	return &peer{cfg: pc, state: "IDLE", limiter: newPrefixLimiter(pc)}
}

// setConfig takes a reloaded config that keeps the session (same name,
// address and ASN: sessionChanged re-creates the peer otherwise). Those identity fields are left untouched rather than
// rewritten with equal values: log lines read them without s.mu, and a
// whole-struct write would race with them. Callers hold s.mu.
func (p *peer) setConfig(c config.Peer) {
	p.cfg.Password, p.cfg.PasswordFile, p.cfg.Passive, p.cfg.Description = c.Password, c.PasswordFile, c.Passive, c.Description
	p.cfg.Prefixes, p.cfg.ASSet, p.cfg.Dampening = c.Prefixes, c.ASSet, c.Dampening
	p.cfg.IRRMaxLengthIPv4, p.cfg.IRRMaxLengthIPv6 = c.IRRMaxLengthIPv4, c.IRRMaxLengthIPv6
	p.cfg.MaxPrefixesIPv4, p.cfg.MaxPrefixesIPv6, p.cfg.MaxPrefix = c.MaxPrefixesIPv4, c.MaxPrefixesIPv6, c.MaxPrefix
	p.cfg.ContactNOC, p.cfg.ContactAbuse = c.ContactNOC, c.ContactAbuse
}

// setInitialInput stores the evaluator's first view of the peer, wired to
// its max-prefix block list.
func (p *peer) setInitialInput(in *filters.Peer) {
	in.Blocked = p.limiter.blockedDetail
	p.input.Store(in)
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
	withPeerLists(in, c)
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
// It has no GoBGP prefix limit: max-prefix is counted by rsguard
// (maxprefix.go), which can count accepted routes only.
func apiPeer(g config.Global, c config.Peer, as filters.ActionSettings) *api.Peer {
	return &api.Peer{
		Conf: &api.PeerConf{NeighborAddress: c.Address.String(), PeerAsn: c.ASN,
			AuthPassword: c.Password, Description: c.Description},
		Transport:   &api.Transport{PassiveMode: c.Passive, LocalAddress: localAddressFor(g, c.Address)},
		RouteServer: routeServerClient(),
		AfiSafis:    apiAfiSafis(c),
		ApplyPolicy: &api.ApplyPolicy{ImportPolicy: importAssignment(c.Name), ExportPolicy: guardedExport(exportAssignment(c.Name), as, c)},
	}
}
