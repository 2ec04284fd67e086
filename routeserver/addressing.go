package routeserver

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// withAddressing adds what the families and next-hop checks need: the
// peer's other LAN addresses, its families and its resolved next-hop policy
// (same-as needs every peer of the config, hence cfg).
func withAddressing(cfg *config.Config, pc config.Peer, in *filters.Peer) {
	for _, a := range pc.OwnAddresses() {
		if a != pc.Address.Unmap() {
			in.Addresses = append(in.Addresses, a)
		}
	}
	in.Families = pc.EnabledFamilies()
	in.NextHop = cfg.NextHopPolicy(pc)
}

// apiAfiSafis are the families GoBGP negotiates with the peer: only the
// enabled ones, so a peer never gets a family its config does not carry.
func apiAfiSafis(c config.Peer) []*api.AfiSafi {
	// No GoBGP prefix limit: max-prefix is counted by rsguard (maxprefix.go).
	afi := func(f *api.Family) *api.AfiSafi {
		return &api.AfiSafi{Config: &api.AfiSafiConfig{Family: f, Enabled: true}}
	}
	var out []*api.AfiSafi
	en := c.EnabledFamilies()
	if en.Has(filters.FamilyIPv4) {
		out = append(out, afi(familyV4))
	}
	if en.Has(filters.FamilyIPv6) {
		out = append(out, afi(familyV6))
	}
	return out
}

// addressingChanged: the peer's addresses, families or resolved next-hop
// policy differ (same-as also changes when another peer of its ASN does).
// Families are negotiated in the OPEN, so such a peer is re-created.
func addressingChanged(old, next *config.Config, a, b config.Peer) bool {
	return !reflect.DeepEqual(a.OwnAddresses(), b.OwnAddresses()) || a.EnabledFamilies() != b.EnabledFamilies() ||
		!reflect.DeepEqual(old.NextHopPolicy(a), next.NextHopPolicy(b))
}

// notNegotiated says which families the peer offered in its OPEN that its
// config does not enable. GoBGP does not negotiate them, so well-behaved
// speakers never send those routes and nothing would show up in the
// rejected view: this is what the operator sees instead.
func notNegotiated(remote []*api.Family, enabled filters.Families) []string {
	var out []string
	for _, f := range remote {
		switch {
		case f.Safi != api.Family_SAFI_UNICAST:
			out = append(out, fmt.Sprintf("afi %d safi %d", f.Afi, f.Safi))
		case f.Afi == api.Family_AFI_IP && !enabled.Has(filters.FamilyIPv4):
			out = append(out, "ipv4")
		case f.Afi == api.Family_AFI_IP6 && !enabled.Has(filters.FamilyIPv6):
			out = append(out, "ipv6")
		}
	}
	return out
}

// checkOfferedFamilies runs when a session is established: families the
// peer offered but its config does not enable are logged and shown as the
// peer's last error (rsctl peers / peer show).
func (s *Server) checkOfferedFamilies(p *peer) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var remote []*api.Family
	_ = s.bgp.ListPeer(ctx, &api.ListPeerRequest{Address: p.cfg.Address.String()}, func(ap *api.Peer) {
		for _, c := range ap.GetState().GetRemoteCap() {
			mp := &api.MultiProtocolCapability{}
			if c.UnmarshalTo(mp) == nil && mp.Family != nil {
				remote = append(remote, mp.Family)
			}
		}
	})
	// EnabledFamilies copies the whole config.Peer: read it under s.mu,
	// which a reload's setConfig holds.
	s.mu.RLock()
	enabled := p.cfg.EnabledFamilies()
	s.mu.RUnlock()
	off := notNegotiated(remote, enabled)
	if len(off) == 0 {
		return
	}
	msg := fmt.Sprintf("peer offered %s, not enabled for it (families: %s): not negotiated, its routes of that family are not accepted (reason 4 invalid_afi)",
		strings.Join(off, ", "), enabled)
	p.mu.Lock()
	if !strings.HasPrefix(p.lastError, familyResetPrefix) { // the reset says more
		p.lastError, p.lastErrorAt = msg, time.Now()
	}
	p.mu.Unlock()
	s.peerLog(p).WithField("families_not_negotiated", off).Warn(msg)
}

const familyResetPrefix = "session reset:"

// onFamilyViolation records a session GoBGP reset because the peer sent a
// route of a family that was not negotiated (RFC 4760 §7 allows treating
// it as an error, GoBGP resets): the route never reaches the store, so the
// peer's last error says what happened.
func (s *Server) onFamilyViolation(msg string, f gobgplog.Fields) {
	err := fmt.Sprint(f["error"])
	if msg != "Session will be reset due to malformed BGP update message" || !strings.Contains(err, "not available for session") {
		return
	}
	p := s.peerByAddress(fmt.Sprint(f["Key"]))
	if p == nil {
		return
	}
	text := fmt.Sprintf(familyResetPrefix+" the peer sent a route of a family not negotiated for it (families: %s; reason 4 invalid_afi): %s",
		p.cfg.EnabledFamilies(), err)
	p.mu.Lock()
	p.lastError, p.lastErrorAt = text, time.Now()
	p.mu.Unlock()
	s.peerLog(p).Warn(text)
}
