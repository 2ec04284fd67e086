package apiserver

import "time"

// IRRCounts sizes one peer's IRR data.
type IRRCounts struct {
	Origins      int
	IPv4Prefixes int
	IPv6Prefixes int
}

// IRRHeldBack is a refresh refused by the safety brake (the list shrank too
// much or came back empty). Active stays in force until an operator forces
// the refresh.
type IRRHeldBack struct {
	Reason   string
	Since    time.Time
	Active   IRRCounts // in force now (old)
	Proposed IRRCounts // the refused refresh (new)
}

// IRRStatus is the IRR state of one peer.
type IRRStatus struct {
	Peer        string
	ASSet       string
	Counts      IRRCounts
	Sources     []string // IRR databases queried, e.g. RIPE, RADB
	LastRefresh time.Time
	LastError   string
	LastErrorAt time.Time
	HeldBack    *IRRHeldBack // nil unless a refresh is held back
}

// IRRRefreshRequest asks for a refresh of one peer, or all when Peer is "".
type IRRRefreshRequest struct {
	Peer  string
	Force bool // apply even what the safety brake would hold back
}

// IRRProgress is one progress note during a refresh.
type IRRProgress struct {
	Peer    string
	Message string
	Done    int
	Total   int
}

// IRRRefreshOutcome is how refreshing one peer ended.
type IRRRefreshOutcome struct {
	Peer     string
	Changed  bool
	Counts   IRRCounts    // in force after the refresh
	HeldBack *IRRHeldBack // set if the result was refused
	Error    string       // set if the refresh failed; the old data is kept
}
