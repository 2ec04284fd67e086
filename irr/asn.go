package irr

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseASN parses "AS<n>" (any case, leading zeros allowed, asdot "AS1.10"
// accepted) into a 32-bit ASN. IRRd requires the "AS" prefix, so do we.
func ParseASN(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	if len(s) < 3 || !strings.EqualFold(s[:2], "AS") {
		return 0, fmt.Errorf("invalid AS number %q: must start with \"AS\"", s)
	}
	body := s[2:]
	if hi, lo, ok := strings.Cut(body, "."); ok {
		h, err1 := parseDigits(hi, 0xffff)
		l, err2 := parseDigits(lo, 0xffff)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("invalid AS number %q", s)
		}
		return uint32(h<<16 | l), nil
	}
	n, err := parseDigits(body, 0xffffffff)
	if err != nil {
		return 0, fmt.Errorf("invalid AS number %q", s)
	}
	return uint32(n), nil
}

// parseDigits accepts only ASCII digits (strconv would accept "+1" or "_").
func parseDigits(s string, max uint64) (uint64, error) {
	if s == "" || len(s) > 20 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad number %q", s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max {
		return 0, fmt.Errorf("number %q out of range", s)
	}
	return n, nil
}

// isASNToken reports whether s looks like an ASN member ("AS" + digits).
func isASNToken(s string) bool {
	_, err := ParseASN(s)
	return err == nil
}

// FormatASN renders an ASN the way IRRd answers: "AS<plain>".
func FormatASN(asn uint32) string { return "AS" + strconv.FormatUint(uint64(asn), 10) }

// IsBogonASN reports ASNs that must never appear as an origin in an AS-SET:
// 0 (RFC 7607), 23456 (AS_TRANS), 64496-131071 (documentation, private,
// 65535 and the reserved block after it) and 4200000000-4294967295 (private
// 32-bit and the last ASN). Same table as the NLNOG bgp filter guide.
func IsBogonASN(asn uint32) bool {
	switch {
	case asn == 0, asn == 23456:
		return true
	case asn >= 64496 && asn <= 131071:
		return true
	case asn >= 4200000000:
		return true
	}
	return false
}
