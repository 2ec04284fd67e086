package filters

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func testPeer() *Peer {
	allowed := []PrefixRange{}
	for _, s := range []string{"45.1.0.0/16{16,24}", "45.2.0.0/24", "2a0a:1::/32{32,48}"} {
		r, _ := ParsePrefixRange(s)
		allowed = append(allowed, r)
	}
	return &Peer{Name: "a", ASN: 21001, Address: netip.MustParseAddr("127.0.0.2"),
		Allowed: NewPrefixList(allowed), Origins: NewOriginSet("AS-A", []uint32{21001, 21011})}
}

func TestEvaluate(t *testing.T) {
	s := DefaultSettings()
	nh := netip.MustParseAddr("127.0.0.2")
	long := make([]uint32, 40)
	for i := range long {
		long[i] = 21001
	}
	cases := []struct {
		name    string
		route   Route
		reasons []Reason
		detail  string
	}{
		{"valid", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(21001), NextHop: nh}, nil, ""},
		{"valid customer origin", Route{Prefix: netip.MustParsePrefix("45.1.0.0/16"), ASPath: Seq(21001, 21011), NextHop: nh}, nil, ""},
		{"bogon and unregistered", Route{Prefix: netip.MustParsePrefix("10.0.0.0/8"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonBogonPrefix, ReasonPrefixNotRegistered}, "inside 10.0.0.0/8"},
		{"too long prefix", Route{Prefix: netip.MustParsePrefix("45.1.7.128/25"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonPrefixLength, ReasonPrefixNotRegistered}, "/25 outside IPv4 limits /8-/24"},
		{"wrong first AS", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(21009, 21001), NextHop: nh},
			[]Reason{ReasonFirstASMismatch}, "left-most AS21009 is not the peer's AS21001"},
		{"bogon ASN", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(21001, 64512, 21001), NextHop: nh},
			[]Reason{ReasonBogonASN}, "AS64512 (private use"},
		{"long path", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(long...), NextHop: nh},
			[]Reason{ReasonASPathTooLong}, "length 40 > max 32"},
		{"next hop", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(21001), NextHop: netip.MustParseAddr("127.0.0.99")},
			[]Reason{ReasonNextHopMismatch}, "next hop 127.0.0.99"},
		// issue 8: a v6 route with a third-party v6 next hop on a v4-only session
		// was accepted unchecked; the peer neither carries IPv6 nor has an IPv6 address
		{"v6 next hop on v4 session", Route{Prefix: netip.MustParsePrefix("2a0a:1:5::/48"), ASPath: Seq(21001), NextHop: netip.MustParseAddr("2a0a:ffff::1")},
			[]Reason{ReasonInvalidAFI, ReasonNextHopMismatch}, "IPv6 unicast is not enabled for the peer (families: ipv4)"},
		{"origin", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: Seq(21001, 21002), NextHop: nh},
			[]Reason{ReasonOriginNotInASSet}, "origin AS21002 not in AS-A"},
		{"origin is AS_SET", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: ASPath{{SegSequence, []uint32{21001}}, {SegSet, []uint32{21011}}}, NextHop: nh},
			[]Reason{ReasonOriginNotInASSet, ReasonASSetInPath}, "no single origin"},
		{"empty path", Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: nil, NextHop: nh},
			[]Reason{ReasonFirstASMismatch, ReasonOriginNotInASSet}, "empty AS path"},
		{"exact entry only", Route{Prefix: netip.MustParsePrefix("45.2.0.0/23"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonPrefixNotRegistered}, "not covered"},
		{"v6 outside global", Route{Prefix: netip.MustParsePrefix("fd00:1::/32"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonInvalidAFI, ReasonBogonPrefix, ReasonIPv6NotGlobalUnicast, ReasonPrefixNotRegistered}, ""},
		{"v6 too specific", Route{Prefix: netip.MustParsePrefix("2a0a:1:5:1::/64"), ASPath: Seq(21001), NextHop: nh},
			[]Reason{ReasonInvalidAFI, ReasonPrefixLength, ReasonPrefixNotRegistered}, ""},
		{"everything", Route{Prefix: netip.MustParsePrefix("192.168.1.128/25"), ASPath: Seq(64500, 21002), NextHop: netip.MustParseAddr("127.0.0.9")},
			[]Reason{ReasonBogonPrefix, ReasonPrefixLength, ReasonFirstASMismatch, ReasonBogonASN, ReasonNextHopMismatch, ReasonOriginNotInASSet, ReasonPrefixNotRegistered}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Evaluate(c.route, &s, testPeer())
			var got []Reason
			for _, r := range v.Rejections {
				got = append(got, r.Reason)
			}
			if !reflect.DeepEqual(got, c.reasons) {
				t.Fatalf("reasons %v, want %v (%+v)", got, c.reasons, v.Rejections)
			}
			if c.detail != "" && !strings.Contains(v.Rejections[0].Detail, c.detail) {
				t.Fatalf("detail %q does not contain %q", v.Rejections[0].Detail, c.detail)
			}
			if v.Accepted() != (len(c.reasons) == 0) {
				t.Fatal("Accepted() disagrees with reasons")
			}
		})
	}
}

func TestEvaluateDefaultDenyAndDampened(t *testing.T) {
	s := DefaultSettings()
	p := &Peer{Name: "x", ASN: 21001, Address: netip.MustParseAddr("127.0.0.2")}
	v := Evaluate(Route{Prefix: netip.MustParsePrefix("45.1.0.0/24"), ASPath: Seq(21001), NextHop: netip.MustParseAddr("127.0.0.2")}, &s, p)
	if !v.Has(ReasonPrefixNotRegistered) || !strings.Contains(v.Rejections[0].Detail, "default deny") {
		t.Fatalf("empty allowed list must deny: %+v", v)
	}
	p.Allowed = NewPrefixList([]PrefixRange{{netip.MustParsePrefix("45.1.0.0/24"), 24, 24}})
	p.Dampened = func(q netip.Prefix) (string, bool) { return "penalty 6500", q.String() == "45.1.0.0/24" }
	v = Evaluate(Route{Prefix: netip.MustParsePrefix("45.1.0.0/24"), ASPath: Seq(21001), NextHop: netip.MustParseAddr("127.0.0.2")}, &s, p)
	if len(v.Rejections) != 1 || v.Rejections[0].Reason != ReasonDampened {
		t.Fatalf("want dampened only: %+v", v)
	}
	s.NextHopStrict = false
	v = Evaluate(Route{Prefix: netip.MustParsePrefix("45.1.0.0/24"), ASPath: Seq(21001), NextHop: netip.MustParseAddr("127.0.0.9")}, &s, p)
	if v.Has(ReasonNextHopMismatch) {
		t.Fatal("next_hop = off must not check")
	}
}

func TestComplement(t *testing.T) {
	a := netip.MustParseAddr("127.0.0.2")
	c := Complement(a)
	if len(c) != 32 {
		t.Fatalf("len %d", len(c))
	}
	for _, probe := range []string{"127.0.0.2", "127.0.0.3", "0.0.0.0", "255.255.255.255", "127.0.0.1", "128.0.0.2"} {
		in := false
		for _, p := range c {
			in = in || p.Contains(netip.MustParseAddr(probe))
		}
		if in != (probe != "127.0.0.2") {
			t.Errorf("%s in complement = %v", probe, in)
		}
	}
	if len(Complement(netip.MustParseAddr("::1"))) != 128 {
		t.Fatal("v6 complement")
	}
}

func TestReasonNames(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range AllReasons() {
		n := r.Name()
		if seen[n] || strings.HasPrefix(n, "reason_") {
			t.Fatalf("bad or duplicate name %q", n)
		}
		seen[n] = true
		if back, ok := ReasonByName(n); !ok || back != r {
			t.Fatalf("ReasonByName(%q) = %v", n, back)
		}
	}
}
