package filters

import (
	"net/netip"
	"reflect"
	"testing"
)

// TestASSetInPath: a static-prefix peer (no as_set, so no origin check)
// whose path carries a set is rejected with the segment as evidence; sets
// anywhere in the path count, and a confederation sequence does not.
func TestASSetInPath(t *testing.T) {
	s := DefaultSettings()
	nh := netip.MustParseAddr("127.0.0.2")
	p := &Peer{Name: "a", ASN: 21001, Address: nh,
		Allowed: NewPrefixList([]PrefixRange{{netip.MustParsePrefix("45.1.0.0/16"), 16, 24}})}
	seq := func(a ...uint32) Segment { return Segment{SegSequence, a} }
	cases := []struct {
		name    string
		path    ASPath
		reasons []Reason
		detail  string
	}{
		{"sequence only", ASPath{seq(21001, 21010)}, nil, ""},
		{"set at the origin", ASPath{seq(21001), {SegSet, []uint32{21010, 21011}}}, []Reason{ReasonASSetInPath},
			"AS_SET {21010,21011} in AS path (RFC 9774)"},
		{"set mid-path", ASPath{seq(21001), {SegSet, []uint32{21010}}, seq(21011)}, []Reason{ReasonASSetInPath},
			"AS_SET {21010} in AS path (RFC 9774)"},
		{"two sets", ASPath{seq(21001), {SegSet, []uint32{21010}}, seq(21011), {SegSet, []uint32{21012, 21013}}}, []Reason{ReasonASSetInPath},
			"AS_SET {21010}, AS_SET {21012,21013} in AS path (RFC 9774)"},
		{"confed set", ASPath{seq(21001), {SegConfedSet, []uint32{21010, 21011}}, seq(21012)}, []Reason{ReasonASSetInPath},
			"AS_CONFED_SET [21010,21011] in AS path (RFC 9774)"},
		{"confed sequence is not a set", ASPath{seq(21001), {SegConfedSequence, []uint32{21010}}, seq(21012)}, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Evaluate(Route{Prefix: netip.MustParsePrefix("45.1.7.0/24"), ASPath: c.path, NextHop: nh}, &s, p)
			var got []Reason
			for _, r := range v.Rejections {
				got = append(got, r.Reason)
			}
			if !reflect.DeepEqual(got, c.reasons) {
				t.Fatalf("reasons %v, want %v (%+v)", got, c.reasons, v.Rejections)
			}
			if c.detail != "" && v.Rejections[0].Detail != c.detail {
				t.Fatalf("detail %q, want %q", v.Rejections[0].Detail, c.detail)
			}
		})
	}
}

// TestASSetCompiled: the common policy rejects with reason 1001 through
// an AS-path set holding the set pattern.
func TestASSetCompiled(t *testing.T) {
	s := DefaultSettings()
	c := CompileCommon(&s)
	var set *ASPathSetDef
	for i := range c.ASPathSets {
		if c.ASPathSets[i].Name == setASSet {
			set = &c.ASPathSets[i]
		}
	}
	if set == nil || !reflect.DeepEqual(set.Patterns, []string{asSetPattern}) {
		t.Fatalf("AS-path set %s: %+v", setASSet, set)
	}
	found := 0
	for _, p := range c.Policies {
		for _, st := range p.Statements {
			if st.Reason == ReasonASSetInPath {
				found++
				if p.Name != CommonPolicy || st.ASPathSet != setASSet || st.ASPathSetInvert {
					t.Fatalf("statement %+v in %s", st, p.Name)
				}
			}
		}
	}
	if found != 1 {
		t.Fatalf("%d statements for reason 1001, want 1", found)
	}
}
