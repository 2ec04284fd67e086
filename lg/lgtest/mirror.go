// Package lgtest holds what tests of the looking glass share: structs that
// mirror the JSON Alice-LG decodes (docs/looking-glass.md §2, field for
// field and type for type, so a string sent as a number fails to decode),
// Alice's own reject-reason lookup, and the checks of the doc's §5.
package lgtest

// API is the envelope's "api" object.
type API struct {
	Version         *string `json:"Version"`
	ResultFromCache *bool   `json:"result_from_cache"`
	CacheStatus     struct {
		CachedAt struct {
			Date         string `json:"date"`
			TimezoneType string `json:"timezone_type"`
			Timezone     string `json:"timezone"`
		} `json:"cached_at"`
	} `json:"cache_status"`
}

// Envelope is what every JSON body starts with. TTL is a pointer so that
// null and absent differ from "".
type Envelope struct {
	API      *API    `json:"api"`
	CachedAt string  `json:"cached_at"`
	TTL      *string `json:"ttl"`
	Error    string  `json:"error"`
}

// Status is GET /status.
type Status struct {
	Envelope
	Status *struct {
		CurrentServer string `json:"current_server"`
		LastReboot    string `json:"last_reboot"`
		LastReconfig  string `json:"last_reconfig"`
		Message       string `json:"message"`
		RouterID      string `json:"router_id"`
		Version       string `json:"version"`
	} `json:"status"`
}

// Counts are a protocol's "routes": all four must be present numbers.
type Counts struct {
	Imported, Filtered, Exported, Preferred *int
}

// Protocol is one entry of GET /protocols/bgp.
type Protocol struct {
	Protocol        string  `json:"protocol"`
	BirdProtocol    string  `json:"bird_protocol"`
	Table           string  `json:"table"`
	State           string  `json:"state"`
	StateChanged    string  `json:"state_changed"`
	Connection      string  `json:"connection"`
	BGPState        string  `json:"bgp_state"`
	NeighborAddress string  `json:"neighbor_address"`
	NeighborAS      uint32  `json:"neighbor_as"`
	Description     string  `json:"description"`
	LastError       string  `json:"last_error"`
	Routes          *Counts `json:"routes"`
}

// Protocols is GET /protocols/bgp.
type Protocols struct {
	Envelope
	Protocols map[string]Protocol `json:"protocols"`
}

// BGP is a route's "bgp" object with Alice's types.
type BGP struct {
	Origin           string      `json:"origin"`
	ASPath           []string    `json:"as_path"`
	NextHop          string      `json:"next_hop"`
	LocalPref        string      `json:"local_pref"`
	MED              string      `json:"med"`
	OTC              string      `json:"otc,omitempty"`
	Communities      [][2]uint32 `json:"communities"`
	LargeCommunities [][3]uint32 `json:"large_communities"`
	ExtCommunities   [][3]string `json:"ext_communities"`
}

// Reason is one failing check in rsguard's extra field.
type Reason struct {
	Code   uint16 `json:"code"`
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

// RSGuard is the route's extra "rsguard" object (absent from birdwatcher).
type RSGuard struct {
	Peer    string   `json:"peer"`
	PathID  uint32   `json:"path_id"`
	Reasons []Reason `json:"reasons"`
	RPKI    string   `json:"rpki"`

	NotExported string `json:"not_exported"`
}

// Route is one route of a route list.
type Route struct {
	Network      string   `json:"network"`
	Gateway      string   `json:"gateway"`
	Interface    string   `json:"interface"`
	FromProtocol string   `json:"from_protocol"`
	LearntFrom   string   `json:"learnt_from"`
	Age          string   `json:"age"`
	Metric       *int     `json:"metric"`
	Primary      *bool    `json:"primary"`
	Type         []string `json:"type"`
	BGP          *BGP     `json:"bgp"`
	RSGuard      *RSGuard `json:"rsguard,omitempty"`
}

// Routes is a route list.
type Routes struct {
	Envelope
	Routes []Route `json:"routes"`
}
