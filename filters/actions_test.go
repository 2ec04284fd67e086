package filters

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func bhSettings(v4, v6 bool) Settings {
	s := DefaultSettings()
	if v4 {
		s.Blackhole.NextHopIPv4 = netip.MustParseAddr("45.255.0.66")
	}
	if v6 {
		s.Blackhole.NextHopIPv6 = netip.MustParseAddr("2001:7f8::666")
	}
	return s
}

func bhPeer() *Peer {
	var rs []PrefixRange
	for _, x := range []string{"45.1.0.0/16{16,24}", "45.2.0.0/16{24,24}", "2a0a:1::/32{32,48}"} {
		r, err := ParsePrefixRange(x)
		if err != nil {
			panic(err)
		}
		rs = append(rs, r)
	}
	return &Peer{Name: "a", ASN: 21001, Address: netip.MustParseAddr("45.255.0.1"), Families: FamiliesIPv4 | FamiliesIPv6,
		Addresses: []netip.Addr{netip.MustParseAddr("2001:7f8::1")}, Allowed: NewPrefixList(rs)}
}

// TestEvaluateBlackhole: an honoured blackhole request passes the length
// and registered-space checks at any length inside the space, and only
// there; without a next hop for its family it is an ordinary route.
func TestEvaluateBlackhole(t *testing.T) {
	nh4, nh6 := netip.MustParseAddr("45.255.0.1"), netip.MustParseAddr("2001:7f8::1")
	cases := []struct {
		name      string
		v4, v6    bool
		prefix    string
		blackhole bool
		want      []Reason
		detail    string
	}{
		{"host inside space", true, false, "45.1.9.1/32", true, nil, ""},
		{"host inside /24-only entry", true, false, "45.2.7.1/32", true, nil, ""},
		{"same host, no BLACKHOLE", true, false, "45.1.9.1/32", false, []Reason{ReasonPrefixLength, ReasonPrefixNotRegistered}, ""},
		{"outside space", true, false, "45.7.7.7/32", true, []Reason{ReasonPrefixNotRegistered}, "blackhole request outside the peer's registered space"},
		{"shorter than the entry minimum", true, false, "45.2.0.0/20", true, []Reason{ReasonPrefixNotRegistered}, ""},
		{"shorter than the global minimum", true, false, "44.0.0.0/6", true, []Reason{ReasonPrefixLength, ReasonPrefixNotRegistered}, "shorter than the IPv4 minimum /8"},
		{"family without blackholing", false, true, "45.1.9.1/32", true, []Reason{ReasonPrefixLength, ReasonPrefixNotRegistered}, ""},
		{"IPv6 /128 inside space", false, true, "2a0a:1:2::1/128", true, nil, ""},
		{"IPv6 off", true, false, "2a0a:1:2::1/128", true, []Reason{ReasonPrefixLength, ReasonPrefixNotRegistered}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := bhSettings(c.v4, c.v6)
			p := netip.MustParsePrefix(c.prefix)
			nh := nh4
			if p.Addr().Is6() {
				nh = nh6
			}
			v := Evaluate(Route{Prefix: p, ASPath: Seq(21001), NextHop: nh, Blackhole: c.blackhole}, &s, bhPeer())
			var got []Reason
			var details []string
			for _, r := range v.Rejections {
				got = append(got, r.Reason)
				details = append(details, r.Detail)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("reasons %v, want %v (%v)", got, c.want, details)
			}
			if c.detail != "" && !strings.Contains(strings.Join(details, "; "), c.detail) {
				t.Errorf("evidence %q lacks %q", details, c.detail)
			}
		})
	}
}

// TestRejectCommunities pins the ARouteServer/Euro-IX mapping (§b).
func TestRejectCommunities(t *testing.T) {
	for _, c := range []struct {
		r    Reason
		want string
	}{
		{ReasonBogonPrefix, "21000:65520:2 21000:1101:3"},
		{ReasonPrefixNotRegistered, "21000:65520:12 21000:1101:9"},
		{ReasonOriginNotInASSet, "21000:65520:9 21000:1101:10"},
		{ReasonNextHopMismatch, "21000:65520:5 21000:1101:8"},
		{ReasonPrefixLength, "21000:65520:13"},
		{ReasonDampened, "21000:65520:1000"},
	} {
		var got []string
		for _, l := range RejectCommunities(21000, c.r) {
			got = append(got, l.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: %v, want %s", c.r, got, c.want)
		}
	}
}

func allStatements(cs ...Compiled) []Statement {
	var out []Statement
	for _, c := range cs {
		for _, p := range c.Policies {
			out = append(out, p.Statements...)
		}
	}
	return out
}

// TestCompileActionsTag: in tag mode no statement rejects any more; each
// former reject adds its own reason's code once, and the Euro-IX codes are
// derived at the end of the peer's policy.
func TestCompileActionsTag(t *testing.T) {
	s := bhSettings(true, true)
	a := ActionSettings{RSASN: 21000, Tag: true, Blackhole: s.Blackhole}
	p := bhPeer()
	p.Origins = NewOriginSet("AS-A", []uint32{21001})
	plain := allStatements(CompileCommon(&s), CompilePeer(&s, p))
	common := CompileCommonActions(CompileCommon(&s), &s, a)
	peer := CompilePeerActions(CompilePeer(&s, p), &s, a, p, false)
	tagged := map[Reason]int{}
	for _, st := range allStatements(common, peer) {
		if st.Mods == nil {
			t.Fatalf("statement %s still rejects in tag mode", st.Name)
		}
		for _, l := range st.Mods.AddLarge {
			if l.Local1 == LCRejectCause {
				if Reason(l.Local2) != st.Reason || st.Large == nil || !st.Large.Invert || st.Large.Set != causeSet(st.Reason) {
					t.Errorf("%s adds %s: want its own reason %d, once", st.Name, l, st.Reason)
				}
				tagged[st.Reason]++
			}
		}
	}
	for _, st := range plain {
		if tagged[st.Reason] == 0 {
			t.Errorf("reason %s of %s is never tagged", st.Reason, st.Name)
		}
	}
	last := peer.Policies[0].Statements
	var euro []string
	for _, st := range last {
		if strings.HasPrefix(st.Name, "euroix-") && !strings.HasSuffix(st.Name, "-clear") {
			euro = append(euro, st.Mods.AddLarge[0].String())
		}
	}
	if len(euro) != 9 || euro[0] != "21000:1101:3" {
		t.Errorf("Euro-IX statements %v", euro)
	}
}

// TestCompileActionsBlackholeSplit: only families with a blackhole next
// hop get the blackhole variants of the length and registered checks, and
// the rewrite statements.
func TestCompileActionsBlackholeSplit(t *testing.T) {
	s := bhSettings(true, false)
	a := ActionSettings{RSASN: 21000, Blackhole: s.Blackhole}
	p := bhPeer()
	st := allStatements(CompileCommonActions(CompileCommon(&s), &s, a), CompilePeerActions(CompilePeer(&s, p), &s, a, p, false))
	names := map[string]Statement{}
	for _, x := range st {
		names[x.Name] = x
	}
	for _, n := range []string{"length-v4-blackhole", "not-registered-v4-blackhole", "blackhole-v4", "blackhole-clear-no-export-v4"} {
		if _, ok := names[n]; !ok {
			t.Errorf("missing %s", n)
		}
	}
	for _, n := range []string{"length-v6-blackhole", "not-registered-v6-blackhole", "blackhole-v6"} {
		if _, ok := names[n]; ok {
			t.Errorf("%s without an IPv6 blackhole next hop", n)
		}
	}
	if x := names["length-v4"]; x.Std == nil || !x.Std.Invert || x.Mods != nil {
		t.Errorf("length-v4 must apply to non-blackhole routes only: %+v", x)
	}
	if x := names["not-registered-v4-blackhole"]; x.PrefixSet != ActionSets("a").Blackhole4 || x.Std == nil || x.Std.Invert {
		t.Errorf("not-registered-v4-blackhole: %+v", x)
	}
	if x := names["blackhole-v4"]; x.Mods.NextHop != s.Blackhole.NextHopIPv4 || !slices.Equal(x.Mods.AddStd, []Community{NoExport}) {
		t.Errorf("blackhole-v4 actions: %+v", x.Mods)
	}
	v4, v6 := s.Blackhole.SpaceSets(p.Allowed)
	if len(v6) != 0 || len(v4) != 2 || v4[0].Max != 32 || v4[1].Min != 24 {
		t.Errorf("blackhole space sets v4 %v v6 %v", v4, v6)
	}
}
