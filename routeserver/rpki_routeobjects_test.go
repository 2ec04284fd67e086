package routeserver

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

func roaRSConfig(vrpFile string, roas bool) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = "STATE"

[rpki]
files = [%[4]q]
poll = "100ms"
use_roas_as_route_objects = %[5]v

[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
password = "alpha"
prefixes = ["45.1.0.0/16{16,24}"]

[[peers]]
name = "b"
address = "%[3]s"
asn = 21002
password = "bravo"
prefixes = ["45.2.0.0/16{16,24}"]
`, rpkiAddr(11), rpkiAddr(12), rpkiAddr(13), vrpFile, roas)
}

// TestROAsAsRouteObjects: with use_roas_as_route_objects, a route covered
// by a VRP of the peer's own ASN passes the prefix check (12) and reaches
// the other peer; VRPs of other ASNs and AS 0 authorise nothing; removing
// the VRP takes the route back, live; a reload turning the option off
// rejects it again.
func TestROAsAsRouteObjects(t *testing.T) {
	dir := t.TempDir()
	vrpFile := filepath.Join(dir, "vrps.json")
	withROA := vrpJSON(mustVRP("45.7.0.0/16", 24, 21001), mustVRP("45.8.0.0/16", 24, 21099), mustVRP("45.9.0.0/16", 24, 0))
	writeVRPs(t, vrpFile, withROA, time.Now())
	rs := startRS(t, roaRSConfig(vrpFile, true), nil)
	ctx := context.Background()
	b := startSpeaker(t, SpeakerConfig{ASN: 21002, RouterID: rpkiAddr(13), Address: rpkiAddr(13), RSAddr: rpkiAddr(11), RSPort: 179, RSASN: 21000, Password: "bravo"})
	if err := b.WaitEstablished(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	a, err := DialRawPeer(ctx, SpeakerConfig{ASN: 21001, RouterID: rpkiAddr(12), Address: rpkiAddr(12), RSAddr: rpkiAddr(11), RSPort: 179, RSASN: 21000, Password: "alpha"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	nh := rpkiAddr(12)
	if err := a.Announce(route("45.7.1.0/24", nh, 21001), route("45.8.1.0/24", nh, 21001),
		route("45.9.1.0/24", nh, 21001), route("45.1.1.0/24", nh, 21001)); err != nil {
		t.Fatal(err)
	}
	atB := func(step string, want ...string) {
		t.Helper()
		waitFor(t, 20*time.Second, fmt.Sprintf("%s: b to hold exactly %v", step, want), func() bool {
			got, err := b.ReceivedSet(ctx)
			if err != nil || len(got) != len(want) {
				return false
			}
			for _, p := range want {
				if _, ok := got[mustPrefix(p)]; !ok {
					return false
				}
			}
			return true
		})
	}
	reasons := func(p string) string {
		e, _ := rs.Store().Get("a", routestoreKey(mustPrefix(p)))
		var out []string
		for _, r := range e.Verdict.Rejections {
			out = append(out, r.Reason.Name())
		}
		return fmt.Sprint(out)
	}
	atB("option on", "45.7.1.0/24", "45.1.1.0/24")
	waitFor(t, 10*time.Second, "the store's verdicts", func() bool { return rs.Store().Counts("a").Received == 4 })
	for p, want := range map[string]string{
		"45.7.1.0/24": "[]",
		"45.8.1.0/24": "[prefix_not_registered rpki_invalid]",
		"45.9.1.0/24": "[prefix_not_registered rpki_invalid]",
	} {
		if got := reasons(p); got != want {
			t.Errorf("%s: reasons %s, want %s", p, got, want)
		}
	}

	// The VRP goes: the route is no longer registered.
	writeVRPs(t, vrpFile, vrpJSON(mustVRP("45.8.0.0/16", 24, 21099)), time.Now())
	atB("VRP removed", "45.1.1.0/24")
	waitFor(t, 10*time.Second, "45.7.1.0/24 rejected as not registered", func() bool {
		return reasons("45.7.1.0/24") == "[prefix_not_registered]"
	})

	// The VRP is back, but a reload turns the option off.
	writeVRPs(t, vrpFile, withROA, time.Now())
	atB("VRP back", "45.7.1.0/24", "45.1.1.0/24")
	next, err := config.Parse([]byte(roaRSConfig(vrpFile, false)), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	next.Global.StateDir = rs.Config().Global.StateDir
	if _, err := rs.ApplyConfig(ctx, next, nil); err != nil {
		t.Fatal(err)
	}
	atB("option off", "45.1.1.0/24")
	e, _ := rs.Store().Get("a", routestoreKey(mustPrefix("45.7.1.0/24")))
	if !e.Verdict.Has(filters.ReasonPrefixNotRegistered) || e.Verdict.RPKI != rpki.StateValid {
		t.Fatalf("45.7.1.0/24 with the option off: %+v", e.Verdict)
	}
}
