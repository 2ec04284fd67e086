package routeserver

import (
	"strings"
	"unicode"

	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/sirupsen/logrus"
)

// snakeKey turns one of GoBGP's field names ("Topic", "AdminState",
// "Communicated-Reason", "PeerAS") into the snake_case every rsguard log
// key uses, so one query language works on all lines of the daemon.
func snakeKey(k string) string {
	rs := []rune(k)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r == '-' || r == ' ' || r == '.':
			b.WriteByte('_')
			continue
		case unicode.IsUpper(r) && i > 0:
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			// "AdminState" → admin_state; "PeerAS" → peer_as; "IPAddr" → ip_addr.
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Trim(strings.ReplaceAll(b.String(), "__", "_"), "_")
}

// gobgpFields converts GoBGP's fields to ours: snake_case keys, and "Key"
// (usually the neighbour address) named peer_address as ours are.
func gobgpFields(f gobgplog.Fields) logrus.Fields {
	out := make(logrus.Fields, len(f))
	for k, v := range f {
		if k == "Key" {
			out["peer_address"] = v
			continue
		}
		out[snakeKey(k)] = v
	}
	return out
}

// routineCeases are the Cease subcodes (RFC 4486) that end a session on
// purpose: an operator or a config change shut it down, or a connection
// collision was resolved. GoBGP logs every NOTIFICATION as a warning; these
// are what a normal stop, reload or restart looks like, so they are info.
// Max-prefix (1), connection rejected (5), out of resources (8) and hard
// reset (9) stay warnings: something is wrong.
var routineCeases = map[uint8]bool{
	bgp.BGP_ERROR_SUB_ADMINISTRATIVE_SHUTDOWN:         true,
	bgp.BGP_ERROR_SUB_PEER_DECONFIGURED:               true,
	bgp.BGP_ERROR_SUB_ADMINISTRATIVE_RESET:            true,
	bgp.BGP_ERROR_SUB_OTHER_CONFIGURATION_CHANGE:      true,
	bgp.BGP_ERROR_SUB_CONNECTION_COLLISION_RESOLUTION: true,
}

// routineWarning reports whether a GoBGP warning describes an expected
// event: a sent or received NOTIFICATION that is a routine Cease.
func routineWarning(m string, f gobgplog.Fields) bool {
	if m != "sent notification" && m != "received notification" {
		return false
	}
	code, codeOK := f["Code"].(uint8)
	sub, subOK := f["Subcode"].(uint8)
	if !codeOK || !subOK {
		// fsm.sendNotification logs the *MessageError as Data instead.
		e, ok := f["Data"].(*bgp.MessageError)
		if !ok {
			return false
		}
		code, sub = e.TypeCode, e.SubTypeCode
	}
	return code == bgp.BGP_ERROR_CEASE && routineCeases[sub]
}
