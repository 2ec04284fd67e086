package filters

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/rpki"
)

type tableValidator struct{ t *rpki.Table }

func (v tableValidator) Validate(p netip.Prefix, o uint32, ok bool) (rpki.State, []rpki.VRP) {
	return v.t.Validate(p, o, ok)
}

func TestCheckRPKI(t *testing.T) {
	vrps := rpki.NewSet([]rpki.VRP{
		{Prefix: netip.MustParsePrefix("45.1.0.0/16"), MaxLen: 24, ASN: 21001},
		{Prefix: netip.MustParsePrefix("45.1.0.0/16"), MaxLen: 16, ASN: 21005},
	})
	s := DefaultSettings()
	s.RPKI = tableValidator{rpki.NewTable(vrps)}
	p := &Peer{Name: "a", ASN: 21001, Address: netip.MustParseAddr("127.10.3.2"),
		Allowed: NewPrefixList([]PrefixRange{{Prefix: netip.MustParsePrefix("45.0.0.0/8"), Min: 8, Max: 24}})}
	nh := netip.MustParseAddr("127.10.3.2")
	set := ASPath{{Type: SegSequence, ASNs: []uint32{21001}}, {Type: SegSet, ASNs: []uint32{21002, 21003}}}
	tests := []struct {
		name     string
		route    Route
		state    rpki.State
		evidence []string // substrings of the rejection detail; nil: accepted
	}{
		{"valid", Route{Prefix: netip.MustParsePrefix("45.1.2.0/24"), ASPath: Seq(21001), NextHop: nh}, rpki.StateValid, nil},
		{"wrong origin", Route{Prefix: netip.MustParsePrefix("45.1.2.0/24"), ASPath: Seq(21001, 21009), NextHop: nh},
			rpki.StateInvalid, []string{"origin AS21009", "/24", "45.1.0.0/16 max /24 AS21001", "45.1.0.0/16 max /16 AS21005"}},
		{"too long", Route{Prefix: netip.MustParsePrefix("45.1.2.0/24"), ASPath: Seq(21001, 21005), NextHop: nh},
			rpki.StateInvalid, []string{"origin AS21005", "max /16 AS21005"}},
		{"not found", Route{Prefix: netip.MustParsePrefix("45.2.0.0/24"), ASPath: Seq(21001), NextHop: nh}, rpki.StateNotFound, nil},
		// GoBGP's behaviour, see endsInASSet.
		{"AS_SET origin", Route{Prefix: netip.MustParsePrefix("45.1.2.0/24"), ASPath: set, NextHop: nh}, rpki.StateNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Evaluate(tt.route, &s, p)
			if v.RPKI != tt.state {
				t.Errorf("state %s, want %s", v.RPKI, tt.state)
			}
			if got := v.Has(ReasonRPKIInvalid); got != (tt.evidence != nil) {
				t.Fatalf("rejected for rpki_invalid = %v, want %v (%+v)", got, tt.evidence != nil, v.Rejections)
			}
			for _, r := range v.Rejections {
				if r.Reason != ReasonRPKIInvalid {
					continue
				}
				for _, e := range tt.evidence {
					if !strings.Contains(r.Detail, e) {
						t.Errorf("detail %q lacks %q", r.Detail, e)
					}
				}
			}
		})
	}
	// Off: no state, no check.
	off := DefaultSettings()
	if v := Evaluate(tests[1].route, &off, p); v.RPKI != rpki.StateUnknown || v.Has(ReasonRPKIInvalid) {
		t.Fatalf("RPKI off: %+v", v)
	}
}

func TestCompileCommonHasRPKIStatement(t *testing.T) {
	s := DefaultSettings()
	c := CompileCommon(&s)
	n := 0
	for _, st := range c.Policies[0].Statements {
		if st.RPKIInvalid {
			n++
			if st.Reason != ReasonRPKIInvalid || st.PrefixSet != "" || st.ASPathSet != "" {
				t.Errorf("rpki statement carries other conditions: %+v", st)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d RpkiResult statements in %s, want 1", n, CommonPolicy)
	}
}
