package filters

import "fmt"

// Reason is a stable reject-reason code. Numbers below 1000 follow the
// ARouteServer / Euro-IX convention that IXP operators already know; local
// additions live at 1000 and above. The proto enum carries the same numbers.
type Reason uint16

const (
	ReasonASPathTooLong           Reason = 1
	ReasonBogonPrefix             Reason = 2
	ReasonGlobalBlacklist         Reason = 3
	ReasonInvalidAFI              Reason = 4
	ReasonNextHopMismatch         Reason = 5
	ReasonFirstASMismatch         Reason = 6
	ReasonBogonASN                Reason = 7
	ReasonTransitFreeASN          Reason = 8
	ReasonOriginNotInASSet        Reason = 9
	ReasonIPv6NotGlobalUnicast    Reason = 10
	ReasonPeerBlacklist           Reason = 11
	ReasonPrefixNotRegistered     Reason = 12
	ReasonPrefixLength            Reason = 13
	ReasonRPKIInvalid             Reason = 14
	ReasonNeverViaRouteServersASN Reason = 15
	ReasonDampened                Reason = 1000
	// ReasonASSetInPath: the AS_PATH carries an AS_SET (or AS_CONFED_SET)
	// segment, deprecated by RFC 9774; such routes are rejected.
	ReasonASSetInPath Reason = 1001
	// ReasonMaxPrefixBlocked: the peer is over its max-prefix limit with
	// action "block"; routes past the limit are refused.
	ReasonMaxPrefixBlocked Reason = 1002
)

var reasonNames = map[Reason]string{
	ReasonASPathTooLong:           "as_path_too_long",
	ReasonBogonPrefix:             "bogon_prefix",
	ReasonGlobalBlacklist:         "prefix_in_global_blacklist",
	ReasonInvalidAFI:              "invalid_afi",
	ReasonNextHopMismatch:         "next_hop_mismatch",
	ReasonFirstASMismatch:         "first_as_mismatch",
	ReasonBogonASN:                "bogon_asn",
	ReasonTransitFreeASN:          "transit_free_asn",
	ReasonOriginNotInASSet:        "origin_not_in_as_set",
	ReasonIPv6NotGlobalUnicast:    "ipv6_not_global_unicast",
	ReasonPeerBlacklist:           "prefix_in_peer_blacklist",
	ReasonPrefixNotRegistered:     "prefix_not_registered",
	ReasonPrefixLength:            "prefix_length",
	ReasonRPKIInvalid:             "rpki_invalid",
	ReasonNeverViaRouteServersASN: "never_via_route_servers_asn",
	ReasonDampened:                "dampened",
	ReasonASSetInPath:             "as_set_in_path",
	ReasonMaxPrefixBlocked:        "max_prefix_blocked",
}

// AllReasons lists every reason in code order.
func AllReasons() []Reason {
	return []Reason{ReasonASPathTooLong, ReasonBogonPrefix, ReasonGlobalBlacklist,
		ReasonInvalidAFI, ReasonNextHopMismatch, ReasonFirstASMismatch, ReasonBogonASN,
		ReasonTransitFreeASN, ReasonOriginNotInASSet, ReasonIPv6NotGlobalUnicast,
		ReasonPeerBlacklist, ReasonPrefixNotRegistered, ReasonPrefixLength,
		ReasonRPKIInvalid, ReasonNeverViaRouteServersASN, ReasonDampened,
		ReasonASSetInPath, ReasonMaxPrefixBlocked}
}

// Name is the stable snake_case name used in logs, the API and the CLI.
func (r Reason) Name() string {
	if n, ok := reasonNames[r]; ok {
		return n
	}
	return fmt.Sprintf("reason_%d", uint16(r))
}

func (r Reason) String() string { return r.Name() }

// ReasonByName resolves a name such as "bogon_prefix" (or a decimal code).
func ReasonByName(name string) (Reason, bool) {
	for r, n := range reasonNames {
		if n == name || fmt.Sprint(uint16(r)) == name {
			return r, true
		}
	}
	return 0, false
}
