package irr

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/rsguard/rsguard/filters"
)

// ParsePrefix parses an IPv4 or IPv6 prefix as IRR data writes it. IPv4
// octets may carry leading zeros ("192.0.02.0/24", which IRRd normalises);
// host bits must be clear, so a typo cannot silently widen a filter.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	addr, bits, ok := strings.Cut(s, "/")
	if !ok {
		return netip.Prefix{}, fmt.Errorf("prefix %q: missing /length", s)
	}
	var a netip.Addr
	var err error
	if strings.Contains(addr, ":") {
		a, err = netip.ParseAddr(addr)
		if err == nil && (a.Zone() != "" || a.Is4In6()) {
			err = fmt.Errorf("zone or mapped address")
		}
	} else {
		a, err = parseIPv4Lenient(addr)
	}
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("prefix %q: %v", s, err)
	}
	n, err := parseDigits(bits, uint64(a.BitLen()))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("prefix %q: bad length", s)
	}
	p := netip.PrefixFrom(a, int(n))
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("prefix %q: host bits set", s)
	}
	return p, nil
}

func parseIPv4Lenient(s string) (netip.Addr, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return netip.Addr{}, fmt.Errorf("bad IPv4 address %q", s)
	}
	var b [4]byte
	for i, p := range parts {
		if len(p) > 3 {
			return netip.Addr{}, fmt.Errorf("bad IPv4 address %q", s)
		}
		n, err := parseDigits(p, 255)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("bad IPv4 address %q", s)
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), nil
}

// ParseRangeOp parses an RPSL prefix with an optional range operator, as
// route-set members carry them: "p", "p^-" (more specifics only), "p^+"
// (p and more specifics), "p^n" and "p^n-m". ok is false when the result
// admits nothing (bgpq4 inserts nothing for "^n" with n < len).
func ParseRangeOp(s string) (r filters.PrefixRange, ok bool, err error) {
	body, op, hasOp := strings.Cut(strings.TrimSpace(s), "^")
	p, err := ParsePrefix(body)
	if err != nil {
		return filters.PrefixRange{}, false, err
	}
	l, max := p.Bits(), p.Addr().BitLen()
	lo, hi := l, l
	if hasOp {
		switch {
		case op == "-":
			lo, hi = l+1, max
		case op == "+":
			lo, hi = l, max
		default:
			a, b, isRange := strings.Cut(op, "-")
			x, err1 := strconv.Atoi(a)
			y := x
			var err2 error
			if isRange {
				y, err2 = strconv.Atoi(b)
			}
			if err1 != nil || err2 != nil || x < 0 || y > max || x > y {
				return filters.PrefixRange{}, false, fmt.Errorf("prefix range %q: bad operator ^%s", s, op)
			}
			lo, hi = x, y
		}
	}
	if lo < l {
		lo = l
	}
	if lo > hi || lo > max {
		return filters.PrefixRange{}, false, nil
	}
	return filters.PrefixRange{Prefix: p, Min: uint8(lo), Max: uint8(hi)}, true, nil
}
