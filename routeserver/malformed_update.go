package routeserver

import (
	"fmt"
	"time"

	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/sirupsen/logrus"
)

// Routes GoBGP drops before any filter sees them. An UPDATE with an error
// RFC 7606 handles without a session reset (an invalid NEXT_HOP length, a
// malformed ORIGIN …) is turned into a withdrawal of its prefixes
// ("treat-as-withdraw"), or has the bad attribute left out ("attribute
// discard"). Neither reaches the received-path feed as what it was, so the only
// trace is GoBGP's log line, which names the prefixes since GoBGP patch 13
// (third_party/gobgp/PATCHES.md). The route server restates it as an event
// and a warning that name the peer.

// GoBGP's log messages (pkg/server/fsm.go handlingError).
const (
	gobgpTreatAsWithdraw   = "the received Update message was treated as withdraw"
	gobgpAttributesDropped = "Some attributes were discarded"
)

// How an UPDATE's error was handled (MalformedUpdate.Handling).
const (
	HandlingTreatAsWithdraw  = "treat_as_withdraw"
	HandlingAttributeDiscard = "attribute_discard"
)

// MalformedUpdate is one UPDATE whose error GoBGP handled without a
// session reset. Prefixes lists at most GoBGP's bound of them (64);
// PrefixCount counts all the UPDATE announced.
type MalformedUpdate struct {
	Handling    string
	Prefixes    []string
	PrefixCount int
	Error       string
}

// restatedWarning reports whether the route server restates a GoBGP
// warning with the peer's name (onMalformedUpdate), so GoBGP's own line
// is only debug.
func restatedWarning(m string) bool {
	return m == gobgpTreatAsWithdraw || m == gobgpAttributesDropped
}

// onMalformedUpdate turns GoBGP's treat-as-withdraw and attribute-discard
// warnings into an EventMalformedUpdate and a warning.
func (s *Server) onMalformedUpdate(m string, f gobgplog.Fields) {
	var mu MalformedUpdate
	switch m {
	case gobgpTreatAsWithdraw:
		mu.Handling = HandlingTreatAsWithdraw
	case gobgpAttributesDropped:
		mu.Handling = HandlingAttributeDiscard
	default:
		return
	}
	p := s.peerByAddress(fmt.Sprint(f["Key"]))
	if p == nil {
		return
	}
	if e := f["Error"]; e != nil {
		mu.Error = fmt.Sprint(e)
	}
	// Both are set by GoBGP patch 13; without it the event still names the
	// peer and the error.
	mu.Prefixes, _ = f["Prefixes"].([]string)
	mu.PrefixCount, _ = f["PrefixCount"].(int)
	l := s.peerLog(p).WithFields(logrus.Fields{"handling": mu.Handling, "prefixes": mu.Prefixes,
		"prefix_count": mu.PrefixCount, "error": mu.Error})
	if mu.Handling == HandlingTreatAsWithdraw {
		l.Warn("malformed UPDATE: its routes were treated as withdrawn (RFC 7606)")
	} else {
		l.Warn("malformed UPDATE: an attribute was discarded, its routes kept (RFC 7606)")
	}
	s.emit(Event{Kind: EventMalformedUpdate, Time: time.Now(), Peer: p.cfg.Name, MalformedUpdate: &mu})
}
