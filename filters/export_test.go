package filters

import (
	"slices"
	"strings"
	"testing"
)

func stdList(t *testing.T, ss ...string) []Community {
	t.Helper()
	var out []Community
	for _, s := range ss {
		c, err := ParseCommunity(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func largeList(t *testing.T, ss ...string) []LargeCommunity {
	t.Helper()
	var out []LargeCommunity
	for _, s := range ss {
		l, err := ParseLargeCommunity(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// TestDecideExport: RS = AS21000; receivers AS21002 (16-bit) and
// AS212001 (32-bit, reachable through large communities only).
func TestDecideExport(t *testing.T) {
	r := Route{ASPath: Seq(21001, 21011)}
	cases := []struct {
		name    string
		honour  bool
		std     []string
		large   []string
		to      uint32
		send    bool
		prepend int
		outStd  []string // as sent, sorted
		outLrg  []string
	}{
		{name: "no communities", to: 21002, send: true},
		{name: "own communities kept", std: []string{"21001:100"}, large: []string{"21001:1:2"}, to: 21002, send: true,
			outStd: []string{"21001:100"}, outLrg: []string{"21001:1:2"}},
		{name: "0:peer", std: []string{"0:21002"}, to: 21002},
		{name: "0:peer other peer gets it, scrubbed", std: []string{"0:21002", "21001:5"}, to: 21003, send: true, outStd: []string{"21001:5"}},
		{name: "RS:0:peer", large: []string{"21000:0:21002"}, to: 21002},
		{name: "RS:0:peer 32-bit", large: []string{"21000:0:212001"}, to: 212001},
		{name: "0:RS to none", std: []string{"0:21000"}, to: 21002},
		{name: "RS:0:0 to none", large: []string{"21000:0:0"}, to: 212001},
		{name: "RS:peer only to peer, named", std: []string{"21000:21002"}, to: 21002, send: true},
		{name: "RS:peer only to peer, other", std: []string{"21000:21002"}, to: 21003},
		{name: "RS:peer never names 32-bit peer", std: []string{"21000:21002"}, to: 212001},
		{name: "RS:1:peer 32-bit named", large: []string{"21000:1:212001"}, to: 212001, send: true},
		{name: "RS:1:peer other", large: []string{"21000:1:212001"}, to: 21002},
		{name: "0:RS + RS:peer = only to peer", std: []string{"0:21000", "21000:21002"}, to: 21002, send: true},
		{name: "0:RS + RS:peer other", std: []string{"0:21000", "21000:21002"}, to: 21003},
		{name: "0:peer beats RS:peer", std: []string{"0:21002", "21000:21002"}, to: 21002},
		{name: "prepend once to peer", large: []string{"21000:101:21002"}, to: 21002, send: true, prepend: 1},
		{name: "prepend once to other: none", large: []string{"21000:101:21002"}, to: 21003, send: true},
		{name: "prepend twice to all", large: []string{"21000:102:0"}, to: 212001, send: true, prepend: 2},
		{name: "largest prepend wins", large: []string{"21000:101:0", "21000:103:21002"}, to: 21002, send: true, prepend: 3},
		{name: "add NO_EXPORT toward peer", large: []string{"21000:65281:21002"}, to: 21002, send: true, outStd: []string{"no_export"}},
		{name: "add NO_EXPORT not toward other", large: []string{"21000:65281:21002"}, to: 21003, send: true},
		{name: "add NO_ADVERTISE toward peer", large: []string{"21000:65282:212001"}, to: 212001, send: true, outStd: []string{"no_advertise"}},
		{name: "NO_EXPORT not doubled", std: []string{"no_export"}, large: []string{"21000:65281:21002"}, to: 21002, send: true, outStd: []string{"no_export"}},
		{name: "well-known passed through", std: []string{"no_export", "no_advertise", "no_peer"}, to: 21002, send: true,
			outStd: []string{"no_export", "no_advertise", "no_peer"}},
		{name: "honour NO_ADVERTISE", honour: true, std: []string{"no_advertise"}, to: 21002},
		{name: "honour NO_EXPORT", honour: true, std: []string{"no_export"}, to: 21002},
		{name: "honour passes NO_PEER", honour: true, std: []string{"no_peer"}, to: 21002, send: true, outStd: []string{"no_peer"}},
		{name: "honour: RS-added NO_EXPORT still sent", honour: true, large: []string{"21000:65281:21002"}, to: 21002, send: true, outStd: []string{"no_export"}},
		{name: "informational scrubbed", std: []string{"21000:0", "0:1"}, large: []string{"21000:1000:1", "21000:1101:5", "21000:65520:9", "21001:1000:1"},
			to: 21002, send: true, outLrg: []string{"21001:1000:1"}},
		{name: "RS:1:0 is not announce-to", large: []string{"21000:1:0"}, to: 21002, send: true},
	}
	loops := []struct {
		name string
		path ASPath
		to   uint32
		send bool
	}{
		{"receiver in sequence", Seq(21001, 21002, 21011), 21002, false},
		// sets are rejected on import (as_set_in_path); GoBGP's "_N_" does not look in them
		{"receiver only in set", ASPath{{Type: SegSequence, ASNs: []uint32{21001}}, {Type: SegSet, ASNs: []uint32{21011, 21002}}}, 21002, true},
		{"receiver only in confed segment", ASPath{{Type: SegSequence, ASNs: []uint32{21001}}, {Type: SegConfedSequence, ASNs: []uint32{21002}}}, 21002, true},
		{"other peer", Seq(21001, 21002), 21003, true},
	}
	for _, c := range loops {
		t.Run("loop: "+c.name, func(t *testing.T) {
			if d := DecideExport(ExportSettings{RSASN: 21000}, Route{ASPath: c.path}, Communities{}, c.to); d.Send != c.send {
				t.Errorf("send = %v (%s), want %v", d.Send, d.Rule, c.send)
			}
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ExportSettings{RSASN: 21000, HonourWellKnown: c.honour}
			d := DecideExport(s, r, Communities{Std: stdList(t, c.std...), Large: largeList(t, c.large...)}, c.to)
			if d.Send != c.send || d.Rule == "" {
				t.Fatalf("send = %v (%s), want %v", d.Send, d.Rule, c.send)
			}
			if !d.Send {
				return
			}
			if d.Prepend != c.prepend {
				t.Errorf("prepend = %d, want %d", d.Prepend, c.prepend)
			}
			if got, want := SortedCommunities(d.Communities), SortedCommunities(stdList(t, c.outStd...)); !slices.Equal(got, want) {
				t.Errorf("communities sent = %v, want %v", got, want)
			}
			if got, want := d.LargeCommunities, largeList(t, c.outLrg...); !slices.Equal(got, want) {
				t.Errorf("large communities sent = %v, want %v", got, want)
			}
		})
	}
}

// TestDecideExport32BitRS: with a 32-bit route-server ASN only large
// communities can address it; standard ones are left alone.
func TestDecideExport32BitRS(t *testing.T) {
	s := ExportSettings{RSASN: 212000}
	c := Communities{Std: stdList(t, "0:21002"), Large: largeList(t, "212000:0:21003")}
	if DecideExport(s, Route{}, c, 21002).Send {
		t.Error("0:21002 must still stop AS21002")
	}
	if DecideExport(s, Route{}, c, 21003).Send {
		t.Error("212000:0:21003 must stop AS21003")
	}
	d := DecideExport(s, Route{}, c, 21004)
	if !d.Send || len(d.Communities) != 0 || len(d.LargeCommunities) != 0 {
		t.Errorf("AS21004: %+v", d)
	}
}

func TestExportTargetsSkipsAnnouncer(t *testing.T) {
	peers := []ExportPeer{{"a", 21001}, {"b", 21002}, {"c", 21003}}
	got := ExportTargets(ExportSettings{RSASN: 21000}, Route{}, Communities{Std: stdList(t, "0:21003")}, "a", peers)
	if len(got) != 2 || got[0].Peer.Name != "b" || !got[0].Decision.Send || got[1].Decision.Send {
		t.Errorf("targets = %+v", got)
	}
}

// TestCompileExportShape: statements are ordered as the stages, names are
// unique, and no statement both adds and removes standard communities
// (GoBGP allows one community action per statement).
func TestCompileExportShape(t *testing.T) {
	for _, honour := range []bool{false, true} {
		c := CompileExport(ExportSettings{RSASN: 21000, HonourWellKnown: honour}, "b", 21002)
		if len(c.Policies) != 1 || c.Policies[0].Name != "rs-out-b" {
			t.Fatalf("policies %+v", c.Policies)
		}
		seen := map[string]bool{}
		sets := map[string]bool{}
		for _, s := range c.Sets {
			sets[s.Name] = true
		}
		for _, s := range c.ASPathSets {
			sets[s.Name] = true
		}
		for _, s := range CompileExportCommon(ExportSettings{RSASN: 21000}).Sets {
			sets[s.Name] = true
		}
		st := c.Policies[0].Statements
		for _, s := range st {
			if seen[s.Name] {
				t.Errorf("duplicate statement %s", s.Name)
			}
			seen[s.Name] = true
			if len(s.AddStd) > 0 && len(s.RemoveStd) > 0 {
				t.Errorf("%s adds and removes", s.Name)
			}
			for _, m := range []*CommunityMatch{s.Std, s.Large, {Set: s.ASPathSet}} {
				if m != nil && m.Set != "" && !sets[m.Set] {
					t.Errorf("%s uses undefined set %s", s.Name, m.Set)
				}
			}
		}
		if seen["honour-well-known"] != honour {
			t.Errorf("honour=%v but statement present=%v", honour, seen["honour-well-known"])
		}
		if last := st[len(st)-1].Name; !strings.HasPrefix(last, "scrub") {
			t.Errorf("last statement %s, want scrubbing last", last)
		}
	}
}

func TestParseCommunity(t *testing.T) {
	for in, want := range map[string]Community{"0:21001": 21001, "21000:1": 21000<<16 | 1, "65535:65535": 0xFFFFFFFF,
		"no_export": NoExport, "NO-ADVERTISE": NoAdvertise, "no_peer": NoPeer} {
		got, err := ParseCommunity(in)
		if err != nil || got != want {
			t.Errorf("ParseCommunity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1", "1:2:3", "65536:1", "-1:2", "a:b", "1:"} {
		if _, err := ParseCommunity(bad); err == nil {
			t.Errorf("ParseCommunity(%q) accepted", bad)
		}
	}
	if _, err := ParseLargeCommunity("4294967295:0:4294967295"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "1:2", "1:2:3:4", "4294967296:0:0", "x:1:2"} {
		if _, err := ParseLargeCommunity(bad); err == nil {
			t.Errorf("ParseLargeCommunity(%q) accepted", bad)
		}
	}
}

// FuzzParseCommunity: whatever parses renders back to something that
// parses to the same value.
func FuzzParseCommunity(f *testing.F) {
	for _, s := range []string{"0:21001", "no_export", "65535:65281", "1:2:3", "21000:1:4200000000", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := ParseCommunity(s); err == nil {
			if back, err := ParseCommunity(c.String()); err != nil || back != c {
				t.Fatalf("%q -> %v -> %q -> %v, %v", s, c, c.String(), back, err)
			}
		}
		if l, err := ParseLargeCommunity(s); err == nil {
			if back, err := ParseLargeCommunity(l.String()); err != nil || back != l {
				t.Fatalf("%q -> %v -> %v, %v", s, l, back, err)
			}
		}
	})
}
