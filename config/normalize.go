package config

import (
	"bytes"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Redacted replaces secrets in rendered output.
const Redacted = "<redacted>"

// The render types fix key names and order for NormalizedTOML. They mirror
// Config with every default written out, so `rsguard -n -v` shows what is
// in force, and goldens diff cleanly.
type (
	renderConfig struct {
		Global      renderGlobal      `toml:"global"`
		API         renderAPI         `toml:"api"`
		Log         renderLog         `toml:"log"`
		Filters     renderFilters     `toml:"filters"`
		IRR         renderIRR         `toml:"irr"`
		Dampening   renderDampening   `toml:"dampening"`
		Communities renderCommunities `toml:"communities"`
		LG          renderLG          `toml:"lg"`
		Blackhole   renderBlackhole   `toml:"blackhole"`
		RPKI        renderRPKI        `toml:"rpki"`
		MRT         renderMRT         `toml:"mrt"`
		BMP         []renderBMP       `toml:"bmp"`
		Metrics     renderMetrics     `toml:"metrics"`
		Peers       []renderPeer      `toml:"peers"`
	}
	renderGlobal struct {
		ASN             uint32   `toml:"asn"`
		RouterID        string   `toml:"router_id"`
		ListenAddresses []string `toml:"listen_addresses"`
		ListenPort      uint16   `toml:"listen_port"`
		StateDir        string   `toml:"state_dir"`
		// actions.go
		GracefulShutdown bool     `toml:"graceful_shutdown"`
		PeeringLANs      []string `toml:"peering_lans"`
		// runtime.go
		MemoryLimit string `toml:"memory_limit"`
		GCPercent   int    `toml:"gc_percent"`
	}
	renderAPI struct {
		Socket    string `toml:"socket"`
		Listen    string `toml:"listen,omitempty"`
		TLSCert   string `toml:"tls_cert,omitempty"`
		TLSKey    string `toml:"tls_key,omitempty"`
		TokenFile string `toml:"token_file,omitempty"`
	}
	renderMetrics struct {
		Listen     string `toml:"listen,omitempty"`
		Advertised bool   `toml:"advertised"`
	}
	renderLog struct {
		Level  string `toml:"level"`
		Format string `toml:"format"`
	}
	renderFilters struct {
		IPv4PrefixLength []uint8 `toml:"ipv4_prefix_length"`
		IPv6PrefixLength []uint8 `toml:"ipv6_prefix_length"`
		MaxASPathLength  uint32  `toml:"max_as_path_length"`
		NextHop          string  `toml:"next_hop"`
		// actions.go
		RejectPolicy    string `toml:"reject_policy"`
		InfoCommunities bool   `toml:"info_communities"`
		renderFilterLists
	}
	renderIRR struct {
		Servers   []string `toml:"servers"`
		Sources   []string `toml:"sources"`
		Files     []string `toml:"files"`
		Refresh   string   `toml:"refresh"`
		MaxShrink float64  `toml:"max_shrink"`
		// irr_limits.go
		Concurrency    int    `toml:"concurrency"`
		QueryTimeout   string `toml:"query_timeout"`
		RefreshTimeout string `toml:"refresh_timeout"`
	}
	renderDampening struct {
		Mode                   string  `toml:"mode"`
		HalfLife               string  `toml:"half_life"`
		MaxSuppress            string  `toml:"max_suppress"`
		Reuse                  float64 `toml:"reuse"`
		Suppress               float64 `toml:"suppress"`
		WithdrawalPenalty      float64 `toml:"withdrawal_penalty"`
		AttributeChangePenalty float64 `toml:"attribute_change_penalty"`
		ReadvertisementPenalty float64 `toml:"readvertisement_penalty"`
	}
	renderPeer struct {
		Name            string   `toml:"name"`
		Address         string   `toml:"address"`
		ASN             uint32   `toml:"asn"`
		Description     string   `toml:"description,omitempty"`
		Password        string   `toml:"password,omitempty"`
		PasswordFile    string   `toml:"password_file,omitempty"`
		Passive         bool     `toml:"passive"`
		Prefixes        []string `toml:"prefixes"`
		MaxPrefixesIPv4 uint32   `toml:"max_prefixes_ipv4"`
		MaxPrefixesIPv6 uint32   `toml:"max_prefixes_ipv6"`
		// max_prefix_* only with a limit, restart_after only with "restart":
		// anything else is refused when read back.
		MaxPrefixAction        string `toml:"max_prefix_action,omitempty"`
		MaxPrefixRestartAfter  string `toml:"max_prefix_restart_after,omitempty"`
		MaxPrefixCountRejected *bool  `toml:"max_prefix_count_rejected,omitempty"`
		MaxPrefixWarnPercent   *uint8 `toml:"max_prefix_warn_percent,omitempty"`
		ContactNOC             string `toml:"contact_noc,omitempty"`
		ContactAbuse           string `toml:"contact_abuse,omitempty"`
		IRRMaxLengthIPv4       uint8  `toml:"irr_max_length_ipv4"`
		IRRMaxLengthIPv6       uint8  `toml:"irr_max_length_ipv6"`
		Dampening              string `toml:"dampening,omitempty"`

		IPv4Address        string   `toml:"ipv4_address,omitempty"`
		IPv6Address        string   `toml:"ipv6_address,omitempty"`
		Addresses          []string `toml:"addresses,omitempty"`
		Families           []string `toml:"families,omitempty"`
		NextHop            string   `toml:"next_hop,omitempty"`
		AuthorizedNextHops []string `toml:"authorized_next_hops,omitempty"`
		AcceptBlackholes   bool     `toml:"accept_blackholes"` // actions.go
		renderPeerLists
	}
)

// NormalizedTOML renders the config as TOML with every default written
// out, paths resolved and names normalized. Passwords are shown as
// "<redacted>"; a password read from a file is shown as its password_file.
// The output parses back to an equal Config (with the redacted password).
func (c *Config) NormalizedTOML() ([]byte, error) {
	r := renderConfig{
		Global: renderGlobal{
			ASN:             c.Global.ASN,
			RouterID:        addrString(c.Global.RouterID),
			ListenAddresses: stringsOf(c.Global.ListenAddresses),
			ListenPort:      c.Global.ListenPort,
			StateDir:        c.Global.StateDir,

			GracefulShutdown: c.Global.GracefulShutdown,
			PeeringLANs:      stringsOf(c.Global.PeeringLANs),
			MemoryLimit:      FormatMemoryLimit(c.Global.MemoryLimit),
			GCPercent:        c.Global.GCPercent,
		},
		API:     renderAPI(c.API),
		LG:      renderLGOf(c.LG),
		Metrics: renderMetrics(c.Metrics),
		Log:     renderLog(c.Log),
		Filters: renderFilters{
			RejectPolicy:      c.Filters.RejectPolicy,
			InfoCommunities:   c.Filters.InfoCommunities,
			IPv4PrefixLength:  c.Filters.IPv4PrefixLength[:],
			IPv6PrefixLength:  c.Filters.IPv6PrefixLength[:],
			MaxASPathLength:   c.Filters.MaxASPathLength,
			NextHop:           c.Filters.NextHop,
			renderFilterLists: filterListsRender(c.Filters),
		},
		IRR: renderIRR{
			Servers:        nonNil(c.IRR.Servers),
			Sources:        nonNil(c.IRR.Sources),
			Files:          nonNil(c.IRR.Files),
			Refresh:        formatDuration(c.IRR.Refresh),
			MaxShrink:      c.IRR.MaxShrink,
			Concurrency:    c.IRR.Concurrency,
			QueryTimeout:   formatDuration(c.IRR.QueryTimeout),
			RefreshTimeout: formatDuration(c.IRR.RefreshTimeout),
		},
		Dampening: renderDampening{
			Mode:                   c.Dampening.Mode,
			HalfLife:               formatDuration(c.Dampening.HalfLife),
			MaxSuppress:            formatDuration(c.Dampening.MaxSuppress),
			Reuse:                  c.Dampening.Reuse,
			Suppress:               c.Dampening.Suppress,
			WithdrawalPenalty:      c.Dampening.WithdrawalPenalty,
			AttributeChangePenalty: c.Dampening.AttributeChangePenalty,
			ReadvertisementPenalty: c.Dampening.ReadvertisementPenalty,
		},
		Communities: renderCommunities(c.Communities),
		Blackhole:   renderBlackhole{NextHopIPv4: addrString(c.Blackhole.NextHopIPv4), NextHopIPv6: addrString(c.Blackhole.NextHopIPv6)},
	}
	r.RPKI = renderRPKIOf(c.RPKI)
	r.MRT, r.BMP = renderMRTOf(c.MRT), renderBMPOf(c.BMP)
	for _, p := range c.Peers {
		rp := renderPeer{
			Name:             p.Name,
			Address:          addrString(p.Address),
			ASN:              p.ASN,
			Description:      p.Description,
			PasswordFile:     p.PasswordFile,
			Passive:          p.Passive,
			Prefixes:         stringsOf(p.Prefixes),
			MaxPrefixesIPv4:  p.MaxPrefixesIPv4,
			MaxPrefixesIPv6:  p.MaxPrefixesIPv6,
			IRRMaxLengthIPv4: p.IRRMaxLengthIPv4,
			IRRMaxLengthIPv6: p.IRRMaxLengthIPv6,
			Dampening:        p.Dampening,
			renderPeerLists:  peerListsRender(p),

			IPv4Address:        addrString(p.IPv4Address),
			IPv6Address:        addrString(p.IPv6Address),
			Addresses:          stringsOf(p.Addresses),
			Families:           p.Families,
			NextHop:            p.NextHop,
			AuthorizedNextHops: stringsOf(p.AuthorizedNextHops),
			AcceptBlackholes:   p.AcceptBlackholes,
		}
		renderMaxPrefix(&rp, p)
		if p.Password != "" && p.PasswordFile == "" {
			rp.Password = Redacted
		}
		r.Peers = append(r.Peers, rp)
	}
	var buf bytes.Buffer
	enc := toml.NewEncoder(&buf)
	enc.Indent = ""
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func addrString(a interface {
	IsValid() bool
	String() string
}) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func stringsOf[T interface{ String() string }](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// formatDuration writes "6h" rather than Go's "6h0m0s"; the result still
// parses with time.ParseDuration.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func renderMaxPrefix(rp *renderPeer, p Peer) {
	rp.ContactNOC, rp.ContactAbuse = p.ContactNOC, p.ContactAbuse
	if p.MaxPrefixesIPv4 == 0 && p.MaxPrefixesIPv6 == 0 {
		return
	}
	m := p.MaxPrefix
	rp.MaxPrefixAction = m.Action
	if m.Action == MaxPrefixRestart {
		rp.MaxPrefixRestartAfter = formatDuration(m.RestartAfter)
	}
	rp.MaxPrefixCountRejected, rp.MaxPrefixWarnPercent = &m.CountRejected, &m.WarnPercent
}
