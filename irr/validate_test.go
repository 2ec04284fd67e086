package irr

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

func TestCheckRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		v6   bool
		want string // substring of the refusal; "" = accepted
	}{
		{"45.21.0.0/16{16,24}", false, ""},
		{"45.0.0.0/8", false, ""},
		{"2a0a:4580::/29{29,48}", true, ""},
		{"2400::/12", true, ""},
		{"0.0.0.0/0{0,32}", false, "default route"},
		{"::/0{0,128}", true, "default route"},
		{"44.0.0.0/7{7,24}", false, "broader than /8"},
		{"2000::/11", true, "broader than /12"},
		{"10.1.0.0/16", false, "bogon (10.0.0.0/8 private"},
		{"192.168.0.0/16{16,24}", false, "bogon"},
		{"fd00::/16", true, "outside global unicast"},
		{"2001:db8::/32", true, "bogon (2001:db8::/32 documentation"},
		{"45.21.0.0/16", true, "wrong address family"},
		{"2a0a:4580::/29", false, "wrong address family"},
	} {
		r, err := filters.ParsePrefixRange(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		got := CheckRange(r, tc.v6)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("CheckRange(%s, v6=%v) = %q, want %q", tc.in, tc.v6, got, tc.want)
		}
	}
	// ranges that ParsePrefixRange cannot produce, but a JSON file or a
	// caller could
	for _, r := range []filters.PrefixRange{
		{Prefix: mustPrefix("45.21.0.0/16"), Min: 8, Max: 24},  // min below the length
		{Prefix: mustPrefix("45.21.0.0/16"), Min: 24, Max: 16}, // out of order
		{Prefix: mustPrefix("45.21.0.0/16"), Min: 16, Max: 33}, // beyond the family
		{Prefix: mustPrefix("45.21.1.0/16"), Min: 16, Max: 24}, // host bits
	} {
		if CheckRange(r, false) == "" {
			t.Errorf("CheckRange(%+v) accepted", r)
		}
	}
}

func TestSanitizeAndValidate(t *testing.T) {
	mk := func(v4, v6 []string, origins ...uint32) *Result {
		r := &Result{Target: "AS-FOO", Origins: origins, FetchedAt: time.Now()}
		for _, s := range v4 {
			r.IPv4 = append(r.IPv4, mustRange(s))
		}
		for _, s := range v6 {
			r.IPv6 = append(r.IPv6, mustRange(s))
		}
		return r
	}
	good := mk([]string{"45.21.0.0/16{16,24}"}, []string{"2a0a:4580::/29{29,48}"}, 21001)
	if err := good.Validate(); err != nil {
		t.Fatalf("good result refused: %v", err)
	}
	bad := mk([]string{"0.0.0.0/0{0,32}", "45.21.0.0/16{16,24}", "10.0.0.0/8"}, []string{"fc00::/7"}, 21001, 64512)
	err := bad.Validate()
	if !errors.Is(err, ErrInvalidResult) {
		t.Fatalf("bad result accepted: %v", err)
	}
	for _, want := range []string{"0.0.0.0/0{0,32}: default route", "10.0.0.0/8: bogon", "fc00::/7", "bogon origin AS64512"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
	bad.Sanitize()
	if err := bad.Validate(); err != nil || len(bad.IPv4) != 1 || len(bad.IPv6) != 0 || len(bad.Origins) != 1 || len(bad.Warnings) != 4 {
		t.Fatalf("after Sanitize: %v %+v", err, bad)
	}
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func mustRange(s string) filters.PrefixRange {
	r, err := filters.ParsePrefixRange(s)
	if err != nil {
		panic(err)
	}
	return r
}

// FuzzDecodeCached: whatever the cache file holds, decodeCached either
// refuses it or returns a result that validates and survives a round trip.
func FuzzDecodeCached(f *testing.F) {
	good, _ := json.Marshal(&Result{Target: "AS-FOO", Origins: []uint32{21001}, FetchedAt: time.Unix(1e9, 0).UTC(),
		IPv4: []filters.PrefixRange{mustRange("45.21.0.0/16{16,24}")}})
	f.Add(string(good))
	f.Add(`{"target":"AS-FOO","origins":[21001],"ipv4":["0.0.0.0/0{0,32}"],"ipv6":null,"sources":null,"fetched_at":"2025-01-01T00:00:00Z"}`)
	f.Add(`{"target":"AS-FOO","fetched_at":"2025-01-01T00:00:00Z","extra":1}`)
	f.Add(`{"target":"AS-FOO","fetched_at":"2025-01-01T00:00:00Z"} {}`)
	f.Fuzz(func(t *testing.T, in string) {
		r, err := decodeCached([]byte(in))
		if err != nil {
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("decoded but invalid: %v", err)
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeCached(again); err != nil {
			t.Fatalf("round trip of %s refused: %v", again, err)
		}
	})
}
