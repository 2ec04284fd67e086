package filters

import (
	"net/netip"
	"testing"
)

// lastAddr returns the last address inside p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func hostPrefix(a netip.Addr) netip.Prefix { return netip.PrefixFrom(a, a.BitLen()) }

func TestBogonEdges(t *testing.T) {
	for _, e := range append(append([]BogonPrefix{}, BogonsIPv4...), BogonsIPv6...) {
		if e.Exact {
			if _, ok := DefaultBogons.Match(e.Prefix); !ok {
				t.Errorf("%s itself not matched", e.Prefix)
			}
			continue
		}
		first, last := hostPrefix(e.Prefix.Addr()), hostPrefix(lastAddr(e.Prefix))
		for _, p := range []netip.Prefix{e.Prefix, first, last} {
			got, ok := DefaultBogons.Match(p)
			if !ok || !got.Prefix.Contains(p.Addr()) {
				t.Errorf("%s (inside %s) not a bogon: %v %v", p, e.Prefix, got, ok)
			}
		}
		// one address past the end is outside this entry
		next := lastAddr(e.Prefix).Next()
		if next.IsValid() {
			if got, ok := DefaultBogons.Match(hostPrefix(next)); ok && got.Prefix == e.Prefix {
				t.Errorf("%s past the end of %s still matched it", next, e.Prefix)
			}
		}
	}
}

func TestBogonCases(t *testing.T) {
	cases := []struct {
		prefix string
		bogon  bool
		entry  string
	}{
		{"0.0.0.0/0", true, "0.0.0.0/0"},
		{"::/0", true, "::/0"},
		{"10.1.2.0/24", true, "10.0.0.0/8"},
		{"9.255.255.0/24", false, ""},
		{"11.0.0.0/8", false, ""},
		{"192.168.0.0/16", true, "192.168.0.0/16"},
		{"192.0.0.0/8", false, ""}, // covers bogons, is not one itself
		{"172.32.0.0/16", false, ""},
		{"172.31.255.0/24", true, "172.16.0.0/12"},
		{"100.127.0.0/16", true, "100.64.0.0/10"},
		{"100.128.0.0/16", false, ""},
		{"192.0.0.0/24", true, "192.0.0.0/24"},
		{"198.19.0.0/16", true, "198.18.0.0/15"},
		{"224.0.0.0/8", true, "224.0.0.0/4"},
		{"255.255.255.0/24", true, "240.0.0.0/4"},
		{"45.0.0.0/8", false, ""},
		{"2001:db8:1::/48", true, "2001:db8::/32"},
		{"3fff:1::/32", true, "3fff::/20"},
		{"3fff:1000::/20", false, ""},
		{"2a0a::/16", false, ""},
		{"2001:3::/32", false, ""},
		{"fd00::/8", true, "fc00::/7"},
	}
	for _, c := range cases {
		got, ok := DefaultBogons.Match(netip.MustParsePrefix(c.prefix))
		if ok != c.bogon || (ok && got.Prefix.String() != c.entry) {
			t.Errorf("%s: got %v %v, want %v %s", c.prefix, got.Prefix, ok, c.bogon, c.entry)
		}
	}
}

func TestBogonASN(t *testing.T) {
	cases := []struct {
		asn   uint32
		bogon bool
	}{
		{0, true}, {1, false}, {23455, false}, {23456, true}, {23457, false},
		{64495, false}, {64496, true}, {64511, true}, {64512, true}, {65534, true},
		{65535, true}, {65536, true}, {65551, true}, {65552, true}, {131071, true},
		{131072, false}, {21001, false}, {4199999999, false}, {4200000000, true},
		{4294967294, true}, {4294967295, true},
	}
	for _, c := range cases {
		if _, ok := BogonASN(c.asn); ok != c.bogon {
			t.Errorf("AS%d: bogon=%v want %v", c.asn, ok, c.bogon)
		}
	}
}
