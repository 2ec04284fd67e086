package config

import (
	"strings"
	"testing"
)

func TestParseASSet(t *testing.T) {
	cases := []struct {
		in, want, err string
	}{
		{in: "AS-FOO", want: "AS-FOO"},
		{in: "as-foo", want: "AS-FOO"},
		{in: "AS21001", want: "AS21001"},
		{in: "AS4200000000", want: "AS4200000000"},
		{in: "AS-FOO:AS-BAR", want: "AS-FOO:AS-BAR"},
		{in: "AS21001:AS-CUSTOMERS", want: "AS21001:AS-CUSTOMERS"},
		{in: "AS-FOO:AS21001", want: "AS-FOO:AS21001"},
		{in: "RIPE::AS-FOO", want: "RIPE::AS-FOO"},
		{in: "ripe-nonauth::as21001:as-x_1", want: "RIPE-NONAUTH::AS21001:AS-X_1"},
		{in: "", err: "empty"},
		{in: "AS FOO", err: "spaces"},
		{in: " AS-FOO", err: "spaces"},
		{in: "FOO", err: "neither an ASN"},
		{in: "RS-FOO", err: "neither an ASN"},
		{in: "AS-", err: "set name"},
		{in: "AS-FOO-", err: "ending in a letter or digit"},
		{in: "AS-FO.O", err: "set name"},
		{in: "AS", err: "not an ASN"},
		{in: "AS4294967296", err: "out of range"},
		{in: "AS12x", err: "not an ASN"},
		{in: "AS21001:AS21002", err: "at least one set-name component"},
		{in: "AS-FOO::", err: "neither an ASN"},
		{in: "::AS-FOO", err: "source"},
		{in: "RI PE::AS-FOO", err: "spaces"},
		{in: "RI_PE::AS-FOO", err: "source"},
		{in: "AS-FOO:", err: "neither an ASN"},
	}
	for _, tc := range cases {
		got, err := ParseASSet(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseASSet(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseASSet(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
