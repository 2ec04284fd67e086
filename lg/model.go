package lg

import "time"

// Time layouts. Alice reads "ttl" with its `servertime` (RFC 3339 in the
// example config) and every other time with `servertime_short` /
// `servertime_ext`, which configs/alice-lg.example.conf sets to this
// BIRD-like layout. Everything is UTC.
const (
	ttlLayout  = time.RFC3339
	timeLayout = "2006-01-02 15:04:05"
)

func shortTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// The JSON types below mirror what Alice decodes (field names are
// birdwatcher's). Their order and types are the contract: AS path, local
// pref and MED are strings, communities numbers. The words "api", "ttl" and
// "routes" appear only as top-level keys, because Alice's streaming parser
// reacts to them at any depth.

type apiInfo struct {
	// Version is upper case in birdwatcher (an untagged Go field); Alice
	// panics without it.
	Version         string      `json:"Version"`
	ResultFromCache bool        `json:"result_from_cache"`
	CacheStatus     cacheStatus `json:"cache_status"`
}

type cacheStatus struct {
	CachedAt cachedAt `json:"cached_at"`
}

type cachedAt struct {
	Date         string `json:"date"`
	TimezoneType string `json:"timezone_type"`
	Timezone     string `json:"timezone"`
}

type statusBody struct {
	API      apiInfo    `json:"api"`
	CachedAt string     `json:"cached_at"`
	TTL      string     `json:"ttl"`
	Status   statusJSON `json:"status"`
}

type statusJSON struct {
	CurrentServer string `json:"current_server"`
	LastReboot    string `json:"last_reboot"`
	LastReconfig  string `json:"last_reconfig"`
	Message       string `json:"message"`
	RouterID      string `json:"router_id"`
	Version       string `json:"version"`
}

type protocolsBody struct {
	API       apiInfo                 `json:"api"`
	CachedAt  string                  `json:"cached_at"`
	TTL       string                  `json:"ttl"`
	Protocols map[string]protocolJSON `json:"protocols"`
}

type protocolJSON struct {
	Protocol        string      `json:"protocol"`
	BirdProtocol    string      `json:"bird_protocol"`
	Table           string      `json:"table"`
	State           string      `json:"state"`
	StateChanged    string      `json:"state_changed"`
	Connection      string      `json:"connection"`
	BGPState        string      `json:"bgp_state"`
	NeighborAddress string      `json:"neighbor_address"`
	NeighborAS      uint32      `json:"neighbor_as"`
	Description     string      `json:"description"`
	LastError       string      `json:"last_error"`
	Routes          routeCounts `json:"routes"`
}

type routeCounts struct {
	Imported  int `json:"imported"`
	Filtered  int `json:"filtered"`
	Exported  int `json:"exported"`
	Preferred int `json:"preferred"`
}

type shortBody struct {
	API       apiInfo              `json:"api"`
	CachedAt  string               `json:"cached_at"`
	TTL       string               `json:"ttl"`
	Protocols map[string]shortJSON `json:"protocols"`
}

type shortJSON struct {
	Proto string `json:"proto"`
	Table string `json:"table"`
	State string `json:"state"`
	Since string `json:"since"`
	Info  string `json:"info"`
}

type countBody struct {
	API      apiInfo `json:"api"`
	CachedAt string  `json:"cached_at"`
	TTL      string  `json:"ttl"`
	Routes   int     `json:"routes"`
}

// routeJSON is one route of a route list. gateway and learnt_from are
// always the neighbor's address (Alice deduplicates on them), the real
// NEXT_HOP is bgp.next_hop.
type routeJSON struct {
	Network      string        `json:"network"`
	Gateway      string        `json:"gateway"`
	Interface    string        `json:"interface"`
	FromProtocol string        `json:"from_protocol"`
	LearntFrom   string        `json:"learnt_from"`
	Age          string        `json:"age"`
	Metric       int           `json:"metric"`
	Primary      bool          `json:"primary"`
	Type         []string      `json:"type"`
	BGP          bgpJSON       `json:"bgp"`
	RSGuard      rsguardDetail `json:"rsguard"`
}

type bgpJSON struct {
	Origin           string      `json:"origin"`
	ASPath           []string    `json:"as_path"`
	NextHop          string      `json:"next_hop"`
	LocalPref        string      `json:"local_pref"`
	MED              string      `json:"med"`
	Communities      [][2]uint32 `json:"communities"`
	LargeCommunities [][3]uint32 `json:"large_communities"`
	ExtCommunities   [][3]string `json:"ext_communities"`
}

// rsguardDetail is rsguard's own view of the route, which Alice keeps but
// does not show: the peer's config name and every failing check with its
// evidence.
type rsguardDetail struct {
	Peer    string       `json:"peer"`
	PathID  uint32       `json:"path_id,omitempty"`
	Reasons []reasonJSON `json:"reasons,omitempty"`
	// NotExported is the export-control rule that keeps the route from
	// the neighbor, in /routes/noexport lists.
	NotExported string `json:"not_exported,omitempty"`
	// RPKI is the route's RFC 6811 state ("valid", "invalid",
	// "not-found"); empty when RPKI is off.
	RPKI string `json:"rpki,omitempty"`
}

type reasonJSON struct {
	Code   uint16 `json:"code"`
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

type errorBody struct {
	Error string `json:"error"`
}
