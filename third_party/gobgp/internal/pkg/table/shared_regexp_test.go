//go:build go1.24

package table

import (
	"runtime"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/config/oc"
)

// TestSharedRegexps: two sets with the same expression share one
// compiled Regexp and still match alike, as do community expressions; an
// expression nothing uses any more leaves the cache.
func TestSharedRegexps(t *testing.T) {
	const expr = "_(64512|6451[3-9])_" // not a single-ASN form: compiled
	a, err := NewAsPathSet(oc.AsPathSet{AsPathSetName: "a", AsPathList: []string{expr}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewAsPathSet(oc.AsPathSet{AsPathSetName: "b", AsPathList: []string{expr, "^21001_"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.list) != 1 || len(b.list) != 1 {
		t.Fatalf("compiled %d and %d expressions, want 1 and 1", len(a.list), len(b.list))
	}
	if a.list[0] != b.list[0] {
		t.Fatal("two sets with the same expression hold two compiled copies")
	}
	for _, p := range []struct {
		path string
		want bool
	}{{" 21001 64515 ", true}, {" 21001 64520 ", false}} {
		if got := a.list[0].MatchString(p.path); got != p.want {
			t.Errorf("%q matches %q: %v, want %v", expr, p.path, got, p.want)
		}
	}
	if _, err := NewAsPathSet(oc.AsPathSet{AsPathSetName: "c", AsPathList: []string{"_(6451_"}}); err == nil {
		t.Fatal("an invalid expression was accepted")
	}

	// community and large-community expressions are shared too
	c1, err := ParseCommunityRegexp("21001:.*")
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := ParseCommunityRegexp("21001:.*")
	l1, err := ParseLargeCommunityRegexp("21001:.*:.*")
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := ParseLargeCommunityRegexp("21001:.*:.*")
	if c1 != c2 || l1 != l2 {
		t.Fatal("the same community expression was compiled twice")
	}
	if !c1.MatchString("21001:65000") || c1.MatchString("21002:65000") {
		t.Fatalf("shared %q matches wrongly", c1)
	}

	key := a.list[0].String()
	a, b = nil, nil
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		sharedRegexps.Lock()
		_, held := sharedRegexps.m[key]
		sharedRegexps.Unlock()
		if !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("an expression no set uses stayed in the cache")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
