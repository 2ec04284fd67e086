package irr

import (
	"errors"
	"net/netip"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
)

func sampleResult(n int) *Result {
	r := &Result{Target: "AS-FOO", Origins: []uint32{21001}, Sources: []string{"RIPE"}, FetchedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	for i := 0; i < n; i++ {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{45, byte(i), 0, 0}), 16)
		r.IPv4 = append(r.IPv4, filters.PrefixRange{Prefix: p, Min: 16, Max: 24})
	}
	return r
}

func TestCacheRoundTrip(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	if _, err := c.Load("peer-a"); !errors.Is(err, ErrNotCached) {
		t.Fatalf("empty cache: %v", err)
	}
	want := sampleResult(3)
	want.IPv6 = []filters.PrefixRange{{Prefix: netip.MustParsePrefix("2a0a::/32"), Min: 32, Max: 48}}
	for _, key := range []string{"peer-a", "../escape", "ix/peer b"} {
		if err := c.Save(key, want); err != nil {
			t.Fatal(err)
		}
		got, err := c.Load(key)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", key, got, want)
		}
	}
	entries, _ := os.ReadDir(c.Dir)
	if len(entries) != 3 {
		t.Errorf("want 3 files and no temporaries, got %d", len(entries))
	}
	if err := c.Save("", want); err == nil {
		t.Error("empty key accepted")
	}
}

func TestCheckRefresh(t *testing.T) {
	tests := []struct {
		name     string
		old, new *Result
		max      float64
		shrink   bool
	}{
		{"first sync", nil, sampleResult(0), 0.1, false},
		{"growth", sampleResult(10), sampleResult(20), 0.1, false},
		{"small shrink", sampleResult(10), sampleResult(9), 0.1, false},
		{"big shrink", sampleResult(10), sampleResult(5), 0.1, true},
		{"empty", sampleResult(10), sampleResult(0), 1.0, true},
		{"nil new", sampleResult(1), nil, 1.0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRefresh(tc.old, tc.new, tc.max)
			var se *ShrinkError
			if errors.As(err, &se) != tc.shrink {
				t.Fatalf("err = %v, want shrink=%v", err, tc.shrink)
			}
			if se != nil && (se.OldCount != tc.old.PrefixCount() || se.NewCount != tc.new.PrefixCount() || se.Error() == "") {
				t.Errorf("bad ShrinkError %+v", se)
			}
		})
	}
}
