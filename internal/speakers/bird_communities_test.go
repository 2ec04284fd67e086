package speakers

import (
	"strings"
	"testing"
)

func TestWithCommunities(t *testing.T) {
	c := BIRDConfig{ASN: 21001, RouterID: Addr(PkgSpeakers, 12),
		Neighbors: []BIRDNeighbor{{Name: "rs", LocalAddr: Addr(PkgSpeakers, 12), PeerAddr: Addr(PkgSpeakers, 13), PeerASN: 21000}},
		Static4:   []StaticRoute{{Prefix: "45.60.1.0/24"}, {Prefix: "45.60.2.0/24"}}}
	got, err := c.WithCommunities(map[string]RouteCommunities{"45.60.1.0/24": {Std: []string{"0:21003", "65535:65281"}, Large: []string{"21000:1:4200000000"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "\troute 45.60.1.0/24 blackhole { bgp_community.add((0,21003)); bgp_community.add((65535,65281)); bgp_large_community.add((21000,1,4200000000)); };\n"
	if !strings.Contains(got.Raw, want) || !strings.Contains(got.Raw, "\troute 45.60.2.0/24 blackhole;\n") {
		t.Errorf("raw config:\n%s", got.Raw)
	}
	if strings.Contains(got.Raw, "log ") {
		t.Errorf("the preamble must be left to StartBIRD:\n%s", got.Raw)
	}
	for _, bad := range []map[string]RouteCommunities{
		{"45.61.0.0/24": {Std: []string{"1:1"}}},
		{"45.60.1.0/24": {Std: []string{"65536:1"}}},
		{"45.60.1.0/24": {Std: []string{"1:2:3"}}},
		{"45.60.1.0/24": {Large: []string{"1:x:3"}}},
	} {
		if _, err := c.WithCommunities(bad); err == nil {
			t.Errorf("WithCommunities(%v) accepted", bad)
		}
	}
}
