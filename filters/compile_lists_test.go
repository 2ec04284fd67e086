package filters

import (
	"fmt"
	"math/rand"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

func statementNames(p Policy) string {
	var n []string
	for _, s := range p.Statements {
		n = append(n, s.Name)
	}
	return strings.Join(n, " ")
}

func TestCompileLists(t *testing.T) {
	s := DefaultSettings()
	s.GlobalBlacklist = NewBlacklist(GlobalBlacklistEntries([]netip.Prefix{netip.MustParsePrefix("45.127.254.0/24")}, nil))
	s.NeverViaRS = NewASNList("never via route servers", ASNs("", 21900, 21901))
	c := CompileCommon(&s)
	common := statementNames(c.Policies[0])
	for _, want := range []string{"not-global-v6", "global-blacklist-v4", "never-via-rs"} {
		if !strings.Contains(common, want) {
			t.Errorf("common policy %q lacks %s", common, want)
		}
	}
	if strings.Contains(common, "global-blacklist-v6") {
		t.Error("no IPv6 entries: no IPv6 blacklist statement")
	}
	for _, st := range c.Policies[0].Statements {
		if st.Name == "not-global-v6" && st.Reason != ReasonIPv6NotGlobalUnicast {
			t.Errorf("not-global-v6 compiled as %s", st.Reason)
		}
	}
	for _, as := range c.ASPathSets {
		if as.Name == setNeverViaRS && as.Patterns[0] != "_(2190(?:0|1))_" {
			t.Errorf("never-via-rs patterns %v", as.Patterns)
		}
	}

	p := &Peer{Name: "x", ASN: 3356, Address: netip.MustParseAddr("127.0.0.2"), Origins: NewOriginSet("AS-X", []uint32{3356}),
		AllowedRoutes: []AllowedRoute{{Range: PrefixRange{netip.MustParsePrefix("45.9.0.0/24"), 24, 24}, Origin: 21012},
			{Range: PrefixRange{netip.MustParsePrefix("2a0a:9::/32"), 32, 48}}}}
	pc := CompilePeer(&s, p)
	if len(pc.Policies) != 2 || pc.Policies[1].Name != "rs-irr-x" {
		t.Fatalf("policies %+v", pc.Policies)
	}
	if got := statementNames(pc.Policies[1]); got != "allowed-rs-x-allowed-21012-v4 allowed-rs-x-allowed-any-v6 origin not-registered-v4 not-registered-v6" {
		t.Errorf("IRR policy %q", got)
	}
	if !pc.Policies[1].Statements[0].Accept || pc.Policies[1].Statements[0].ASPathSet != "rs-x-allowed-21012-origin" || pc.Policies[1].Statements[2].Accept {
		t.Errorf("accept statements %+v", pc.Policies[1].Statements)
	}
	for _, as := range pc.ASPathSets {
		if as.Name == "rs-x-transit-free" && strings.Contains(as.Patterns[0], "3356") {
			t.Errorf("the peer's own ASN must not be in its transit-free set: %v", as.Patterns)
		}
	}
	p.PrefixCheckOff, p.OriginCheckOff = true, true
	if got := statementNames(CompilePeer(&s, p).Policies[1]); got != "allowed-rs-x-allowed-21012-v4 allowed-rs-x-allowed-any-v6" {
		t.Errorf("checks off: IRR policy %q", got)
	}
}

// TestASNAlternationProperty: the factored regexp matches exactly the
// listed ASNs as whole numbers, with GoBGP's "_" delimiter expanded.
func TestASNAlternationProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	magic := "(^|[,{}() ]|$)"
	for round := 0; round < 50; round++ {
		var asns []uint32
		listed := map[uint32]bool{}
		for i := 0; i < 1+rng.Intn(200); i++ {
			a := uint32(rng.Intn(5000)) // dense: many shared prefixes, prefixes of each other
			if rng.Intn(4) == 0 {
				a = rng.Uint32()
			}
			asns = append(asns, a)
			listed[a] = true
		}
		re := regexp.MustCompile(strings.ReplaceAll(asnAlternation(asns), "_", magic))
		probes := append([]uint32{}, asns...)
		for i := 0; i < 300; i++ {
			probes = append(probes, uint32(rng.Intn(60000)), rng.Uint32())
		}
		for _, p := range probes {
			for _, path := range []string{fmt.Sprintf("%d", p), fmt.Sprintf("21001 %d 21011", p), fmt.Sprintf("21001 {7,%d}", p)} {
				if re.MatchString(path) != listed[p] {
					t.Fatalf("list %v: %q matched=%v, listed=%v (pattern %s)", asns, path, !listed[p], listed[p], re)
				}
			}
		}
	}
	if got := asnAlternation([]uint32{1299, 174, 17, 3356}); got != "_(1(?:299|74?)|3356)_" {
		t.Fatalf("factored form %s", got)
	}
}
