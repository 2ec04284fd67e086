package routeserver

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/routestore"
)

func TestSortAdvertised(t *testing.T) {
	var in []routestore.Entry
	for _, p := range []string{"2a0a:4580::/32", "45.2.0.0/24", "45.1.0.0/24", "45.1.0.0/16", "2a0a:4580::/29", "45.10.0.0/24"} {
		in = append(in, routestore.Entry{Key: routestore.Key{Prefix: netip.MustParsePrefix(p)}})
	}
	sortAdvertised(in)
	var got []string
	for _, e := range in {
		got = append(got, e.Key.Prefix.String())
	}
	want := "45.1.0.0/16 45.1.0.0/24 45.2.0.0/24 45.10.0.0/24 2a0a:4580::/29 2a0a:4580::/32"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
}
