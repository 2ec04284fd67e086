package filters

import (
	"math/rand"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// foldSettings are the defaults plus a peering LAN on the global blacklist
// of each family and a never-via-route-servers ASN, so every foldable
// statement exists.
func foldSettings() Settings {
	s := DefaultSettings()
	s.GlobalBlacklist = NewBlacklist([]ListedPrefix{
		{Range: PrefixRange{Prefix: netip.MustParsePrefix("45.127.254.0/24"), Min: 24, Max: 32}},
		{Range: PrefixRange{Prefix: netip.MustParsePrefix("2a0a:4580:ffff::/64"), Min: 64, Max: 128}}})
	s.NeverViaRS = NewASNList("never via route servers", ASNs("", 21999))
	return s
}

// randomFoldPrefix draws prefixes near every edge the folded sets have:
// bogons, the peering LANs, outside 2000::/3, every length.
func randomFoldPrefix(rng *rand.Rand) netip.Prefix {
	if rng.Intn(2) == 0 {
		firsts := []byte{0, 10, 45, 100, 127, 169, 172, 192, 198, 203, 224, 240, 255}
		a := netip.AddrFrom4([4]byte{firsts[rng.Intn(len(firsts))], byte([]int{0, 64, 127, 168, 254}[rng.Intn(5)] + rng.Intn(2)), byte(rng.Intn(256)), byte(rng.Intn(256))})
		if rng.Intn(4) == 0 {
			a = netip.AddrFrom4([4]byte{45, 127, 254, byte(rng.Intn(256))})
		}
		return netip.PrefixFrom(a, rng.Intn(33)).Masked()
	}
	heads := [][2]byte{{0x2a, 0x0a}, {0x20, 0x01}, {0x20, 0x02}, {0xfc, 0x00}, {0xfe, 0x80}, {0, 0}, {0x3f, 0xff}, {0x40, 0}, {0x80, 0}, {0xff, 0x02}, {0x1f, 0xff}}
	h := heads[rng.Intn(len(heads))]
	a := [16]byte{h[0], h[1], byte(rng.Intn(256)), byte(rng.Intn(256)), byte(rng.Intn(256))}
	if rng.Intn(4) == 0 {
		a = [16]byte{0x2a, 0x0a, 0x45, 0x80, 0xff, 0xff, 0, 0, byte(rng.Intn(256))}
	}
	return netip.PrefixFrom(netip.AddrFrom16(a), rng.Intn(129)).Masked()
}

// prefixRejects evaluates a policy's plain prefix statements the way GoBGP
// does (longest entry only, INVERT after the family check).
func prefixRejects(c Compiled, p netip.Prefix) bool {
	sets := map[string]PrefixSetDef{}
	for _, ps := range c.PrefixSets {
		sets[ps.Name] = ps
	}
	fam := FamilyIPv4
	if p.Addr().Is6() {
		fam = FamilyIPv6
	}
	for _, st := range c.Policies[0].Statements {
		if st.PrefixSet == "" || st.Family != fam || !plainReject(st) {
			continue
		}
		if longestOnly(sets[st.PrefixSet].Entries, p) != st.PrefixSetInvert {
			return true
		}
	}
	return false
}

// TestFoldedPrefixRejectsAgreeWithEvaluate: under "drop" the folded common
// policy's prefix statements reject exactly the routes the evaluator
// rejects for a bogon, a global blacklist entry, a length or (IPv6) an
// address outside global unicast, on a GoBGP-like longest-only matcher.
func TestFoldedPrefixRejectsAgreeWithEvaluate(t *testing.T) {
	s := foldSettings()
	folded := CompileCommonActions(CompileCommon(&s), &s, ActionSettings{RSASN: 21000})
	rng := rand.New(rand.NewSource(11))
	prefixReasons := []Reason{ReasonBogonPrefix, ReasonGlobalBlacklist, ReasonPrefixLength, ReasonIPv6NotGlobalUnicast}
	peer := &Peer{Name: "a", ASN: 21001}
	rejected := 0
	for range 20000 {
		p := randomFoldPrefix(rng)
		v := Evaluate(Route{Prefix: p, ASPath: Seq(21001)}, &s, peer)
		want := slices.ContainsFunc(prefixReasons, v.Has)
		if got := prefixRejects(folded, p); got != want {
			t.Fatalf("%s: folded policy rejects %v, evaluator %v", p, got, v.Rejections)
		}
		if want {
			rejected++
		}
	}
	if rejected < 2000 || rejected > 18000 {
		t.Fatalf("%d of 20000 rejected: the draw does not exercise both outcomes", rejected)
	}
}

// TestFoldCommonRejectsShape: "drop" leaves one prefix statement per
// family and one AS-path statement holding every AS-path pattern; "tag"
// and a blackhole family's length split are left alone.
func TestFoldCommonRejectsShape(t *testing.T) {
	s := foldSettings()
	plain := CompileCommon(&s)
	var plainPatterns []string // never-via-rs as single-ASN patterns
	for _, as := range plain.ASPathSets {
		switch as.Name {
		case setNeverViaRS:
			plainPatterns = append(plainPatterns, listedASNPatterns(s.NeverViaRS.Sorted())...)
			continue
		case setBogonASN:
			plainPatterns = append(plainPatterns, delimited(bogonASNAlternation()))
			continue
		}
		plainPatterns = append(plainPatterns, as.Patterns...)
	}
	count := func(c Compiled) (prefix4, prefix6, paths int, patterns []string) {
		sets := map[string][]string{}
		for _, as := range c.ASPathSets {
			sets[as.Name] = as.Patterns
		}
		for _, st := range c.Policies[0].Statements {
			switch {
			case st.Reason == 0: // route changes, not checks
			case st.PrefixSet != "" && st.Family == FamilyIPv4:
				prefix4++
			case st.PrefixSet != "" && st.Family == FamilyIPv6:
				prefix6++
			case st.ASPathSet != "":
				paths++
				patterns = append(patterns, sets[st.ASPathSet]...)
			}
		}
		return
	}
	p4, p6, np, pats := count(CompileCommonActions(CompileCommon(&s), &s, ActionSettings{RSASN: 21000}))
	if p4 != 1 || p6 != 1 || np != 1 || !slices.Equal(pats, plainPatterns) {
		t.Errorf("drop: %d v4, %d v6 prefix statements, %d AS-path statements with %q; want 1, 1, 1 with %q", p4, p6, np, pats, plainPatterns)
	}
	p4, p6, np, _ = count(CompileCommonActions(CompileCommon(&s), &s, ActionSettings{RSASN: 21000, Tag: true}))
	if p4 != 3 || p6 != 4 || np != 3 {
		t.Errorf("tag: %d v4, %d v6 prefix statements, %d AS-path statements; want 3, 4, 3 (one per reason)", p4, p6, np)
	}
	bh := ActionSettings{RSASN: 21000, Blackhole: BlackholeSettings{NextHopIPv4: netip.MustParseAddr("45.127.254.66")}}
	p4, p6, _, _ = count(CompileCommonActions(CompileCommon(&s), &s, bh))
	if p4 != 3 || p6 != 1 { // folded set, length split in two by community
		t.Errorf("blackhole v4: %d v4, %d v6 prefix statements; want 3, 1", p4, p6)
	}
}

// TestComplementRange: a prefix is matched by exactly one of r and its
// complement, for ranges anywhere in the tree.
func TestComplementRange(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for range 200 {
		q := randomFoldPrefix(rng)
		lo := q.Bits() + rng.Intn(q.Addr().BitLen()-q.Bits()+1)
		hi := lo + rng.Intn(q.Addr().BitLen()-lo+1)
		r := PrefixRange{Prefix: q, Min: uint8(lo), Max: uint8(hi)}
		comp := ComplementRange(r)
		for range 200 {
			p := randomFoldPrefix(rng)
			if p.Addr().Is4() != q.Addr().Is4() {
				continue
			}
			in := slices.ContainsFunc(comp, func(c PrefixRange) bool { return c.Contains(p) })
			if in == r.Contains(p) {
				t.Fatalf("%s: in %s %v, in its complement %v (%v)", p, r, r.Contains(p), in, comp)
			}
		}
	}
}

// gobgpASPathMatch matches patterns the way GoBGP v3's AS-path set does
// (table/policy.go): "_A_" compares A with the AS_SEQUENCE ASNs (any other
// segment counts as ASN 0), any other pattern is a regexp, "_" turned into
// GoBGP's delimiter class, run on the path's string.
func gobgpASPathMatch(patterns []string, p ASPath) bool {
	single := regexp.MustCompile(`^_([0-9]+)_$`)
	var seq []uint32
	for _, s := range p {
		if s.Type == SegSequence {
			seq = append(seq, s.ASNs...)
		} else {
			seq = append(seq, 0)
		}
	}
	for _, pat := range patterns {
		if m := single.FindStringSubmatch(pat); m != nil {
			a, _ := strconv.ParseUint(m[1], 10, 32)
			if slices.Contains(seq, uint32(a)) {
				return true
			}
			continue
		}
		if regexp.MustCompile(strings.ReplaceAll(pat, "_", "(^|[,{}() ]|$)")).MatchString(p.String()) {
			return true
		}
	}
	return false
}

// randomASPath draws 1-4 segments of every kind from pool.
func randomASPath(rng *rand.Rand, pool []uint32) ASPath {
	var p ASPath
	for range 1 + rng.Intn(4) {
		seg := Segment{Type: SegmentType(rng.Intn(4))}
		if rng.Intn(3) > 0 {
			seg.Type = SegSequence
		}
		for range 1 + rng.Intn(4) {
			seg.ASNs = append(seg.ASNs, pool[rng.Intn(len(pool))])
		}
		p = append(p, seg)
	}
	return p
}

// TestDelimitedAgrees: the bogon-ASN regexp with GoBGP's delimiters spelt
// out matches exactly what the "_" form matches, on every segment kind.
func TestDelimitedAgrees(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	pool := []uint32{0, 1, 23456, 64495, 64496, 65535, 65536, 131071, 131072, 4199999999, 4200000000, 4294967295, 21001, 6449, 644960}
	alt := bogonASNAlternation()
	matched := 0
	for range 3000 {
		p := randomASPath(rng, pool)
		got, want := gobgpASPathMatch([]string{delimited(alt)}, p), gobgpASPathMatch([]string{"_(" + alt + ")_"}, p)
		if got != want {
			t.Fatalf("%s: delimited %v, with _ %v", p, got, want)
		}
		if want {
			matched++
		}
	}
	if matched == 0 || matched == 3000 {
		t.Fatalf("%d of 3000 matched: the draw does not exercise both outcomes", matched)
	}
}

// TestListedASNPatternsAgree: wherever the AS_SET check does not reject a
// path already, the single-ASN patterns plus the confederation regexp
// match exactly the paths the factored alternation matches.
func TestListedASNPatternsAgree(t *testing.T) {
	listed := []uint32{174, 1299, 2914, 3356, 21999, 4200000001}
	pats, alt := listedASNPatterns(listed), []string{asnAlternation(listed)}
	rng := rand.New(rand.NewSource(3))
	pool := append([]uint32{17, 1740, 12990, 21001, 21002, 335}, listed...)
	matched, kept := 0, 0
	for range 5000 {
		p := randomASPath(rng, pool)
		if gobgpASPathMatch([]string{asSetPattern}, p) {
			continue // reason 1001 rejects it whatever the list says
		}
		kept++
		got, want := gobgpASPathMatch(pats, p), gobgpASPathMatch(alt, p)
		if got != want {
			t.Fatalf("%s: single-ASN patterns %v, alternation %v (%q)", p, got, want, pats)
		}
		if want {
			matched++
		}
	}
	if matched == 0 || matched == kept {
		t.Fatalf("%d of %d paths matched: the draw does not exercise both outcomes", matched, kept)
	}
}
