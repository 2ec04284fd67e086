package routeserver

import (
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// TestExplainBlackhole: explain evaluates a BLACKHOLE what-if like the
// announcement (accepted at /32 inside the space) and shows that a peer
// with accept_blackholes = false would not get it. No BGP needed.
func TestExplainBlackhole(t *testing.T) {
	cfg, err := config.Parse([]byte(bhConfig(31, 32, 33, 34, "", "")), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg, Options{Logger: testLogger()})
	bh := filters.Communities{Std: []filters.Community{filters.Blackhole}}
	r := filters.Route{Prefix: netip.MustParsePrefix("45.1.9.1/32"), ASPath: filters.Seq(21001), NextHop: netip.MustParseAddr(bhAddr(32)), Blackhole: true}
	v, err := s.Explain("a", r)
	if err != nil || !v.Accepted() {
		t.Fatalf("blackhole inside a's space: %v %+v", err, v.Rejections)
	}
	r.Blackhole = false
	if v, _ := s.Explain("a", r); !v.Has(filters.ReasonPrefixLength) {
		t.Fatalf("the same /32 without BLACKHOLE: %+v", v.Rejections)
	}
	ts, err := s.ExplainExport("a", r, bh)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]bool{}
	for _, x := range s.GuardExports(bh, ts) {
		sent[x.Peer.Name] = x.Decision.Send
	}
	if !sent["b"] || sent["c"] {
		t.Errorf("explained exports %v: want b (accepts blackholes), not c", sent)
	}
	for _, x := range s.GuardExports(filters.Communities{}, ts) {
		if !x.Decision.Send {
			t.Errorf("a route without BLACKHOLE is guarded from %s", x.Peer.Name)
		}
	}
}
