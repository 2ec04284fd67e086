package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/filters"
	"github.com/sirupsen/logrus"
)

// SpeakerConfig describes an in-process BGP speaker that peers with the
// route server: the demo's peers and the differential test's sender and
// receiver. It lives here because routeserver is the only GoBGP importer.
type SpeakerConfig struct {
	ASN      uint32
	RouterID string // unique per speaker (shared router-ids hide routes)
	Address  string // local address to dial from
	RSAddr   string // the route server's address
	RSPort   int
	RSASN    uint32
	Password string
}

// Speaker is a plain GoBGP instance peering with the route server: an
// ordinary eBGP client that prepends its ASN to what it announces (use
// RawPeer to send arbitrary paths) and records what the route server sends.
type Speaker struct {
	cfg SpeakerConfig
	bgp *server.BgpServer
}

// StartSpeaker starts the speaker and dials the route server.
func StartSpeaker(ctx context.Context, cfg SpeakerConfig, log *logrus.Logger) (*Speaker, error) {
	if log == nil {
		log = logrus.New()
		log.SetLevel(logrus.ErrorLevel)
	}
	b := server.NewBgpServer(server.LoggerOption(newGoBGPLogger(log)))
	go b.Serve()
	if err := b.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{Asn: cfg.ASN, RouterId: cfg.RouterID, ListenPort: -1}}); err != nil {
		return nil, fmt.Errorf("speaker AS%d: %w", cfg.ASN, err)
	}
	afis := []*api.AfiSafi{{Config: &api.AfiSafiConfig{Family: familyV4, Enabled: true}},
		{Config: &api.AfiSafiConfig{Family: familyV6, Enabled: true}}}
	err := b.AddPeer(ctx, &api.AddPeerRequest{Peer: &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: cfg.RSAddr, PeerAsn: cfg.RSASN, AuthPassword: cfg.Password},
		Transport: &api.Transport{LocalAddress: cfg.Address, RemotePort: uint32(cfg.RSPort)},
		Timers:    &api.Timers{Config: &api.TimersConfig{ConnectRetry: 1}},
		AfiSafis:  afis,
	}})
	if err != nil {
		b.Stop()
		return nil, fmt.Errorf("speaker AS%d: add route server: %w", cfg.ASN, err)
	}
	return &Speaker{cfg: cfg, bgp: b}, nil
}

// Stop closes the session (Cease) and the speaker.
func (sp *Speaker) Stop() { sp.bgp.Stop() }

// State returns the session state towards the route server.
func (sp *Speaker) State(ctx context.Context) string {
	state := "UNKNOWN"
	_ = sp.bgp.ListPeer(ctx, &api.ListPeerRequest{Address: sp.cfg.RSAddr}, func(p *api.Peer) {
		state = p.State.SessionState.String()
	})
	return state
}

// WaitEstablished waits until the session is up or the timeout passes.
func (sp *Speaker) WaitEstablished(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if sp.State(ctx) == api.PeerState_ESTABLISHED.String() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("speaker AS%d: session to %s not established after %s (state %s)", sp.cfg.ASN, sp.cfg.RSAddr, timeout, sp.State(ctx))
}

func nativePath(r filters.Route, withdraw bool) (*api.Path, error) {
	nlri := nlriOf(r.Prefix)
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(0), asPathAttr(r.ASPath)}
	if r.Prefix.Addr().Is4() {
		attrs = append(attrs, bgp.NewPathAttributeNextHop(r.NextHop.String()))
	} else {
		attrs = append(attrs, bgp.NewPathAttributeMpReachNLRI(r.NextHop.String(), []bgp.AddrPrefixInterface{nlri}))
	}
	return apiutil.NewPath(nlri, withdraw, attrs, time.Now())
}

// Announce originates r; GoBGP prepends the speaker's ASN on the way out
// and keeps an explicitly given next hop.
func (sp *Speaker) Announce(ctx context.Context, r filters.Route) error {
	p, err := nativePath(r, false)
	if err != nil {
		return err
	}
	_, err = sp.bgp.AddPath(ctx, &api.AddPathRequest{Path: p})
	return err
}

// Withdraw withdraws a route announced earlier.
func (sp *Speaker) Withdraw(ctx context.Context, r filters.Route) error {
	p, err := nativePath(r, false)
	if err != nil {
		return err
	}
	return sp.bgp.DeletePath(ctx, &api.DeletePathRequest{Path: p})
}

// Received lists the routes the speaker learnt from the route server.
func (sp *Speaker) Received(ctx context.Context) ([]filters.Route, error) {
	var out []filters.Route
	for _, f := range []*api.Family{familyV4, familyV6} {
		err := sp.bgp.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_ADJ_IN, Name: sp.cfg.RSAddr, Family: f},
			func(d *api.Destination) {
				for _, p := range d.Paths {
					if dp, err := decodePath(p); err == nil {
						out = append(out, dp.Route)
					}
				}
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReceivedSet indexes Received by prefix.
func (sp *Speaker) ReceivedSet(ctx context.Context) (map[netip.Prefix]filters.Route, error) {
	rs, err := sp.Received(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[netip.Prefix]filters.Route, len(rs))
	for _, r := range rs {
		m[r.Prefix] = r
	}
	return m, nil
}
