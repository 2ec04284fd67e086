package config

import "net/netip"

// Import actions and export guards: blackholing, graceful shutdown and
// reject tagging (filters/actions.go). Keys:
//
//	[global]    graceful_shutdown = false
//	[filters]   reject_policy = "reject" | "tag", info_communities = false
//	[blackhole] next_hop_ipv4 = "...", next_hop_ipv6 = "..."
//	[[peers]]   accept_blackholes = true

// Values of [filters] reject_policy.
const (
	RejectPolicyReject = "reject" // rejected routes are dropped (default)
	RejectPolicyTag    = "tag"    // kept with RS:65520:code, exported to no one
)

// Blackhole is the [blackhole] table: the IXP's blackhole next hop per
// family. A family without one does not honour BLACKHOLE (RFC 7999).
type Blackhole struct {
	NextHopIPv4 netip.Addr
	NextHopIPv6 netip.Addr
}

type renderBlackhole struct {
	NextHopIPv4 string `toml:"next_hop_ipv4,omitempty"`
	NextHopIPv6 string `toml:"next_hop_ipv6,omitempty"`
}

func (d *decoder) blackhole(b *Blackhole, t *table) {
	for _, f := range []struct {
		key string
		v4  bool
		dst *netip.Addr
	}{{"next_hop_ipv4", true, &b.NextHopIPv4}, {"next_hop_ipv6", false, &b.NextHopIPv6}} {
		s, at, ok := t.str(f.key)
		if !ok {
			continue
		}
		a := d.addr(at, s)
		switch {
		case !a.IsValid():
		case a.Is4() != f.v4 || a.Is4In6():
			d.c.addf(at, "%s is not an IPv%s address", s, map[bool]string{true: "4", false: "6"}[f.v4])
		case a.IsUnspecified() || a.IsMulticast():
			d.c.addf(at, "%s cannot be a next hop", s)
		default:
			*f.dst = a
		}
	}
}

// filterActions reads reject_policy and info_communities of [filters].
func (d *decoder) filterActions(f *Filters, t *table) {
	if s, at, ok := t.str("reject_policy"); ok {
		if s != RejectPolicyReject && s != RejectPolicyTag {
			d.c.addf(at, "%q: want %q or %q", s, RejectPolicyReject, RejectPolicyTag)
		} else {
			f.RejectPolicy = s
		}
	}
	if b, _, ok := t.boolean("info_communities"); ok {
		f.InfoCommunities = b
	}
}

func (d *decoder) globalActions(g *Global, t *table) {
	if b, _, ok := t.boolean("graceful_shutdown"); ok {
		g.GracefulShutdown = b
	}
}

func (d *decoder) peerActions(p *Peer, t *table) {
	if b, _, ok := t.boolean("accept_blackholes"); ok {
		p.AcceptBlackholes = b
	}
}
