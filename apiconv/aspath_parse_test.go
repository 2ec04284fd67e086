package apiconv

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/filters"
)

func TestParseASPath(t *testing.T) {
	seg := func(typ filters.SegmentType, asns ...uint32) filters.Segment {
		return filters.Segment{Type: typ, ASNs: asns}
	}
	tests := []struct {
		in   string
		want filters.ASPath
		err  string
	}{
		{in: "", want: nil},
		{in: "   ", want: nil},
		{in: "21001", want: filters.Seq(21001)},
		{in: "21001 21002  21003", want: filters.Seq(21001, 21002, 21003)},
		{in: "4294967295", want: filters.Seq(4294967295)},
		{in: "21001 {21003,21004}", want: filters.ASPath{seg(filters.SegSequence, 21001), seg(filters.SegSet, 21003, 21004)}},
		{in: "21001 { 21003 21004 }", want: filters.ASPath{seg(filters.SegSequence, 21001), seg(filters.SegSet, 21003, 21004)}},
		{in: "(65001 65002) 21001", want: filters.ASPath{seg(filters.SegConfedSequence, 65001, 65002), seg(filters.SegSequence, 21001)}},
		{in: "[65001,65002] 21001 21002", want: filters.ASPath{seg(filters.SegConfedSet, 65001, 65002), seg(filters.SegSequence, 21001, 21002)}},
		{in: "21001{21002}21003", want: filters.ASPath{seg(filters.SegSequence, 21001), seg(filters.SegSet, 21002), seg(filters.SegSequence, 21003)}},
		{in: "4294967296", err: "0..4294967295"},
		{in: "AS21001", err: `unexpected 'A' at offset 0`},
		{in: "21001 {21002", err: "never closed"},
		{in: "21001 {}", err: "empty segment"},
		{in: "21001 }", err: "unexpected '}'"},
		{in: "-1", err: "unexpected '-'"},
		{in: "{21001,x}", err: `"x" is not an ASN`},
		{in: "{+1}", err: `"+1" is not an ASN`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseASPath(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseASPath(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseASPath(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// Whatever parses must print and parse back to the same path, and survive
// the proto round trip unchanged.
func FuzzParseASPath(f *testing.F) {
	for _, s := range []string{"", "21001 21002", "21001 {21003,21004}", "(1 2) [3,4] 5", "4294967295", "{", "1}{2", "[ ]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseASPath(s)
		if err != nil {
			return
		}
		again, err := ParseASPath(p.String())
		if err != nil {
			t.Fatalf("String() of a parsed path does not parse: %q -> %q: %v", s, p.String(), err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("round trip changed the path: %q -> %v -> %v", s, p, again)
		}
		back, err := ASPathFromProto(ASPathToProto(p))
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("proto round trip: %v -> %v, %v", p, back, err)
		}
	})
}
