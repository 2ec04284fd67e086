package table

import (
	"fmt"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
)

func ipv6TestPath(i int, med uint32, withdraw bool) *Path {
	nlri := bgp.NewIPv6AddrPrefix(48, fmt.Sprintf("2a0a:4580:%x::", i))
	attrs := []bgp.PathAttributeInterface{
		bgp.NewPathAttributeOrigin(0),
		bgp.NewPathAttributeAsPath([]bgp.AsPathParamInterface{bgp.NewAs4PathParam(bgp.BGP_ASPATH_ATTR_TYPE_SEQ, []uint32{21001})}),
		bgp.NewPathAttributeMpReachNLRI("2a0a:4580::1", []bgp.AddrPrefixInterface{nlri}),
		bgp.NewPathAttributeMultiExitDisc(med),
	}
	return NewPath(nil, nlri, withdraw, attrs, time.Now(), false)
}

// TestPackIPv6UnicastByAttributes: IPv6 unicast paths with equal
// attributes share MP_REACH_NLRIs, withdrawals share MP_UNREACH_NLRIs,
// every message fits in 4096 octets and every prefix arrives once with
// its own attributes.
func TestPackIPv6UnicastByAttributes(t *testing.T) {
	const n = 3000
	var paths []*Path
	for i := 0; i < n; i++ {
		paths = append(paths, ipv6TestPath(i, uint32(i%2), false))
	}
	for i := n; i < n+1000; i++ {
		paths = append(paths, ipv6TestPath(i, 0, true))
	}
	paths = append(paths, NewEOR(bgp.RF_IPv6_UC))
	msgs, skipped := CreateUpdateMsgFromPathsSkipping(paths)
	if len(skipped) != 0 {
		t.Fatalf("%d paths skipped", len(skipped))
	}
	announced := map[string]uint32{}
	withdrawn := map[string]bool{}
	for i, m := range msgs {
		b, err := m.Serialize()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(b) > bgp.BGP_MAX_MESSAGE_LENGTH {
			t.Fatalf("message %d: %d octets", i, len(b))
		}
		parsed, err := bgp.ParseBGPMessage(b)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		u := parsed.Body.(*bgp.BGPUpdate)
		if eor, _ := u.IsEndOfRib(); eor {
			if i != len(msgs)-1 {
				t.Errorf("End-of-RIB is message %d of %d", i, len(msgs))
			}
			continue
		}
		var med uint32
		for _, a := range u.PathAttributes {
			if a, ok := a.(*bgp.PathAttributeMultiExitDisc); ok {
				med = a.Value
			}
		}
		for _, a := range u.PathAttributes {
			switch a := a.(type) {
			case *bgp.PathAttributeMpReachNLRI:
				if a.Nexthop.String() != "2a0a:4580::1" {
					t.Errorf("next hop %s", a.Nexthop)
				}
				for _, p := range a.Value {
					if _, dup := announced[p.String()]; dup {
						t.Errorf("%s announced twice", p)
					}
					announced[p.String()] = med
				}
			case *bgp.PathAttributeMpUnreachNLRI:
				for _, p := range a.Value {
					withdrawn[p.String()] = true
				}
			}
		}
	}
	if len(announced) != n || len(withdrawn) != 1000 {
		t.Fatalf("%d announced, %d withdrawn; want %d, 1000", len(announced), len(withdrawn), n)
	}
	for i := 0; i < n; i++ {
		if med := announced[fmt.Sprintf("2a0a:4580:%x::/48", i)]; med != uint32(i%2) {
			t.Fatalf("prefix %d: MED %d", i, med)
		}
	}
	// 3000 /48s (7 octets each) in two attribute sets and 1000 withdrawals:
	// 6 + 2 messages when full, plus the End-of-RIB
	if len(msgs) > 10 {
		t.Errorf("%d messages", len(msgs))
	}
	t.Logf("%d paths → %d messages", len(paths), len(msgs))
}
