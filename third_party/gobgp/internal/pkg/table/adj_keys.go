package table

import "github.com/osrg/gobgp/v3/pkg/packet/bgp"

// Adj-RIB-In keys without strings. An IPv4 or IPv6 unicast prefix is
// keyed by its octets and length in a fixed-size array held in the map
// slot; other families keep tableKey's string. The string key cost an
// allocation per received path (tableKey makes one) and, on every key
// comparison, a pointer to follow into memory the lookup had not touched
// yet: a route server's Adj-RIB-In is large and each received path hits
// a cold part of it (rsguard's issue 11: 900,000 routes from 3 peers).

type adjKey4 [5]byte  // IPv4 address, length
type adjKey6 [17]byte // IPv6 address, length

// adjRef is the key of one NLRI in its family's adjTable.
type adjRef struct {
	kind uint8 // 4, 6, or 0: s
	k4   adjKey4
	k6   adjKey6
	s    string
}

func adjRefOf(nlri bgp.AddrPrefixInterface) adjRef {
	var r adjRef
	switch n := nlri.(type) {
	case *bgp.IPAddrPrefix:
		r.kind = 4
		copy(r.k4[:4], n.Prefix.To4())
		r.k4[4] = n.Length
	case *bgp.IPv6AddrPrefix:
		r.kind = 6
		copy(r.k6[:16], n.Prefix.To16())
		r.k6[16] = n.Length
	default:
		r.s = adjKey(nlri)
	}
	return r
}

// adjTable is one family's Adj-RIB-In. Only one of its maps is used, by
// the family's NLRI type; IPv4 unicast's keeps the name destinations,
// which upstream's tests read.
type adjTable struct {
	family       bgp.RouteFamily
	destinations map[adjKey4]adjDest
	v6           map[adjKey6]adjDest
	other        map[string]adjDest
}

func newAdjTable(family bgp.RouteFamily) *adjTable {
	return &adjTable{family: family, destinations: map[adjKey4]adjDest{}, v6: map[adjKey6]adjDest{}, other: map[string]adjDest{}}
}

// adjKey is the string key of an NLRI of another family than IPv4 and
// IPv6 unicast: Table.tableKey's (which reads nothing of its table).
func adjKey(nlri bgp.AddrPrefixInterface) string {
	var t *Table
	return t.tableKey(nlri)
}

func (t *adjTable) get(r *adjRef) adjDest {
	switch r.kind {
	case 4:
		return t.destinations[r.k4]
	case 6:
		return t.v6[r.k6]
	}
	return t.other[r.s]
}

// set stores d at r, or removes r when d holds no path.
func (t *adjTable) set(r *adjRef, d adjDest) {
	switch r.kind {
	case 4:
		t.destinations = setAdj(t.destinations, r.k4, d)
	case 6:
		t.v6 = setAdj(t.v6, r.k6, d)
	default:
		t.other = setAdj(t.other, r.s, d)
	}
}

func setAdj[K comparable](m map[K]adjDest, k K, d adjDest) map[K]adjDest {
	if len(d.knownPathList) > 0 {
		m[k] = d
		return m
	}
	delete(m, k)
	if len(m) == 0 {
		return map[K]adjDest{} // a map never shrinks
	}
	return m
}

// each calls fn with every prefix's paths until fn returns true, and
// says whether it did.
func (t *adjTable) each(fn func(adjDest) bool) bool {
	for _, d := range t.destinations {
		if fn(d) {
			return true
		}
	}
	for _, d := range t.v6 {
		if fn(d) {
			return true
		}
	}
	for _, d := range t.other {
		if fn(d) {
			return true
		}
	}
	return false
}
