package routeserver

import (
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/filters"
)

// TestDiffStatements: a statement whose parameters change gets a new GoBGP
// name, so it is added before the old one is removed (no moment without
// the check); only a same-name change must be removed first.
func TestDiffStatements(t *testing.T) {
	nh := func(a string) filters.Statement {
		return filters.Statement{Name: "next-hop", Reason: filters.ReasonNextHopMismatch,
			NextHopIn: filters.ComplementSet([]netip.Addr{netip.MustParseAddr(a)})}
	}
	long := func(n int) filters.Statement {
		return filters.Statement{Name: "as-path-too-long", Reason: filters.ReasonASPathTooLong, ASPathLengthGE: n}
	}
	origin := filters.Statement{Name: "origin", Reason: filters.ReasonOriginNotInASSet, ASPathSet: "o", ASPathSetInvert: true}
	originChanged := origin
	originChanged.ASPathSet = "o2"
	for _, c := range []struct {
		name               string
		old, next          []filters.Statement
		gone, fresh, readd int
	}{
		{"same", []filters.Statement{nh("127.0.0.1"), long(33)}, []filters.Statement{nh("127.0.0.1"), long(33)}, 0, 0, 0},
		{"next hop moved", []filters.Statement{nh("127.0.0.1")}, []filters.Statement{nh("127.0.0.2")}, 1, 1, 0},
		{"as path limit", []filters.Statement{long(33)}, []filters.Statement{long(2)}, 1, 1, 0},
		{"statement added", nil, []filters.Statement{origin}, 0, 1, 0},
		{"statement removed", []filters.Statement{origin}, nil, 1, 0, 0},
		{"same name, other set", []filters.Statement{origin}, []filters.Statement{originChanged}, 1, 0, 1},
	} {
		gone, fresh, readd := diffStatements("rs-in-a", c.old, c.next)
		if len(gone) != c.gone || len(fresh) != c.fresh || len(readd) != c.readd {
			t.Errorf("%s: gone %d fresh %d readd %d, want %d %d %d", c.name, len(gone), len(fresh), len(readd), c.gone, c.fresh, c.readd)
		}
	}
}
