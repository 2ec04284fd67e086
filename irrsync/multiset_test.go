package irrsync

import (
	"slices"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/irr"
)

// TestSeveralASSets: a peer with as_set = ["AS-ALPHA", "AS21002"] gets the
// union of both expansions, its origin set names both, and the status and
// cache are keyed by the joined value.
func TestSeveralASSets(t *testing.T) {
	p := peerA(t)
	p.ASSet = "AS-ALPHA,AS21002"
	s, app := newSyncer(t, testConfig(t, "", p), newSwapSource(t, "v1.rpsl"), nil)
	r := refreshOne(t, s, "a", false)
	if r.Err != "" || !r.Applied {
		t.Fatalf("refresh: %+v", r)
	}
	got := app.last(t, "a")
	for _, c := range []struct {
		prefix string
		want   bool
	}{{"45.21.9.0/24", true}, {"45.30.2.0/24", true}, {"2a0a:21:5::/48", true}, {"45.29.0.0/24", false}} {
		if admits(got.allowed, c.prefix) != c.want {
			t.Errorf("%s admitted = %v, want %v", c.prefix, !c.want, c.want)
		}
	}
	if o := got.origins.Sorted(); !slices.Equal(o, []uint32{21001, 21002, 21011}) || got.origins.Source != "AS-ALPHA,AS21002" {
		t.Errorf("origins %v from %q", o, got.origins.Source)
	}
	if st := statusOf(t, s, "a"); st.ASSet != "AS-ALPHA,AS21002" || st.LastError != "" {
		t.Errorf("status %+v", st)
	}
}

func TestUnionResults(t *testing.T) {
	r := func(s string) filters.PrefixRange { return mustRange(t, s) }
	early, late := time.Unix(100, 0), time.Unix(200, 0)
	a := &irr.Result{Origins: []uint32{3, 1}, IPv4: []filters.PrefixRange{r("45.1.0.0/16")}, Sources: []string{"RIPE"}, FetchedAt: late}
	b := &irr.Result{Origins: []uint32{1, 2}, IPv4: []filters.PrefixRange{r("45.1.0.0/16"), r("45.0.0.0/16")},
		IPv6: []filters.PrefixRange{r("2a0a::/32")}, Sources: []string{"RIPE", "RADB"}, FetchedAt: early, Warnings: []string{"w"}}
	u := unionResults(unionResults(nil, a), b)
	if !slices.Equal(u.Origins, []uint32{1, 2, 3}) || len(u.IPv4) != 2 || u.IPv4[0] != r("45.0.0.0/16") || len(u.IPv6) != 1 ||
		!slices.Equal(u.Sources, []string{"RIPE", "RADB"}) || !u.FetchedAt.Equal(early) || len(u.Warnings) != 1 {
		t.Fatalf("union %+v", u)
	}
}
