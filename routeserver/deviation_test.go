package routeserver

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// The TestDeviation* tests pin what GoBGP v3.37.0 does today with input
// that the RFCs say must be handled otherwise; docs/bgp-input-deviations.md
// lists each with its RFC section. They assert the CURRENT (deviating)
// behaviour on purpose: when a GoBGP upgrade fixes one, its test fails,
// and the doc row must move to "conforming" and the test be inverted.
// None of them can be corrected from outside GoBGP: the route server only
// sees decoded messages, after GoBGP has acted on them.

// RFC 4760 §7: an MP_REACH_NLRI the speaker finds incorrect (here: an
// AFI/SAFI that was not negotiated) means deleting that AFI/SAFI's routes
// and ignoring it for the session, or at most a reset with UPDATE Message
// Error / Optional Attribute Error (3/9). Error code 0 is not defined
// (RFC 4271 §4.5). ValidateAttribute returns NewMessageError(0, 0, ...)
// for a family missing from the negotiated rfMap, and the session is reset
// with NOTIFICATION 0/0.
func TestDeviationUnnegotiatedFamilyResetsWith00(t *testing.T) {
	ib := newInputBench(t)
	o := defaultOpen()
	o.params = capParam(capMP(1, 1), capAS4(wireASN), capability(2, nil)) // IPv4 unicast only
	if _, n := ib.openSender(o); n != nil {
		t.Fatalf("correct OPEN refused: %s", n)
	}
	ib.a.establish()
	waitState(t, ib.rs, "a", "ESTABLISHED")

	p := netip.MustParsePrefix("2a0a:4580:10::/48")
	attrs := [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN)), attrMPReachV6("2a0a:4580::2", p)}
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, attrs, nil)))
	n := ib.a.expectNotification(10 * time.Second)
	if n.code != 0 || n.subcode != 0 {
		t.Fatalf("NOTIFICATION %s, GoBGP v3.37.0 sends 0/0: update docs/bgp-input-deviations.md", n)
	}
	// What rsguard can do: say why (onFamilyViolation, from GoBGP's log).
	waitFor(t, 10*time.Second, "peer a's last error to name the family reset", func() bool {
		for _, p := range ib.rs.Peers() {
			if p.Name == "a" {
				return strings.HasPrefix(p.LastError, familyResetPrefix) && strings.Contains(p.LastError, "invalid_afi")
			}
		}
		return false
	})
}
