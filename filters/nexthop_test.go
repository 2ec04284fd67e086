package filters

import (
	"net/netip"
	"strings"
	"testing"
)

var (
	mustAddr = netip.MustParseAddr
	own4     = mustAddr("127.0.0.2")
	own6     = mustAddr("2a0a:1::2")
	same4    = mustAddr("127.0.0.12") // another router of AS21001
	same6    = mustAddr("2a0a:1::12")
	auth4    = mustAddr("127.0.0.50") // on the authorized list
	auth6    = mustAddr("2a0a:1::50")
	third4   = mustAddr("127.0.0.99")
	third6   = mustAddr("2a0a:ffff::1")
)

func nextHopPeer(m NextHopMode, fam Families, withV6 bool) *Peer {
	p := &Peer{Name: "a", ASN: 21001, Address: own4, Families: fam, NextHop: NextHopPolicy{Mode: m}}
	if withV6 {
		p.Addresses = []netip.Addr{own6}
	}
	switch m {
	case NextHopSameAS:
		p.NextHop.Extra = []netip.Addr{same4, same6}
	case NextHopAuthorized:
		p.NextHop.Extra = []netip.Addr{auth4, auth6}
	}
	return p
}

// TestNextHopPolicies: every policy × next-hop family × kind of next hop,
// on an IPv4 session whose peer also has an IPv6 address.
func TestNextHopPolicies(t *testing.T) {
	both := FamiliesIPv4 | FamiliesIPv6
	modes := []NextHopMode{NextHopStrict, NextHopSameAS, NextHopAuthorized, NextHopOff}
	// which next hops each mode accepts
	accepts := map[NextHopMode][]netip.Addr{
		NextHopStrict:     {own4, own6},
		NextHopSameAS:     {own4, own6, same4, same6},
		NextHopAuthorized: {own4, own6, auth4, auth6},
		NextHopOff:        {own4, own6, same4, same6, auth4, auth6, third4, third6},
	}
	hops := []netip.Addr{own4, own6, same4, same6, auth4, auth6, third4, third6,
		mustAddr("::ffff:127.0.0.2"), mustAddr("::ffff:127.0.0.99")}
	s := DefaultSettings()
	for _, m := range modes {
		for _, nh := range hops {
			p := nextHopPeer(m, both, true)
			t.Run(m.String()+"/"+nh.String(), func(t *testing.T) {
				want := m == NextHopOff
				for _, a := range accepts[m] {
					want = want || a == nh.Unmap()
				}
				d, failed := checkNextHop(&Route{NextHop: nh}, &s, p)
				if failed == want {
					t.Fatalf("failed=%v, want accepted=%v (%s)", failed, want, d)
				}
				if failed && (!strings.Contains(d, nh.Unmap().String()) || !strings.Contains(d, "allowed: ") || !strings.Contains(d, "next_hop = "+m.String())) {
					t.Fatalf("evidence %q must name the next hop, the allowed addresses and the policy", d)
				}
				if failed {
					// the allowed addresses of the next hop's family are named
					for _, a := range ofFamily(accepts[m], FamilyOf(nh)) {
						if !strings.Contains(d, a.String()) {
							t.Fatalf("evidence %q lacks allowed %s", d, a)
						}
					}
				}
				// the compiled GoBGP condition must match exactly the failures
				inComplement := false
				for _, st := range compileNextHop(&s, p) {
					for _, pfx := range st.NextHopIn {
						inComplement = inComplement || pfx.Contains(nh.Unmap())
					}
				}
				if inComplement != failed {
					t.Fatalf("compiled next-hop statement matches=%v, evaluator failed=%v", inComplement, failed)
				}
			})
		}
	}
}

// TestNextHopNoAddressOfFamily: with no address of the next hop's family,
// every checked policy rejects (strict is never "unchecked").
func TestNextHopNoAddressOfFamily(t *testing.T) {
	s := DefaultSettings()
	for _, m := range []NextHopMode{NextHopStrict, NextHopDefault} {
		p := nextHopPeer(m, FamiliesIPv4|FamiliesIPv6, false)
		for _, nh := range []netip.Addr{third6, own6, mustAddr("fe80::1")} {
			d, failed := checkNextHop(&Route{NextHop: nh}, &s, p)
			if !failed || !strings.Contains(d, "no IPv6 address configured") || !strings.Contains(d, nh.String()) {
				t.Fatalf("%s %s: failed=%v %q", m, nh, failed, d)
			}
			for _, st := range compileNextHop(&s, p) {
				in := false
				for _, pfx := range st.NextHopIn {
					in = in || pfx.Contains(nh)
				}
				if !in {
					t.Fatalf("%s: compiled statement does not reject %s", m, nh)
				}
			}
		}
	}
	// no next hop at all is a failure too
	if _, failed := checkNextHop(&Route{}, &s, nextHopPeer(NextHopStrict, 0, true)); !failed {
		t.Fatal("a route without a next hop passed strict")
	}
	// the global default decides for a peer without its own mode
	s.NextHopStrict = false
	if _, failed := checkNextHop(&Route{NextHop: third6}, &s, nextHopPeer(NextHopDefault, 0, false)); failed {
		t.Fatal("[filters] next_hop = off must not check a peer without its own mode")
	}
	if _, failed := checkNextHop(&Route{NextHop: third6}, &s, nextHopPeer(NextHopStrict, 0, false)); !failed {
		t.Fatal("a peer's strict must override [filters] next_hop = off")
	}
}

// TestFamilies: reason 4 for routes of a family the session does not carry,
// and the compiled statements reject the same families.
func TestFamilies(t *testing.T) {
	s := DefaultSettings()
	v4, v6 := netip.MustParsePrefix("45.1.7.0/24"), netip.MustParsePrefix("2a0a:1:5::/48")
	cases := []struct {
		name         string
		addr         netip.Addr
		fam          Families
		want4, want6 bool // accepted by the family check
	}{
		{"v4 session default", own4, 0, true, false},
		{"v6 session default", own6, 0, false, true},
		{"v4 session both", own4, FamiliesIPv4 | FamiliesIPv6, true, true},
		{"v4 session ipv6 only", own4, FamiliesIPv6, false, true},
		{"v6 session ipv4 only", own6, FamiliesIPv4, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &Peer{Name: "a", ASN: 21001, Address: c.addr, Families: c.fam}
			st := compileFamilies(p)
			for _, x := range []struct {
				pfx  netip.Prefix
				want bool
				fam  Family
			}{{v4, c.want4, FamilyIPv4}, {v6, c.want6, FamilyIPv6}} {
				d, failed := checkFamily(&Route{Prefix: x.pfx}, &s, p)
				if failed == x.want {
					t.Fatalf("%s: failed=%v want accepted=%v", x.pfx, failed, x.want)
				}
				if failed && !strings.Contains(d, "not enabled for the peer (families: ") {
					t.Fatalf("evidence %q", d)
				}
				compiled := false
				for _, s := range st {
					compiled = compiled || (s.Family == x.fam && s.Reason == ReasonInvalidAFI)
				}
				if compiled != failed {
					t.Fatalf("%s: compiled reject=%v, evaluator failed=%v", x.pfx, compiled, failed)
				}
				if v := Evaluate(Route{Prefix: x.pfx, ASPath: Seq(21001), NextHop: c.addr}, &s, p); v.Has(ReasonInvalidAFI) != failed {
					t.Fatalf("Evaluate disagrees with checkFamily: %+v", v.Rejections)
				}
			}
		})
	}
}

func TestComplementSet(t *testing.T) {
	ex := []netip.Addr{own4, same4, own6, mustAddr("::ffff:127.0.0.50")}
	c := ComplementSet(ex)
	for _, probe := range []netip.Addr{own4, same4, auth4, third4, own6, same6, third6,
		mustAddr("0.0.0.0"), mustAddr("255.255.255.255"), mustAddr("::"), mustAddr("ffff::1")} {
		in := 0
		for _, p := range c {
			if p.Contains(probe) {
				in++
			}
		}
		excepted := probe == own4 || probe == same4 || probe == own6 || probe == auth4
		if (in == 0) != excepted || in > 1 {
			t.Errorf("%s covered %d times, excepted=%v", probe, in, excepted)
		}
	}
	if got := ComplementSet(nil); len(got) != 2 || got[0].String() != "0.0.0.0/0" || got[1].String() != "::/0" {
		t.Fatalf("complement of nothing: %v", got)
	}
}

func TestParseNextHopMode(t *testing.T) {
	for _, s := range []string{"strict", "same-as", "authorized", "off"} {
		m, ok := ParseNextHopMode(s)
		if !ok || m.String() != s {
			t.Fatalf("%q: %v %v", s, m, ok)
		}
	}
	if _, ok := ParseNextHopMode("loose"); ok {
		t.Fatal("loose accepted")
	}
}
