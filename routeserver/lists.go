package routeserver

import (
	"context"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// settingsFor is SettingsFrom plus the list checks, which also need
// [global] (the peering LANs head the global blacklist).
func settingsFor(cfg *config.Config) filters.Settings {
	s := SettingsFrom(cfg.Filters)
	s.GlobalBlacklist = filters.NewBlacklist(filters.GlobalBlacklistEntries(cfg.Global.PeeringLANs, cfg.Filters.GlobalBlacklist))
	s.TransitFree = filters.NewASNList("transit-free", filters.ASNs("", cfg.Filters.TransitFreeASNs...))
	s.NeverViaRS = filters.NewASNList("never via route servers", cfg.Filters.ListedNeverViaRS())
	s.Blackhole = actionSettings(cfg).Blackhole // [blackhole] (actions.go)
	return s
}

// allowedOriginsLabel names allowed_origins in origin-check evidence.
const allowedOriginsLabel = "allowed_origins"

// withPeerLists adds a peer's lists and switches to its evaluator input.
func withPeerLists(in *filters.Peer, c config.Peer) {
	in.Blacklist = peerBlacklist(c)
	in.AllowedRoutes = c.AllowedRoutes
	in.PrefixCheckOff, in.OriginCheckOff = c.PrefixCheckOff, c.OriginCheckOff
	if in.Origins != nil {
		in.Origins = in.Origins.With(c.AllowedOrigins, allowedOriginsLabel)
	}
}

func peerBlacklist(c config.Peer) *filters.Blacklist {
	var bl []filters.ListedPrefix
	for _, r := range c.Blacklist {
		bl = append(bl, filters.ListedPrefix{Range: r})
	}
	return filters.NewBlacklist(bl)
}

// deletePeerListPolicy removes a peer's IRR policy and every set its
// compiled policy defines (the older hard-coded deletions could not remove
// sets the IRR policy still used).
func (s *Server) deletePeerListPolicy(ctx context.Context, in *filters.Peer) {
	s.mu.RLock()
	settings := s.settings
	s.mu.RUnlock()
	c := filters.CompilePeer(&settings, in)
	_ = s.bgp.DeletePolicy(ctx, &api.DeletePolicyRequest{Policy: &api.Policy{Name: filters.ListSetNames(in.Name).IRRPolicy}, All: true})
	prefixSets, asPathSets := filters.PeerSetsToDelete(c)
	for _, n := range prefixSets {
		_ = s.bgp.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: &api.DefinedSet{DefinedType: api.DefinedType_PREFIX, Name: n}, All: true})
	}
	for _, n := range asPathSets {
		_ = s.bgp.DeleteDefinedSet(ctx, &api.DeleteDefinedSetRequest{DefinedSet: &api.DefinedSet{DefinedType: api.DefinedType_AS_PATH, Name: n}, All: true})
	}
}

// checkOffKeys names the config key that turns each check off.
var checkOffKeys = map[filters.Reason]string{
	filters.ReasonPrefixNotRegistered: "enforce_prefixes = false",
	filters.ReasonOriginNotInASSet:    "enforce_origins = false",
}

// ChecksOff lists the checks peer's config turned off, each with the key
// that did it; nil for an unknown peer.
func (s *Server) ChecksOff(peer string) []filters.Rejection {
	s.mu.RLock()
	p := s.peers[peer]
	s.mu.RUnlock()
	if p == nil {
		return nil
	}
	var out []filters.Rejection
	for _, r := range p.input.Load().ChecksOff() {
		out = append(out, filters.Rejection{Reason: r, Detail: checkOffKeys[r] + ": evaluated and shown as a note, never rejected"})
	}
	return out
}
