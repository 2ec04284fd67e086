package config

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseASSet checks the syntax of an as_set value and returns it in upper
// case (RPSL names are case-insensitive). Accepted forms, as bgpq4 takes them:
//
//	AS21001                  a single ASN: its own route objects
//	AS-FOO                   an as-set (RFC 2622 §5.1)
//	AS21001:AS-CUSTOMERS     a hierarchical name; at least one component is a set name
//	AS-FOO:AS-BAR
//	RIPE::AS-FOO             the same, looked up in one IRR source only
func ParseASSet(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("empty AS-SET name")
	}
	if strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t") {
		return "", fmt.Errorf("%q contains spaces", s)
	}
	up := strings.ToUpper(s)
	name := up
	if src, rest, ok := strings.Cut(up, "::"); ok {
		if !isSourceName(src) {
			return "", fmt.Errorf("%q: source %q before \"::\" must be letters, digits and '-' (e.g. RIPE::AS-FOO)", s, src)
		}
		name = rest
	}
	parts := strings.Split(name, ":")
	sets := 0
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, "AS-"):
			if !isRPSLName(p) {
				return "", fmt.Errorf("%q: set name %q must be letters, digits, '_' and '-' after \"AS-\", ending in a letter or digit", s, p)
			}
			sets++
		case strings.HasPrefix(p, "AS"):
			if _, err := parseASNText(p); err != nil {
				return "", fmt.Errorf("%q: %v", s, err)
			}
		default:
			return "", fmt.Errorf("%q: component %q is neither an ASN (AS21001) nor an as-set name (AS-FOO)", s, p)
		}
	}
	if len(parts) > 1 && sets == 0 {
		return "", fmt.Errorf("%q: a hierarchical name needs at least one set-name component (e.g. AS21001:AS-CUSTOMERS)", s)
	}
	return up, nil
}

// parseASNText parses "AS21001" (upper case, as ParseASSet leaves it).
func parseASNText(p string) (uint32, error) {
	digits := strings.TrimPrefix(p, "AS")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not an ASN: want AS followed by digits", p)
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not an ASN: out of range 0..4294967295", p)
	}
	return uint32(n), nil
}

// isRPSLName: RFC 2622 object names are letters, digits, '_' and '-',
// beginning with a letter and ending with a letter or digit.
func isRPSLName(s string) bool {
	if s == "" || !isLetter(s[0]) || !(isLetter(s[len(s)-1]) || isDigit(s[len(s)-1])) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isSourceName: IRR source names such as RIPE, RADB, RIPE-NONAUTH.
func isSourceName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
