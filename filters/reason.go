package filters

import "fmt"

// Reason is a stable reject-reason code. Numbers below 1000 follow the
// ARouteServer / Euro-IX convention that IXP operators already know; local
// additions live at 1000 and above. The proto enum carries the same numbers.
type Reason uint16

const (
	ReasonASPathTooLong       Reason = 1
	ReasonBogonPrefix         Reason = 2
	ReasonNextHopMismatch     Reason = 5
	ReasonFirstASMismatch     Reason = 6
	ReasonBogonASN            Reason = 7
	ReasonOriginNotInASSet    Reason = 9
	ReasonPrefixNotRegistered Reason = 12
	ReasonPrefixLength        Reason = 13
	ReasonDampened            Reason = 1000
)

var reasonNames = map[Reason]string{
	ReasonASPathTooLong:       "as_path_too_long",
	ReasonBogonPrefix:         "bogon_prefix",
	ReasonNextHopMismatch:     "next_hop_mismatch",
	ReasonFirstASMismatch:     "first_as_mismatch",
	ReasonBogonASN:            "bogon_asn",
	ReasonOriginNotInASSet:    "origin_not_in_as_set",
	ReasonPrefixNotRegistered: "prefix_not_registered",
	ReasonPrefixLength:        "prefix_length",
	ReasonDampened:            "dampened",
}

// AllReasons lists every reason in code order.
func AllReasons() []Reason {
	return []Reason{ReasonASPathTooLong, ReasonBogonPrefix, ReasonNextHopMismatch,
		ReasonFirstASMismatch, ReasonBogonASN, ReasonOriginNotInASSet,
		ReasonPrefixNotRegistered, ReasonPrefixLength, ReasonDampened}
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
