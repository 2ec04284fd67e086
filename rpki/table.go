package rpki

import (
	"net/netip"

	"github.com/gaissmai/bart"
)

// State is the RFC 6811 validation state of a route.
type State uint8

const (
	// StateUnknown: validation is off (no RPKI configured).
	StateUnknown State = iota
	StateNotFound
	StateValid
	StateInvalid
)

var stateNames = [...]string{"", "not-found", "valid", "invalid"}

// String is the operator's spelling: "valid", "invalid", "not-found", or
// "" when validation is off.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Table answers covering-VRP lookups. It is immutable once built, so a
// lookup never waits for a VRP update: the route server swaps tables.
type Table struct {
	t   bart.Table[[]VRP]
	set Set
}

// NewTable indexes a canonical set by prefix.
func NewTable(set Set) *Table {
	t := &Table{set: set}
	for _, v := range set {
		cur, _ := t.t.Get(v.Prefix)
		t.t.Insert(v.Prefix, append(cur, v))
	}
	return t
}

// Set is the table's VRPs (shared: do not modify).
func (t *Table) Set() Set {
	if t == nil {
		return nil
	}
	return t.set
}

// Len is the number of VRPs.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.set)
}

// Covering returns every VRP whose prefix covers p, shortest prefix first.
func (t *Table) Covering(p netip.Prefix) []VRP {
	if t == nil {
		return nil
	}
	var out []VRP
	for _, vs := range t.t.Supernets(p.Masked()) {
		out = append(out, vs...)
	}
	// Supernets yields longest first; evidence reads better from the top.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Validate is RFC 6811 §2: a route is valid when a covering VRP matches
// its origin AS and length, invalid when VRPs cover it but none matches,
// not found when none covers it. hasOrigin false means the origin is NONE
// (the AS_PATH ends in an AS_SET or is empty): no VRP can match it. A VRP
// with AS 0 never matches (RFC 6483 §4). The covering VRPs are returned
// as evidence.
func (t *Table) Validate(p netip.Prefix, origin uint32, hasOrigin bool) (State, []VRP) {
	cov := t.Covering(p)
	if len(cov) == 0 {
		return StateNotFound, nil
	}
	for _, v := range cov {
		if hasOrigin && v.ASN != 0 && v.ASN == origin && p.Bits() <= int(v.MaxLen) {
			return StateValid, cov
		}
	}
	return StateInvalid, cov
}
