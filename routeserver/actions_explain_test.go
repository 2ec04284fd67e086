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

// TestPlanActionKeys: reject_policy, info_communities, [blackhole] and
// [global] graceful_shutdown need a restart; accept_blackholes re-creates
// the peer (its export chain).
func TestPlanActionKeys(t *testing.T) {
	dir := t.TempDir() // one base: state_dir resolves the same
	parse := func(global, filtersExtra string) *config.Config {
		c, err := config.Parse([]byte(bhConfig(31, 32, 33, 34, global, filtersExtra)), "test.toml", dir)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := parse("", "")
	for name, next := range map[string]*config.Config{
		"reject_policy":     parse("", `reject_policy = "tag"`),
		"info_communities":  parse("", "info_communities = true"),
		"graceful_shutdown": parse("graceful_shutdown = true", ""),
	} {
		if p := PlanReload(base, next); len(p.Restart) != 1 {
			t.Errorf("%s: plan %+v, want a restart for it alone", name, p)
		}
	}
	bh := parse("", "")
	bh.Blackhole.NextHopIPv4 = netip.MustParseAddr("45.255.0.99")
	if p := PlanReload(base, bh); len(p.Restart) != 1 || p.Restart[0].Section != "[blackhole]" {
		t.Errorf("[blackhole]: plan %+v, want a restart", p)
	}
	acc := parse("", "")
	acc.Peers[1].AcceptBlackholes = false
	p := PlanReload(base, acc)
	if len(p.Restart) != 0 || len(p.Peers) != 1 || p.Peers[0].Kind != PeerReset {
		t.Errorf("accept_blackholes: plan %+v, want peer b re-created", p)
	}
}
