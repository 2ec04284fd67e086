package rsbench

import (
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/internal/speakers"
)

func TestCheckCompare(t *testing.T) {
	a := &Peer{Name: "c1", Addr: netip.MustParseAddr("127.120.1.1"), ASN: 21001}
	p1, p2 := netip.MustParsePrefix("45.0.0.0/24"), netip.MustParsePrefix("45.0.1.0/24")
	want := map[netip.Prefix]*Peer{p1: a, p2: a}
	good := func(p netip.Prefix) speakers.Route {
		return speakers.Route{Prefix: p, ASPath: []uint32{21001}, NextHop: a.Addr}
	}
	tests := []struct {
		name                     string
		got                      []speakers.Route
		leaked, missing, altered int
	}{
		{"exact", []speakers.Route{good(p1), good(p2)}, 0, 0, 0},
		{"missing", []speakers.Route{good(p1)}, 0, 1, 0},
		{"leak", []speakers.Route{good(p1), good(p2), good(netip.MustParsePrefix("10.0.0.0/24"))}, 1, 0, 0},
		{"duplicate", []speakers.Route{good(p1), good(p2), good(p2)}, 1, 0, 0},
		{"rs asn prepended", []speakers.Route{good(p1), {Prefix: p2, ASPath: []uint32{21000, 21001}, NextHop: a.Addr}}, 0, 0, 1},
		{"next hop self", []speakers.Route{good(p1), {Prefix: p2, ASPath: []uint32{21001}, NextHop: netip.MustParseAddr(RSAddr)}}, 0, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Check{Clients: 1}
			c.compare("c2", want, tc.got)
			if c.Leaked != tc.leaked || c.Missing != tc.missing || c.Altered != tc.altered {
				t.Errorf("got %d leaked %d missing %d altered, want %d %d %d (%v)",
					c.Leaked, c.Missing, c.Altered, tc.leaked, tc.missing, tc.altered, c.Examples)
			}
			if wantOK := tc.leaked+tc.missing+tc.altered == 0; c.OK() != wantOK {
				t.Errorf("OK() = %v, want %v", c.OK(), wantOK)
			}
		})
	}
}
