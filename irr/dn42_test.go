package irr

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// dn42Sets are compared between bgpq4 and our client: the largest as-set of
// the dump, others with hierarchical names and nesting, and sets that get
// members through mbrs-by-ref/member-of.
var dn42Sets = []string{
	"AS-POTATO:AS-TRANSIT", // the largest: 87 ASNs
	"AS4242420123:AS-PEER",
	"AS-BLAZING",
	"AS-NIA:AS-TRANSIT",
	"AS-POTATO",                 // mbrs-by-ref claims
	"AS-NETRAVNEN:AS-NETRAVNEN", // member-of claims from two sources
}

func dn42DB(t testing.TB) *DB {
	return loadDB(t, sharedFile(t, "rpsl/dn42-registry-20231022-routing.db.gz"))
}

type bgpq4JSONPrefix struct {
	Prefix string `json:"prefix"`
	Exact  bool   `json:"exact"`
	GE     *int   `json:"greater-equal"`
	LE     *int   `json:"less-equal"`
}

// bgpq4Prefixes runs bgpq4 -j and returns its entries as prefix ranges.
func bgpq4Prefixes(t testing.TB, bin, addr string, args ...string) []filters.PrefixRange {
	t.Helper()
	out, _ := runCmd(t, 60*time.Second, bin, append([]string{"-h", addr, "-p", "-j", "-l", "NN"}, args...)...)
	var doc map[string][]bgpq4JSONPrefix
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("bgpq4 %v: bad JSON: %v\n%s", args, err, out)
	}
	var rs []filters.PrefixRange
	for _, e := range doc["NN"] {
		p, err := ParsePrefix(e.Prefix)
		if err != nil {
			t.Fatalf("bgpq4 prefix %q: %v", e.Prefix, err)
		}
		r := filters.PrefixRange{Prefix: p, Min: uint8(p.Bits()), Max: uint8(p.Bits())}
		if !e.Exact {
			if e.GE != nil {
				r.Min = uint8(*e.GE)
			}
			if e.LE != nil {
				r.Max = uint8(*e.LE)
			}
		}
		rs = append(rs, r)
	}
	return rs
}

func bgpq4ASNs(t testing.TB, bin, addr, set string) []uint32 {
	t.Helper()
	out, _ := runCmd(t, 60*time.Second, bin, "-h", addr, "-p", "-t", "-j", "-l", "NN", set)
	var doc map[string][]uint32
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("bgpq4 -t %s: bad JSON: %v\n%s", set, err, out)
	}
	return doc["NN"]
}

func rangesString(rs []filters.PrefixRange) string {
	s := ""
	for _, r := range rs {
		s += r.String() + " "
	}
	return s
}

// TestDN42ClientMatchesBgpq4 runs bgpq4 and our client against the same
// in-process server over the dn42 dump and wants identical origins,
// prefixes, and -A -R aggregation. dn42 uses private ASNs, so bgpq4 gets -p
// and our client keeps bogon ASNs.
func TestDN42ClientMatchesBgpq4(t *testing.T) {
	bgpq4 := needBinary(t, "bgpq4")
	db := dn42DB(t)
	addr := startServer(t, db, ServerOptions{})
	client := NewClient(ClientOptions{Servers: []string{addr}, Timeout: 10 * time.Second})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, set := range dn42Sets {
		t.Run(set, func(t *testing.T) {
			res, err := Expand(ctx, client, set, ExpandOptions{KeepBogonASNs: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Origins) == 0 {
				t.Fatalf("%s expanded to no origins: %v", set, res.Warnings)
			}
			if want := bgpq4ASNs(t, bgpq4, addr, set); !slices.Equal(res.Origins, want) {
				t.Errorf("origins differ:\n ours  %v\n bgpq4 %v", res.Origins, want)
			}
			for _, fam := range []struct {
				flag string
				got  []filters.PrefixRange
			}{{"-4", res.IPv4}, {"-6", res.IPv6}} {
				want := SortRanges(bgpq4Prefixes(t, bgpq4, addr, fam.flag, set))
				if rangesString(fam.got) != rangesString(want) {
					t.Errorf("%s prefixes differ:\n ours  %s\n bgpq4 %s", fam.flag, rangesString(fam.got), rangesString(want))
				}
			}
			// Client-side recursion (one !i per nested set, as bgpq4 -L)
			// must find the same.
			res2, err := Expand(ctx, client, set, ExpandOptions{KeepBogonASNs: true, ClientRecursion: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res2.Origins, res.Origins) || rangesString(res2.IPv4) != rangesString(res.IPv4) || rangesString(res2.IPv6) != rangesString(res.IPv6) {
				t.Errorf("client-side recursion differs from !i,1: %v vs %v", res2.Origins, res.Origins)
			}
			// Aggregation: bgpq4 -A -R 24 / -A -R 64 and our Aggregate.
			for _, a := range []struct {
				flags []string
				v6    bool
				r     int
			}{{[]string{"-4", "-A", "-R", "24"}, false, 24}, {[]string{"-6", "-A", "-R", "64"}, true, 64}, {[]string{"-4", "-A"}, false, 0}} {
				agg, err := Expand(ctx, client, set, ExpandOptions{KeepBogonASNs: true, Aggregate: true, MaxLength4: map[bool]int{false: a.r}[a.v6], MaxLength6: map[bool]int{true: a.r}[a.v6]})
				if err != nil {
					t.Fatal(err)
				}
				got := agg.IPv4
				if a.v6 {
					got = agg.IPv6
				}
				want := SortRanges(bgpq4Prefixes(t, bgpq4, addr, append(a.flags, set)...))
				if rangesString(got) != rangesString(want) {
					t.Errorf("bgpq4 %v: aggregation differs:\n ours  %s\n bgpq4 %s", a.flags, rangesString(got), rangesString(want))
				}
			}
		})
	}
}

// TestBgpq3Client checks that bgpq3 (no !a, no !s-lc) works unchanged.
func TestBgpq3Client(t *testing.T) {
	bgpq3 := needBinary(t, "bgpq3")
	addr := startServer(t, loadDB(t, "testdata/as112.rpsl"), ServerOptions{})
	out, _ := runCmd(t, 20*time.Second, bgpq3, "-h", addr, "-b", "AS-AS112")
	want := "NN = [\n    192.31.196.0/24,\n    192.175.48.0/24\n];\n"
	if out != want {
		t.Errorf("bgpq3 -b AS-AS112:\n got %q\nwant %q", out, want)
	}
	out, _ = runCmd(t, 20*time.Second, bgpq3, "-h", addr, "-6", "-b", "AS112")
	if want := fmt.Sprintf("NN = [\n    %s,\n    %s\n];\n", "2001:4:112::/48", "2620:4f:8000::/48"); out != want {
		t.Errorf("bgpq3 -6 -b AS112:\n got %q\nwant %q", out, want)
	}
}
