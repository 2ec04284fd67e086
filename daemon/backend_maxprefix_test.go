package daemon

import (
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/routeserver"
)

// TestMaxPrefixEventCarriesCounts: issue 10 saw "0/0 routes" in the
// max-prefix event; the API event now carries the family, limit, count,
// action, evidence and contacts of the sanction.
func TestMaxPrefixEventCarriesCounts(t *testing.T) {
	got := maxPrefixSanction(routeserver.Sanction{Family: "ipv4", Limit: 3, Count: 4, Action: config.MaxPrefixRestart,
		RestartAfter: 2 * time.Second, Detail: "limit 3 IPv4 routes reached: 4 accepted (action restart)",
		ContactNOC: "noc@a.example.net", ContactAbuse: "abuse@a.example.net"})
	want := apiserver.MaxPrefixSanction{Family: "ipv4", Limit: 3, Received: 4, Action: "restart", RestartAfter: 2 * time.Second,
		Detail: "limit 3 IPv4 routes reached: 4 accepted (action restart)", ContactNOC: "noc@a.example.net", ContactAbuse: "abuse@a.example.net"}
	if *got != want {
		t.Errorf("got %+v, want %+v", *got, want)
	}
}

// TestMaxPrefixStatusToAPI: limits, counts and the last sanction reach the
// API's peer.
func TestMaxPrefixStatusToAPI(t *testing.T) {
	at := time.Unix(1700000000, 0)
	got := toAPIMaxPrefix(routeserver.MaxPrefixStatus{Limits: [2]uint32{3, 0},
		Policy:  config.MaxPrefix{Action: config.MaxPrefixBlock, RestartAfter: time.Minute, WarnPercent: 90},
		Counted: [2]int{3, 1}, Blocked: [2]int{2, 0}, Last: &routeserver.Sanction{Time: at, Detail: "limit 3 IPv4 routes reached (action block)"}})
	if got.Limits != [2]uint32{3, 0} || got.Action != "block" || got.RestartAfter != 0 || got.Counted != [2]uint64{3, 1} ||
		got.Blocked != [2]uint64{2, 0} || got.LastSanction != "limit 3 IPv4 routes reached (action block)" || !got.LastSanctionTime.Equal(at) ||
		got.WarnPercent != 90 {
		t.Errorf("got %+v", got)
	}
}
