package apiserver

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// PeerState is the BGP FSM state. The numbers equal the proto PeerState.
type PeerState int

const (
	PeerStateUnknown PeerState = iota
	PeerStateIdle
	PeerStateConnect
	PeerStateActive
	PeerStateOpenSent
	PeerStateOpenConfirm
	PeerStateEstablished
)

var peerStateNames = [...]string{"unknown", "idle", "connect", "active", "open_sent", "open_confirm", "established"}

func (s PeerState) String() string {
	if s >= 0 && int(s) < len(peerStateNames) {
		return peerStateNames[s]
	}
	return fmt.Sprintf("state_%d", int(s))
}

// Peer is one route-server client as the API shows it.
type Peer struct {
	Name        string // key under [peers] in the config
	Description string
	Address     netip.Addr
	ASN         uint32
	State       PeerState
	StateSince  time.Time // when State was entered; zero if unknown
	Received    uint64    // routes in Adj-RIB-In, before policy
	Accepted    uint64
	Rejected    uint64
	Disabled    bool // administratively down
	// ShutdownMessage is the RFC 8203 message given to DisablePeer.
	ShutdownMessage string
	LastError       string // last NOTIFICATION or connect error
	Flaps           PeerFlapCounters
	MaxPrefix       PeerMaxPrefix
	ContactNOC      string // RFC 2142 role mailboxes
	ContactAbuse    string
	// ChecksOff are the checks the peer's config turned off (evaluated and
	// noted, never enforced); Detail names the config key.
	ChecksOff     []filters.Rejection
	LastErrorTime time.Time          // when LastError was set; zero if never
	Session       *PeerSession       // nil unless established
	Families      []PeerFamilyCounts // per family, ipv4 then ipv6
}

// PeerMaxPrefix is a peer's max-prefix configuration and state. Index 0 is
// IPv4, 1 is IPv6.
type PeerMaxPrefix struct {
	Limits           [2]uint32 // 0 = no limit
	Action           string
	RestartAfter     time.Duration
	CountRejected    bool
	WarnPercent      uint32
	Counted, Blocked [2]uint64
	LastSanction     string
	LastSanctionTime time.Time
	RestartAt        time.Time
}

// PeerFlapCounters are a peer's RFC 2439 flap statistics.
type PeerFlapCounters struct {
	Withdrawals, AttributeChanges, Readvertisements, Suppressions, Releases uint64
	Tracked, Penalized, Suppressed                                          int
}

// ResetMode selects how ResetPeer resets a session.
type ResetMode int

const (
	// ResetSoftIn re-evaluates the kept Adj-RIB-In against the current
	// import policy without touching the session.
	ResetSoftIn ResetMode = iota
	// ResetHard tears the session down; the peer reconnects.
	ResetHard
)

func (m ResetMode) String() string {
	if m == ResetHard {
		return "hard"
	}
	return "soft_in"
}
