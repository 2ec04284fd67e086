package rpki

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseJSONSamples(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		file         string
		now          time.Time
		wantVRPs     int
		wantExpired  int
		wantContains VRP
		wantPastDue  bool // metadata.valid is before now
	}{
		{file: "arouteserver-octorpki-validity.json", now: now, wantVRPs: 1,
			wantContains: vrp("98.147.0.0/16", 16, 20001), wantPastDue: true},
		{file: "arouteserver-rpki-client_expired.json", now: now, wantVRPs: 0, wantExpired: 1},
		// The same file read before its VRP expired (2002-07-19).
		{file: "arouteserver-rpki-client_expired.json", now: time.Unix(1027049000, 0), wantVRPs: 1,
			wantContains: vrp("1.0.0.0/24", 24, 13335)},
		{file: "routinator-output-111.json", now: now, wantVRPs: 2, wantContains: vrp("12.34.56.0/24", 24, 1234)},
		{file: "stayrtr-test.rpki.json", now: now, wantVRPs: 19, wantContains: vrp("2001:200:900::/40", 40, 7660)},
		// Every stayrtr VRP expires in 2027-2028.
		{file: "stayrtr-test.rpki.json", now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), wantVRPs: 0, wantExpired: 19},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := ParseJSON(sample(t, tt.file), tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.VRPs) != tt.wantVRPs || f.Expired != tt.wantExpired {
				t.Fatalf("got %d VRPs, %d expired; want %d, %d", len(f.VRPs), f.Expired, tt.wantVRPs, tt.wantExpired)
			}
			if tt.wantVRPs > 0 && !slices.Contains(f.VRPs, tt.wantContains) {
				t.Errorf("%v not in %v", tt.wantContains, f.VRPs)
			}
			if got := !f.ValidUntil.IsZero() && tt.now.After(f.ValidUntil); got != tt.wantPastDue {
				t.Errorf("past metadata.valid = %v, want %v (ValidUntil %v)", got, tt.wantPastDue, f.ValidUntil)
			}
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", `{"roas": [`, "not a VRP JSON document"},
		{"no roas", `{"metadata": {}}`, `no "roas" array`},
		{"bad prefix", `{"roas":[{"prefix":"45.0.0.0/33","maxLength":24,"asn":21001}]}`, "roas[0]: prefix"},
		{"host bits", `{"roas":[{"prefix":"45.0.0.1/16","maxLength":24,"asn":21001}]}`, "host bits"},
		{"maxlen short", `{"roas":[{"prefix":"45.0.0.0/16","maxLength":8,"asn":21001}]}`, "shorter than the prefix"},
		{"maxlen long", `{"roas":[{"prefix":"45.0.0.0/16","maxLength":33,"asn":21001}]}`, "longer than 32"},
		{"bad asn", `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":"ASX"}]}`, "not an AS number"},
		{"asn too big", `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":4294967296}]}`, "not an AS number"},
		{"no asn", `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24}]}`, "asn: missing"},
		{"second bad", `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":1},{"prefix":"x","maxLength":24,"asn":1}]}`, "roas[1]"},
		{"bad valid", `{"metadata":{"valid":1.5},"roas":[]}`, "metadata.valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJSON([]byte(tt.in), time.Now())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseJSONASNForms(t *testing.T) {
	in := `{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":21001},
		{"prefix":"45.1.0.0/16","maxLength":24,"asn":"AS21002"},
		{"prefix":"45.2.0.0/16","maxLength":16,"asn":"21003"},
		{"prefix":"2a0a:4580::/29","maxLength":48,"asn":"as21004"}]}`
	f, err := ParseJSON([]byte(in), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := []VRP{vrp("45.0.0.0/16", 24, 21001), vrp("45.1.0.0/16", 24, 21002),
		vrp("45.2.0.0/16", 16, 21003), vrp("2a0a:4580::/29", 48, 21004)}
	if !slices.Equal(f.VRPs, want) {
		t.Fatalf("got %v, want %v", f.VRPs, want)
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"roas":[{"prefix":"45.0.0.0/16","maxLength":24,"asn":"AS21001","expires":1}]}`,
		`{"metadata":{"valid":1027025198},"roas":[{"prefix":"2a0a:4580::/29","maxLength":48,"asn":21001}]}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		jf, err := ParseJSON(data, time.Unix(1000, 0))
		if err != nil {
			return
		}
		for _, v := range jf.VRPs {
			if err := v.Check(); err != nil {
				t.Fatalf("parser returned a bad VRP %v: %v", v, err)
			}
		}
	})
}
