package lg

import (
	"strconv"
	"strings"
)

// NeighborID is the stable protocol key Alice puts unescaped into URLs:
// "AS<asn>_<address>" with '.' and ':' turned into '_', inside
// birdwatcher's charset [A-Za-z0-9_:.] and at most 80 characters. It is
// derived from the peer's ASN and session address, both unique and stable
// across restarts, and not from the peer's name, which may hold any
// character. IPv4 and IPv6 never collide: an IPv4 address has four groups
// and never "__", an IPv6 one has eight groups or a "::".
func NeighborID(n Neighbor) string {
	a := strings.NewReplacer(".", "_", ":", "_").Replace(n.Address.Unmap().WithZone("").String())
	return "AS" + strconv.FormatUint(uint64(n.ASN), 10) + "_" + a
}

// birdState maps GoBGP's FSM state to BIRD's protocol state, the words
// Alice groups by: up (Established), start (trying), down (disabled).
func birdState(n Neighbor) string {
	switch {
	case n.Disabled:
		return "down"
	case n.State == "ESTABLISHED":
		return "up"
	}
	return "start"
}

// connectionState is BIRD's BGP state word for a GoBGP FSM state.
func connectionState(s string) string {
	switch s {
	case "ESTABLISHED":
		return "Established"
	case "ACTIVE":
		return "Active"
	case "CONNECT":
		return "Connect"
	case "OPENSENT":
		return "OpenSent"
	case "OPENCONFIRM":
		return "OpenConfirm"
	}
	return "Idle"
}
