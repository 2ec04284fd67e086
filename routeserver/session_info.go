package routeserver

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"google.golang.org/protobuf/types/known/anypb"
)

// SessionInfo is what a peer's session negotiated, read from GoBGP's
// neighbour status (the same ListPeer call `gobgp neighbor` makes). It is
// zero while the session is down.
type SessionInfo struct {
	HoldTime          time.Duration // negotiated (RFC 4271 section 4.2)
	KeepaliveInterval time.Duration
	// Families both sides announced in a multiprotocol capability:
	// "ipv4", "ipv6", or "AFI/SAFI" numbers for others.
	Families []string
	// Capabilities each side sent in its OPEN, e.g. "route-refresh",
	// "4-octet-as", "multiprotocol(ipv6)".
	LocalCapabilities, RemoteCapabilities []string
	// Advertised counts the routes GoBGP exports to the peer per family
	// ("ipv4", "ipv6"); only filled when asked for (it walks the peer's
	// RIB on GoBGP's server loop).
	Advertised map[string]uint64
}

// Sessions returns the negotiated session details of every peer by name,
// from one ListPeer call. withAdvertised also counts exported routes,
// which costs a walk of each peer's RIB: only the metrics ask for it.
func (s *Server) Sessions(ctx context.Context, withAdvertised bool) (map[string]SessionInfo, error) {
	return s.sessions(ctx, "", withAdvertised)
}

// Session returns the negotiated session details of one peer.
func (s *Server) Session(ctx context.Context, name string) (SessionInfo, error) {
	s.mu.RLock()
	p, ok := s.peers[name]
	s.mu.RUnlock()
	if !ok {
		return SessionInfo{}, fmt.Errorf("%w %q", ErrUnknownPeer, name)
	}
	m, err := s.sessions(ctx, p.cfg.Address.String(), false)
	return m[name], err
}

func (s *Server) sessions(ctx context.Context, address string, withAdvertised bool) (map[string]SessionInfo, error) {
	out := map[string]SessionInfo{}
	if s.bgp == nil {
		return out, nil
	}
	err := s.bgp.ListPeer(ctx, &api.ListPeerRequest{Address: address, EnableAdvertised: withAdvertised}, func(ap *api.Peer) {
		p := s.peerByAddress(ap.GetConf().GetNeighborAddress())
		if p == nil {
			return
		}
		out[p.cfg.Name] = sessionInfo(ap, withAdvertised)
	})
	return out, err
}

func sessionInfo(ap *api.Peer, withAdvertised bool) SessionInfo {
	var si SessionInfo
	if ap.GetState().GetSessionState() != api.PeerState_ESTABLISHED {
		return si
	}
	ts := ap.GetTimers().GetState()
	si.HoldTime = time.Duration(ts.GetNegotiatedHoldTime()) * time.Second
	si.KeepaliveInterval = time.Duration(ts.GetKeepaliveInterval()) * time.Second
	local, localFams := capabilityNames(ap.GetState().GetLocalCap())
	remote, remoteFams := capabilityNames(ap.GetState().GetRemoteCap())
	si.LocalCapabilities, si.RemoteCapabilities = local, remote
	for _, f := range localFams {
		if slices.Contains(remoteFams, f) {
			si.Families = append(si.Families, f)
		}
	}
	if withAdvertised {
		si.Advertised = map[string]uint64{}
		for _, a := range ap.GetAfiSafis() {
			if st := a.GetState(); st != nil {
				si.Advertised[familyName(st.GetFamily())] += st.GetAdvertised()
			}
		}
	}
	return si
}

var camelWord = regexp.MustCompile(`([a-z0-9])([A-Z])`)

// capabilityNames names each capability after its GoBGP message type
// (GracefulRestartCapability → "graceful-restart") and lists the
// multiprotocol families on their own.
func capabilityNames(caps []*anypb.Any) (names, families []string) {
	for _, c := range caps {
		m, err := c.UnmarshalNew()
		if err != nil {
			continue
		}
		base := strings.TrimSuffix(string(m.ProtoReflect().Descriptor().Name()), "Capability")
		name := strings.ToLower(camelWord.ReplaceAllString(base, "$1-$2"))
		switch x := m.(type) {
		case *api.MultiProtocolCapability:
			f := familyName(x.GetFamily())
			families = append(families, f)
			name = "multiprotocol(" + f + ")"
		case *api.FourOctetASNCapability:
			name = "4-octet-as"
		case *api.UnknownCapability:
			name = fmt.Sprintf("unknown(%d)", x.GetCode())
		}
		names = append(names, name)
	}
	return names, families
}

// familyName is rsguard's name of a family: "ipv4" and "ipv6" for unicast,
// AFI/SAFI numbers otherwise.
func familyName(f *api.Family) string {
	switch {
	case f.GetAfi() == api.Family_AFI_IP && f.GetSafi() == api.Family_SAFI_UNICAST:
		return "ipv4"
	case f.GetAfi() == api.Family_AFI_IP6 && f.GetSafi() == api.Family_SAFI_UNICAST:
		return "ipv6"
	}
	return fmt.Sprintf("%d/%d", f.GetAfi(), f.GetSafi())
}
