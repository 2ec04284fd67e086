package filters

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func mustRange(t *testing.T, s string) PrefixRange {
	t.Helper()
	r, err := ParsePrefixRange(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// listSettings: a peering LAN and one configured global entry, the default
// transit-free list and a never-via-RS list from a file.
func listSettings(t *testing.T) Settings {
	s := DefaultSettings()
	s.GlobalBlacklist = NewBlacklist(GlobalBlacklistEntries(
		[]netip.Prefix{netip.MustParsePrefix("45.127.254.0/24"), netip.MustParsePrefix("2a0a:4580:ffff::/64")},
		[]PrefixRange{mustRange(t, "45.126.0.0/16+")}))
	s.NeverViaRS = NewASNList("never via route servers", []ListedASN{{ASN: 21900, Note: "nvrs.txt:3"}, {ASN: 21901}})
	return s
}

// wantReasons fails unless v rejects for exactly these reasons, in order.
func wantReasons(t *testing.T, v Verdict, want []Reason) {
	t.Helper()
	var got []Reason
	for _, r := range v.Rejections {
		got = append(got, r.Reason)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("reasons %v, want %v (%+v)", got, want, v.Rejections)
	}
}

func listPeer(t *testing.T) *Peer {
	p := testPeer()
	p.Families = FamiliesIPv4 | FamiliesIPv6
	p.Blacklist = NewBlacklist([]ListedPrefix{{Range: mustRange(t, "45.1.3.0/24+")}})
	return p
}

func TestEvaluateListChecks(t *testing.T) {
	nh := netip.MustParseAddr("127.0.0.2")
	pfx := netip.MustParsePrefix
	cases := []struct {
		name    string
		route   Route
		reasons []Reason
		detail  []string // evidence of the first new reason, every piece must appear
	}{
		{"peering LAN itself", Route{Prefix: pfx("45.127.254.0/24"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonGlobalBlacklist, ReasonPrefixNotRegistered}, []string{"inside 45.127.254.0/24{24,32}", "global blacklist: peering LAN"}},
		{"inside the peering LAN", Route{Prefix: pfx("45.127.254.128/25"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonGlobalBlacklist, ReasonPrefixLength, ReasonPrefixNotRegistered}, []string{"peering LAN"}},
		{"v6 peering LAN", Route{Prefix: pfx("2a0a:4580:ffff::/64"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonGlobalBlacklist, ReasonPrefixLength, ReasonPrefixNotRegistered}, []string{"2a0a:4580:ffff::/64{64,128}"}},
		{"covering the LAN is not inside it", Route{Prefix: pfx("45.127.0.0/16"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonPrefixNotRegistered}, nil},
		{"configured global entry", Route{Prefix: pfx("45.126.7.0/24"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonGlobalBlacklist, ReasonPrefixNotRegistered}, []string{"inside 45.126.0.0/16{16,32}", "global_blacklist"}},
		{"peer blacklist over a registered prefix", Route{Prefix: pfx("45.1.3.0/24"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonPeerBlacklist}, []string{"inside 45.1.3.0/24{24,32}", "blacklist of peer a"}},
		{"next to the peer blacklist", Route{Prefix: pfx("45.1.4.0/24"), ASPath: Seq(21001), NextHop: nh}, nil, nil},
		{"transit-free in the middle", Route{Prefix: pfx("45.1.7.0/24"), ASPath: Seq(21001, 174, 21011), NextHop: nh},
			[]Reason{ReasonTransitFreeASN}, []string{"AS174 at position 2", `"21001 174 21011"`, "transit-free"}},
		{"two transit-free", Route{Prefix: pfx("45.1.7.0/24"), ASPath: Seq(21001, 3356, 1299, 21011), NextHop: nh},
			[]Reason{ReasonTransitFreeASN}, []string{"AS3356 at position 2", "AS1299 at position 3"}},
		{"transit-free inside an AS_SET", Route{Prefix: pfx("45.1.7.0/24"), ASPath: ASPath{{SegSequence, []uint32{21001, 21011}}, {SegSet, []uint32{21012, 6939, 2914}}}, NextHop: nh},
			[]Reason{ReasonTransitFreeASN, ReasonOriginNotInASSet, ReasonASSetInPath}, []string{"AS2914 at position 5"}},
		{"ASN containing a transit-free number", Route{Prefix: pfx("45.1.7.0/24"), ASPath: Seq(21001, 11740), NextHop: nh},
			[]Reason{ReasonOriginNotInASSet}, nil},
		{"never via RS at origin", Route{Prefix: pfx("45.1.7.0/24"), ASPath: Seq(21001, 21900), NextHop: nh},
			[]Reason{ReasonNeverViaRouteServersASN, ReasonOriginNotInASSet}, []string{"AS21900 at position 2 (nvrs.txt:3)", "never via route servers"}},
		{"v6 outside 2000::/3, no bogon entry", Route{Prefix: pfx("4000::/16"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonIPv6NotGlobalUnicast, ReasonPrefixNotRegistered}, []string{"outside IPv6 global unicast 2000::/3"}},
		{"v6 bogon entry and outside 2000::/3", Route{Prefix: pfx("fc00:1::/32"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonBogonPrefix, ReasonIPv6NotGlobalUnicast, ReasonPrefixNotRegistered}, []string{"fc00::/7"}},
		{"v6 covering 2000::/3", Route{Prefix: pfx("::/2"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonIPv6NotGlobalUnicast, ReasonPrefixLength, ReasonPrefixNotRegistered}, []string{"outside IPv6 global unicast"}},
		{"v6 bogon inside 2000::/3 is reason 2 only", Route{Prefix: pfx("2001:db8:1::/48"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonBogonPrefix, ReasonPrefixNotRegistered}, []string{"2001:db8::/32"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := listSettings(t)
			v := Evaluate(c.route, &s, listPeer(t))
			wantReasons(t, v, c.reasons)
			if len(c.detail) == 0 {
				return
			}
			d := v.Rejections[0].Detail // the reason under test comes first in pipeline order
			for _, want := range c.detail {
				if !strings.Contains(d, want) {
					t.Errorf("evidence %q lacks %q", d, want)
				}
			}
		})
	}
}

func TestTransitFreePeerOwnASN(t *testing.T) {
	s := DefaultSettings()
	nh := netip.MustParseAddr("127.0.0.2")
	p := &Peer{Name: "cogent", ASN: 174, Address: nh,
		Allowed: NewPrefixList([]PrefixRange{mustRange(t, "45.1.0.0/16+")})}
	for _, c := range []struct {
		path ASPath
		want bool
	}{
		{Seq(174), false},
		{Seq(174, 174, 21011), false}, // its own prepends
		{Seq(174, 21011, 3356), true}, // another transit-free behind it
	} {
		v := Evaluate(Route{Prefix: netip.MustParsePrefix("45.1.0.0/24"), ASPath: c.path, NextHop: nh}, &s, p)
		if v.Has(ReasonTransitFreeASN) != c.want {
			t.Errorf("path %s: transit_free_asn %v, want %v (%+v)", c.path, v.Has(ReasonTransitFreeASN), c.want, v.Rejections)
		}
	}
	s.TransitFree = NewASNList("transit-free", nil) // [] turns it off
	p.ASN = 21001
	if v := Evaluate(Route{Prefix: netip.MustParsePrefix("45.1.0.0/24"), ASPath: Seq(21001, 174), NextHop: nh}, &s, p); v.Has(ReasonTransitFreeASN) {
		t.Fatal("an empty transit-free list must not reject")
	}
}

func TestNeverViaRSIncludesPeer(t *testing.T) {
	s := DefaultSettings()
	s.NeverViaRS = NewASNList("never via route servers", ASNs("never_via_route_servers_asns", 21001))
	nh := netip.MustParseAddr("127.0.0.2")
	p := &Peer{Name: "a", ASN: 21001, Address: nh, Allowed: NewPrefixList([]PrefixRange{mustRange(t, "45.1.0.0/16+")})}
	v := Evaluate(Route{Prefix: netip.MustParsePrefix("45.1.0.0/24"), ASPath: Seq(21001), NextHop: nh}, &s, p)
	if !v.Has(ReasonNeverViaRouteServersASN) || !strings.Contains(v.Rejections[0].Detail, "AS21001 at position 1 (never_via_route_servers_asns)") {
		t.Fatalf("%+v", v.Rejections)
	}
}

func TestAllowedRoutesAndOrigins(t *testing.T) {
	s := DefaultSettings()
	nh := netip.MustParseAddr("127.0.0.2")
	p := testPeer() // AS-A: origins 21001, 21011; 45.1.0.0/16{16,24}, 45.2.0.0/24, 2a0a:1::/32{32,48}
	p.Families = FamiliesIPv4 | FamiliesIPv6
	p.Origins = p.Origins.With([]uint32{21013}, "allowed_origins")
	p.AllowedRoutes = []AllowedRoute{
		{Range: mustRange(t, "45.9.0.0/24"), Origin: 21012},
		{Range: mustRange(t, "2a0a:9::/32{32,48}")},
	}
	cases := []struct {
		name    string
		route   Route
		reasons []Reason
		detail  string
	}{
		{"allowed origin added", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(21001, 21013), NextHop: nh}, nil, ""},
		{"origin evidence names both", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(21001, 21014), NextHop: nh},
			[]Reason{ReasonOriginNotInASSet}, "origin AS21014 not in AS-A + allowed_origins (3 origins)"},
		{"allowed route with its origin", Route{Prefix: netip.MustParsePrefix("45.9.0.0/24"), ASPath: Seq(21001, 21012), NextHop: nh}, nil, ""},
		{"allowed route, wrong origin", Route{Prefix: netip.MustParsePrefix("45.9.0.0/24"), ASPath: Seq(21001, 21014), NextHop: nh},
			[]Reason{ReasonOriginNotInASSet, ReasonPrefixNotRegistered}, "AS21014"},
		{"allowed route, origin in set but prefix exact only", Route{Prefix: netip.MustParsePrefix("45.9.0.0/23"), ASPath: Seq(21001, 21012), NextHop: nh},
			[]Reason{ReasonOriginNotInASSet, ReasonPrefixNotRegistered}, ""},
		{"allowed route any origin", Route{Prefix: netip.MustParsePrefix("2a0a:9:1::/48"), ASPath: Seq(21001, 21099), NextHop: nh}, nil, ""},
		{"allowed route skips only the IRR checks", Route{Prefix: netip.MustParsePrefix("2a0a:9:1::/48"), ASPath: Seq(21009, 21099), NextHop: nh},
			[]Reason{ReasonFirstASMismatch}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Evaluate(c.route, &s, p)
			wantReasons(t, v, c.reasons)
			if c.detail != "" && !strings.Contains(v.Rejections[0].Detail, c.detail) {
				t.Fatalf("evidence %q lacks %q", v.Rejections[0].Detail, c.detail)
			}
		})
	}
}

func TestChecksOffAreNotes(t *testing.T) {
	s := DefaultSettings()
	nh := netip.MustParseAddr("127.0.0.2")
	p := testPeer()
	p.PrefixCheckOff, p.OriginCheckOff = true, true
	v := Evaluate(Route{Prefix: netip.MustParsePrefix("45.200.0.0/24"), ASPath: Seq(21001, 21099), NextHop: nh}, &s, p)
	if !v.Accepted() {
		t.Fatalf("checks off must not reject: %+v", v.Rejections)
	}
	if len(v.Notes) != 2 || v.Notes[0].Reason != ReasonOriginNotInASSet || v.Notes[1].Reason != ReasonPrefixNotRegistered {
		t.Fatalf("notes %+v", v.Notes)
	}
	if want := "check off for peer a, not rejected: not covered"; !strings.HasPrefix(v.Notes[1].Detail, want) {
		t.Fatalf("note %q, want prefix %q", v.Notes[1].Detail, want)
	}
	if got := p.ChecksOff(); !reflect.DeepEqual(got, []Reason{ReasonOriginNotInASSet, ReasonPrefixNotRegistered}) {
		t.Fatalf("ChecksOff %v", got)
	}
	// other checks still reject
	v = Evaluate(Route{Prefix: netip.MustParsePrefix("10.0.0.0/8"), ASPath: Seq(21001), NextHop: nh}, &s, p)
	if !v.Has(ReasonBogonPrefix) || v.Has(ReasonPrefixNotRegistered) {
		t.Fatalf("%+v", v)
	}
}
