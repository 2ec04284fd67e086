package filters

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// PrefixRange is a prefix plus the range of lengths it admits, written in
// BIRD's vocabulary: "198.51.100.0/24" (exact), "198.51.100.0/22{22,24}",
// or "198.51.100.0/22+" (the prefix and every more-specific). BIRD's "-"
// (less-specifics) is refused: a filter entry never admits a covering route.
type PrefixRange struct {
	Prefix netip.Prefix
	Min    uint8
	Max    uint8
}

// ParsePrefixRange parses the forms documented on PrefixRange. The prefix
// must be canonical (no host bits set), so a typo cannot silently widen it.
func ParsePrefixRange(s string) (PrefixRange, error) {
	s = strings.TrimSpace(s)
	body, lo, hi, hasRange, err := splitRange(s)
	if err != nil {
		return PrefixRange{}, err
	}
	p, err := netip.ParsePrefix(body)
	if err != nil {
		return PrefixRange{}, fmt.Errorf("prefix range %q: %v", s, err)
	}
	if p.Masked() != p {
		return PrefixRange{}, fmt.Errorf("prefix range %q: host bits set (did you mean %s?)", s, p.Masked())
	}
	bits := p.Addr().BitLen()
	l := p.Bits()
	switch {
	case !hasRange:
		lo, hi = l, l
	case lo == -1: // "+"
		lo, hi = l, bits
	}
	if lo > hi || hi > bits || lo < 0 {
		return PrefixRange{}, fmt.Errorf("prefix range %q: lengths {%d,%d} invalid for a /%d (max /%d)", s, lo, hi, l, bits)
	}
	if hasRange && lo < l {
		return PrefixRange{}, fmt.Errorf("prefix range %q: minimum length %d is shorter than the prefix /%d", s, lo, l)
	}
	return PrefixRange{Prefix: p, Min: uint8(lo), Max: uint8(hi)}, nil
}

// splitRange separates "P{a,b}", "P+", "P-" from the prefix text. lo=-1
// marks "+", lo=-2 marks "-".
func splitRange(s string) (body string, lo, hi int, hasRange bool, err error) {
	switch {
	case strings.HasSuffix(s, "+"):
		return s[:len(s)-1], -1, 0, true, nil
	case strings.HasSuffix(s, "-"):
		return "", 0, 0, false, fmt.Errorf("prefix range %q: less-specific ranges (\"-\") are not allowed in a filter", s)
	case strings.HasSuffix(s, "}"):
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return "", 0, 0, false, fmt.Errorf("prefix range %q: '}' without '{'", s)
		}
		parts := strings.Split(s[i+1:len(s)-1], ",")
		if len(parts) != 2 {
			return "", 0, 0, false, fmt.Errorf("prefix range %q: want {min,max}", s)
		}
		a, errA := strconv.Atoi(strings.TrimSpace(parts[0]))
		b, errB := strconv.Atoi(strings.TrimSpace(parts[1]))
		if errA != nil || errB != nil {
			return "", 0, 0, false, fmt.Errorf("prefix range %q: lengths must be numbers", s)
		}
		return s[:i], a, b, true, nil
	}
	return s, 0, 0, false, nil
}

// Contains reports whether the route prefix q is admitted by the range.
func (r PrefixRange) Contains(q netip.Prefix) bool {
	if q.Addr().Is4() != r.Prefix.Addr().Is4() {
		return false
	}
	l := q.Bits()
	return l >= int(r.Min) && l <= int(r.Max) && r.Prefix.Bits() <= l && r.Prefix.Contains(q.Addr())
}

// String renders the canonical text form, which ParsePrefixRange accepts.
func (r PrefixRange) String() string {
	l := uint8(r.Prefix.Bits())
	if r.Min == l && r.Max == l {
		return r.Prefix.String()
	}
	return fmt.Sprintf("%s{%d,%d}", r.Prefix, r.Min, r.Max)
}

// UnmarshalText lets TOML and flags decode a PrefixRange directly.
func (r *PrefixRange) UnmarshalText(b []byte) error {
	v, err := ParsePrefixRange(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// MarshalText is the inverse of UnmarshalText.
func (r PrefixRange) MarshalText() ([]byte, error) { return []byte(r.String()), nil }
