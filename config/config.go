package config

import (
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
)

// DefaultSocket is where the daemon serves its API and where rsctl looks
// for it when no address is given.
const DefaultSocket = "/run/rsguard/rsguard.sock"

// Accepted values of the enumerated keys.
const (
	NextHopStrict = "strict" // NEXT_HOP must be the peer's own address (RFC 7948 §4.8)
	NextHopOff    = "off"

	DampeningOff     = "off"     // no state is kept
	DampeningObserve = "observe" // penalties are computed and shown, nothing is suppressed (RFC 7196 §6 test mode)
	DampeningEnforce = "enforce" // suppressed routes are rejected

	LogText = "text"
	LogJSON = "json"
)

// Config is a loaded, validated and normalized rsguard configuration. Paths
// in it are resolved against the config file's directory; passwords read
// from password_file are filled in.
type Config struct {
	Global    Global
	API       API
	Log       Log
	Filters   Filters
	IRR       IRR
	Dampening Dampening
	Metrics   Metrics
	RPKI      RPKI
	LG        LG // lg.go
	Peers     []Peer
	// Communities is [communities] (communities.go).
	Communities Communities
	// Blackhole is [blackhole] (actions.go).
	Blackhole Blackhole
	// BMP is [[bmp]] and MRT is [mrt] (monitoring.go): exports to
	// operators' collectors, off by default.
	BMP []BMPStation
	MRT MRT

	// Path is the file the config was read from (the name given to Parse).
	Path string

	// pos remembers where each key was written, so Validate can still name
	// lines after the caller edits the config.
	pos positions
}

// Global is the [global] table: the route server's own BGP identity.
type Global struct {
	ASN             uint32
	RouterID        netip.Addr
	ListenAddresses []netip.Addr
	ListenPort      uint16 // 0: do not listen, every peer must be active
	StateDir        string
	// GracefulShutdown tags every route with GRACEFUL_SHUTDOWN (RFC 8326)
	// for the route server's own maintenance (actions.go).
	GracefulShutdown bool
	// PeeringLANs are the IXP's LAN prefixes: no client may announce them
	// (or anything inside); they head the global blacklist.
	PeeringLANs []netip.Prefix
	// MemoryLimit (bytes, 0 = none) and GCPercent are the Go runtime's
	// GOMEMLIMIT and GOGC (runtime.go); both are applied live.
	MemoryLimit int64
	GCPercent   int
}

// API is the [api] table. The API is closed by default: only the Unix
// socket is served unless Listen is set, and TCP requires TLS and a token.
type API struct {
	Socket    string
	Listen    string // "host:port", empty = no TCP listener
	TLSCert   string
	TLSKey    string
	TokenFile string
}

// Log is the [log] table.
type Log struct {
	Level  string // a logrus level name, normalized ("warning", not "warn")
	Format string // LogText or LogJSON
}

// Filters is the [filters] table: checks applied to every peer.
type Filters struct {
	IPv4PrefixLength [2]uint8 // shortest and longest accepted IPv4 prefix
	IPv6PrefixLength [2]uint8
	MaxASPathLength  uint32
	NextHop          string // NextHopStrict, NextHopSameAS, NextHopAuthorized or NextHopOff
	RejectPolicy     string // RejectPolicyReject or RejectPolicyTag (actions.go)
	InfoCommunities  bool   // add Euro-IX RS:1000:x / RS:1001:x (actions.go)

	// List checks (filters_lists.go).
	GlobalBlacklist              []filters.PrefixRange // reason 3, plus Global.PeeringLANs
	TransitFreeASNs              []uint32              // reason 8; empty: off
	NeverViaRouteServersASNs     []uint32              // reason 15, inline
	NeverViaRouteServersFile     string                // reason 15, one ASN per line
	NeverViaRouteServersFileASNs []filters.ListedASN   // what the file held at load time
}

// IRR is the [irr] table: where AS-SETs and route objects come from.
type IRR struct {
	Servers   []string // "host:port", port filled in (43)
	Sources   []string // upper case, in query order
	Files     []string // local RPSL dumps (.gz allowed), absolute paths
	Refresh   time.Duration
	MaxShrink float64 // refuse a refresh that loses more than this fraction
	// Concurrency bounds how many peers are refreshed at once.
	Concurrency int
	// QueryTimeout is the absolute deadline of one whois query batch
	// (dial, session setup and every answer); RefreshTimeout bounds a
	// whole expansion of one peer.
	QueryTimeout, RefreshTimeout time.Duration
}

// Dampening is the [dampening] table: RFC 2439 parameters and the mode.
type Dampening struct {
	Mode                   string
	HalfLife               time.Duration
	MaxSuppress            time.Duration
	Reuse                  float64
	Suppress               float64
	WithdrawalPenalty      float64
	AttributeChangePenalty float64
	ReadvertisementPenalty float64
}

// Params converts the table to the dampening package's parameter set.
func (d Dampening) Params() dampening.Params {
	return dampening.Params{
		HalfLife:               d.HalfLife,
		Reuse:                  d.Reuse,
		Suppress:               d.Suppress,
		MaxSuppress:            d.MaxSuppress,
		WithdrawalPenalty:      d.WithdrawalPenalty,
		AttributeChangePenalty: d.AttributeChangePenalty,
		ReadvertisementPenalty: d.ReadvertisementPenalty,
	}
}

// Peer is one [[peers]] entry: a route-server client.
type Peer struct {
	Name     string
	Address  netip.Addr
	ASN      uint32
	Password string // TCP-MD5 key, from password or password_file
	// PasswordFile is the resolved path the password was read from, kept so
	// the normalized config can point at it instead of printing the secret.
	PasswordFile     string
	Passive          bool
	Description      string
	Prefixes         []filters.PrefixRange // static prefix filter, in addition to IRR
	MaxPrefixesIPv4  uint32                // 0 = no limit
	MaxPrefixesIPv6  uint32
	MaxPrefix        MaxPrefix // what the limits do (max_prefix_* keys)
	ContactNOC       string    // RFC 2142 role addresses, named in max-prefix logs and events
	ContactAbuse     string
	ASSet            string // upper case; "" = no IRR filtering
	IRRMaxLengthIPv4 uint8  // longest more-specific accepted under an IRR route object
	IRRMaxLengthIPv6 uint8
	Dampening        string // "" inherits [dampening] mode

	// Lists and switches (filters_lists.go).
	Blacklist      []filters.PrefixRange  // reason 11
	AllowedOrigins []uint32               // added to the AS-SET's origins
	AllowedRoutes  []filters.AllowedRoute // pass the IRR checks
	PrefixCheckOff bool                   // enforce_prefixes = false
	OriginCheckOff bool                   // enforce_origins = false
	// Addressing on the peering LAN (config/peer_addresses.go): the peer's
	// addresses besides the session address, the families its session
	// carries (nil: the session's own family) and its next-hop policy.
	IPv4Address        netip.Addr
	IPv6Address        netip.Addr
	Addresses          []netip.Addr
	Families           []string
	NextHop            string       // "" inherits [filters] next_hop
	AuthorizedNextHops []netip.Addr // for next_hop = "authorized"
	// AcceptBlackholes: the peer receives BLACKHOLE routes (actions.go).
	AcceptBlackholes bool
}

// DampeningMode is the mode in force for the peer: its own setting, or the
// global one (from [dampening] mode) when it has none.
func (p Peer) DampeningMode(global string) string {
	if p.Dampening != "" {
		return p.Dampening
	}
	return global
}

// Peer finds a peer by name.
func (c *Config) Peer(name string) (*Peer, bool) {
	for i := range c.Peers {
		if c.Peers[i].Name == name {
			return &c.Peers[i], true
		}
	}
	return nil, false
}

// Default values of optional keys.
const (
	DefaultListenPort        = 179
	DefaultStateDir          = "/var/lib/rsguard"
	DefaultLogLevel          = "info"
	DefaultMaxASPathLength   = 32
	DefaultIRRRefresh        = 6 * time.Hour
	DefaultIRRMaxShrink      = 0.5
	DefaultIRRConcurrency    = 4
	DefaultIRRQueryTimeout   = 30 * time.Second
	DefaultIRRRefreshTimeout = 10 * time.Minute
	DefaultIRRPort           = "43"
	DefaultIRRMaxLengthV4    = 24
	DefaultIRRMaxLengthV6    = 48
)

// defaults returns a Config holding every default; the document overrides it.
func defaults() *Config {
	d := dampening.DefaultParams()
	return &Config{
		Global: Global{
			ListenAddresses: []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()},
			ListenPort:      DefaultListenPort,
			StateDir:        DefaultStateDir,
			GCPercent:       DefaultGCPercent,
		},
		API: API{Socket: DefaultSocket},
		LG:  defaultLG(),
		Log: Log{Level: DefaultLogLevel, Format: LogText},
		Filters: Filters{
			IPv4PrefixLength: [2]uint8{8, 24},
			IPv6PrefixLength: [2]uint8{12, 48},
			MaxASPathLength:  DefaultMaxASPathLength,
			NextHop:          NextHopStrict,
			RejectPolicy:     RejectPolicyReject,
			TransitFreeASNs:  append([]uint32(nil), filters.DefaultTransitFreeASNs...),
		},
		IRR: IRR{Refresh: DefaultIRRRefresh, MaxShrink: DefaultIRRMaxShrink, Concurrency: DefaultIRRConcurrency,
			QueryTimeout: DefaultIRRQueryTimeout, RefreshTimeout: DefaultIRRRefreshTimeout},
		RPKI: RPKI{StaleAfter: DefaultRPKIStaleAfter, Poll: DefaultRPKIPoll},
		MRT:  defaultMRT(),
		Dampening: Dampening{
			Mode:                   DampeningEnforce,
			HalfLife:               d.HalfLife,
			MaxSuppress:            d.MaxSuppress,
			Reuse:                  d.Reuse,
			Suppress:               d.Suppress,
			WithdrawalPenalty:      d.WithdrawalPenalty,
			AttributeChangePenalty: d.AttributeChangePenalty,
			ReadvertisementPenalty: d.ReadvertisementPenalty,
		},
	}
}

// defaultPeer holds the per-peer defaults.
func defaultPeer() Peer {
	return Peer{Passive: true, AcceptBlackholes: true, IRRMaxLengthIPv4: DefaultIRRMaxLengthV4, IRRMaxLengthIPv6: DefaultIRRMaxLengthV6,
		MaxPrefix: defaultMaxPrefix()}
}
