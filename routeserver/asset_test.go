package routeserver

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/filters"
)

// addr7 is this file's own block in the package's 127.10.0.0/16.
func addr7(host byte) string { return fmt.Sprintf("127.10.7.%d", host) }

// asSetPattern is the compiled AS-path pattern of reason 1001.
func asSetPattern(t *testing.T) *regexp.Regexp {
	t.Helper()
	s := filters.DefaultSettings()
	c := filters.CompileCommon(&s)
	set := ""
	for _, p := range c.Policies {
		for _, st := range p.Statements {
			if st.Reason == filters.ReasonASSetInPath {
				set = st.ASPathSet
			}
		}
	}
	for _, d := range c.ASPathSets {
		if d.Name == set && len(d.Patterns) == 1 {
			return regexp.MustCompile(d.Patterns[0]) // no "_": GoBGP compiles it unchanged
		}
	}
	t.Fatalf("no AS-path set for reason 1001 in %+v", c)
	return nil
}

// TestASSetPatternMatchesGoBGPString: the compiled pattern, run on the
// string GoBGP matches AS-path sets against (bgp.AsPathString), agrees
// with the evaluator on every segment kind.
func TestASSetPatternMatchesGoBGPString(t *testing.T) {
	re := asSetPattern(t)
	seg := func(ty filters.SegmentType, a ...uint32) filters.Segment { return filters.Segment{Type: ty, ASNs: a} }
	paths := []filters.ASPath{
		filters.Seq(21001),
		filters.Seq(21001, 21010, 21011),
		{seg(filters.SegSequence, 21001), seg(filters.SegSet, 21010, 21011)},
		{seg(filters.SegSequence, 21001), seg(filters.SegSet, 21010), seg(filters.SegSequence, 21011)},
		{seg(filters.SegSequence, 21001), seg(filters.SegConfedSequence, 21010, 21011), seg(filters.SegSequence, 21012)},
		{seg(filters.SegSequence, 21001), seg(filters.SegConfedSet, 21010, 21011)},
		{seg(filters.SegSet, 21001)},
	}
	s := filters.DefaultSettings()
	for _, p := range paths {
		str := bgp.AsPathString(asPathAttr(p))
		v := filters.Evaluate(filters.Route{Prefix: mustPrefix("45.1.0.0/24"), ASPath: p}, &s, &filters.Peer{ASN: 21001})
		if re.MatchString(str) != v.Has(filters.ReasonASSetInPath) {
			t.Errorf("path %q (GoBGP %q): pattern matches %v, evaluator rejects %v", p, str, re.MatchString(str), v.Has(filters.ReasonASSetInPath))
		}
	}
}

// TestASSetRejectedLive: a static-prefix peer (no as_set, so no origin
// check catches a set at the end) sends UPDATEs with AS_SETs exactly as
// given; GoBGP must reject them with reason 1001 and never propagate them,
// while a clean path of the same peer is propagated.
func TestASSetRejectedLive(t *testing.T) {
	rs := startRS(t, fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "STATE"

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
prefixes = ["45.1.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
prefixes = ["45.9.0.0/16+"]
`, addr7(1), addr7(2), addr7(3)), nil)
	ctx := context.Background()
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: addr7(3), Address: addr7(3), RSAddr: addr7(1), RSPort: 179, RSASN: 21000})
	if err := b.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: addr7(2), Address: addr7(2), RSAddr: addr7(1), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	nh := netip.MustParseAddr(addr7(2))
	seq := func(a ...uint32) filters.Segment { return filters.Segment{Type: filters.SegSequence, ASNs: a} }
	set := func(a ...uint32) filters.Segment { return filters.Segment{Type: filters.SegSet, ASNs: a} }
	clean := filters.Route{Prefix: mustPrefix("45.1.2.0/24"), NextHop: nh, ASPath: filters.ASPath{seq(21001, 21010)}}
	atOrigin := filters.Route{Prefix: mustPrefix("45.1.1.0/24"), NextHop: nh, ASPath: filters.ASPath{seq(21001), set(21010, 21011)}}
	midPath := filters.Route{Prefix: mustPrefix("45.1.3.0/24"), NextHop: nh, ASPath: filters.ASPath{seq(21001), set(21010), seq(21011)}}
	if err := a.Announce(atOrigin, midPath, clean); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "b to receive the clean path", func() bool {
		got, err := b.ReceivedSet(ctx)
		_, ok := got[clean.Prefix]
		return err == nil && ok
	})
	waitFor(t, 10*time.Second, "the store to hold all three", func() bool { return rs.Store().Counts("a").Received == 3 })
	time.Sleep(500 * time.Millisecond) // a wrongly propagated route would arrive by now
	got, err := b.ReceivedSet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []filters.Route{atOrigin, midPath} {
		if _, ok := got[r.Prefix]; ok {
			t.Errorf("%s with path %q propagated to b", r.Prefix, r.ASPath)
		}
	}
	want := map[netip.Prefix]string{
		atOrigin.Prefix: "AS_SET {21010,21011} in AS path (RFC 9774)",
		midPath.Prefix:  "AS_SET {21010} in AS path (RFC 9774)",
	}
	for p, detail := range want {
		e, ok := rs.Store().Get("a", routestoreKey(p))
		if !ok || len(e.Verdict.Rejections) != 1 || e.Verdict.Rejections[0].Reason != filters.ReasonASSetInPath || e.Verdict.Rejections[0].Detail != detail {
			t.Errorf("store verdict for %s: %v %+v, want only as_set_in_path %q", p, ok, e.Verdict, detail)
		}
	}
	if e, ok := rs.Store().Get("a", routestoreKey(clean.Prefix)); !ok || !e.Verdict.Accepted() {
		t.Errorf("clean path: %v %+v", ok, e.Verdict)
	}
}
