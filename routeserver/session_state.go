package routeserver

import (
	"errors"
	"fmt"
	"strings"
	"time"

	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

// Why a session went down. GoBGP's peer events (WatchEvent) carry the new
// FSM state but not the NOTIFICATION or the reason (server.go builds them
// from watchEventPeer, which has no reason field in v3.37.0), so the only
// place the reason surfaces is GoBGP's own log lines. The route server's
// GoBGP logger hands these lines here and the peer's last error says, in
// words, what happened and when.

// recentError is how long a session error explains the state changes that
// follow it (the NOTIFICATION is logged before GoBGP reports the state).
const recentError = 10 * time.Second

// onGoBGPWarn sees every warning GoBGP logs.
func (s *Server) onGoBGPWarn(m string, f gobgplog.Fields) {
	s.onFamilyViolation(m, f)
	s.onMalformedUpdate(m, f)
	var text string
	switch m {
	case "sent notification":
		text = notificationText(true, f)
	case "received notification":
		text = notificationText(false, f)
	case "hold timer expired":
		text = "hold timer expired: nothing heard from the peer within the hold time"
	default:
		return
	}
	p := s.peerByAddress(fmt.Sprint(f["Key"]))
	if p == nil {
		return
	}
	if m == "sent notification" && strings.Contains(text, "max-prefix exceeded") {
		if last := p.limiter.status().Last; last != nil && last.Detail != "" {
			text += ": " + last.Detail
		}
	}
	s.setLastError(p, text, time.Now())
}

// onGoBGPInfo sees GoBGP's info lines; "Peer Down" names the reason an
// established session ended when no NOTIFICATION was involved (the peer
// closed the connection, a write failed).
func (s *Server) onGoBGPInfo(m string, f gobgplog.Fields) {
	if m != "Peer Down" {
		return
	}
	text := peerDownText(fmt.Sprint(f["Reason"]))
	if text == "" {
		return
	}
	p := s.peerByAddress(fmt.Sprint(f["Key"]))
	if p == nil {
		return
	}
	now := time.Now()
	// After a NOTIFICATION GoBGP sent from its server loop (max-prefix,
	// hold timer) the connection is closed and the FSM reports a read
	// failure: the NOTIFICATION is the explanation.
	if strings.Contains(p.recentLastError(now), "(NOTIFICATION ") {
		return
	}
	s.setLastError(p, text, now)
}

// setLastError records a session error. A family reset recorded just
// before (addressing.go) says more than the UPDATE error NOTIFICATION that
// carries it out, so that one is kept.
func (s *Server) setLastError(p *peer, text string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if strings.HasPrefix(p.lastError, familyResetPrefix) && now.Sub(p.lastErrorAt) < recentError {
		return
	}
	p.lastError, p.lastErrorAt = text, now
}

// recentLastError is the last error if it was recorded within recentError
// of now: the reason for a state change being reported now.
func (p *peer) recentLastError(now time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lastError == "" || now.Sub(p.lastErrorAt) > recentError {
		return ""
	}
	return p.lastError
}

// peerDownText turns GoBGP's fsmStateReason for a session leaving
// Established into words, or "" when a NOTIFICATION line already said it
// (or the reason is rsguard's own doing).
func peerDownText(reason string) string {
	switch reason {
	case "read-failed":
		return "connection closed by the peer without a NOTIFICATION (read failed)"
	case "write-failed":
		return "connection lost: sending to the peer failed"
	case "invalid-msg":
		return "the peer sent an invalid message"
	}
	return ""
}

// notificationNames are RFC 4271 section 4.5 (and RFC 4486 for Cease) in
// words; unknown codes fall back to GoBGP's description.
var notificationNames = map[[2]uint8]string{
	{bgp.BGP_ERROR_HOLD_TIMER_EXPIRED, 0}:                                       "hold timer expired",
	{bgp.BGP_ERROR_OPEN_MESSAGE_ERROR, bgp.BGP_ERROR_SUB_BAD_PEER_AS}:           "OPEN error: bad peer AS",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_MAXIMUM_NUMBER_OF_PREFIXES_REACHED}: "max-prefix exceeded (Cease: maximum number of prefixes reached)",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_ADMINISTRATIVE_SHUTDOWN}:            "Cease: administrative shutdown",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_PEER_DECONFIGURED}:                  "Cease: peer de-configured",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_ADMINISTRATIVE_RESET}:               "Cease: administrative reset",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_CONNECTION_REJECTED}:                "Cease: connection rejected",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_OTHER_CONFIGURATION_CHANGE}:         "Cease: other configuration change",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_CONNECTION_COLLISION_RESOLUTION}:    "Cease: connection collision resolution",
	{bgp.BGP_ERROR_CEASE, bgp.BGP_ERROR_SUB_OUT_OF_RESOURCES}:                   "Cease: out of resources",
}

func notificationName(code, subcode uint8) string {
	if n, ok := notificationNames[[2]uint8{code, subcode}]; ok {
		return n
	}
	return bgp.NewNotificationErrorCode(code, subcode).String()
}

// notificationText describes a NOTIFICATION from GoBGP's log fields: Code,
// Subcode, Data and Communicated-Reason (RFC 8203), or for errors found
// while reading an OPEN, Data holding the *bgp.MessageError with its text
// (e.g. "as number mismatch expected 21001, received 21002").
func notificationText(sent bool, f gobgplog.Fields) string {
	dir := "received from the peer"
	if sent {
		dir = "sent to the peer"
	}
	var code, subcode uint8
	var detail string
	var me *bgp.MessageError
	if err, ok := f["Data"].(error); ok && errors.As(err, &me) {
		code, subcode, detail = me.TypeCode, me.SubTypeCode, me.Message
	} else {
		code, _ = f["Code"].(uint8)
		subcode, _ = f["Subcode"].(uint8)
		if r, ok := f["Communicated-Reason"].(string); ok && r != "" {
			detail = fmt.Sprintf("%q", r)
		}
	}
	text := fmt.Sprintf("%s (NOTIFICATION %d/%d %s)", notificationName(code, subcode), code, subcode, dir)
	if detail != "" {
		text += ": " + detail
	}
	return text
}

// clearConnectHints forgets a connect-time guess ("MD5 mismatch
// suspected", "no SYN-ACK") once the session is up: it is disproven, and
// the MD5 hint in particular comes from a host-wide counter, so a peer
// that merely had not connected yet may have been given it.
func (p *peer) clearConnectHints() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if strings.HasPrefix(p.lastError, "MD5 mismatch suspected") || strings.HasPrefix(p.lastError, "no SYN-ACK from the peer") {
		p.lastError, p.lastErrorAt = "", time.Time{}
	}
}
