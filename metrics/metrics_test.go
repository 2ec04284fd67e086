package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/rpki"
	"google.golang.org/grpc/codes"
)

type fakeSource struct {
	snap Snapshot
	err  error
}

func (f fakeSource) MetricsSnapshot(context.Context) (Snapshot, error) { return f.snap, f.err }

// TestCollectorExportsSnapshot: every number of a snapshot appears under
// its documented name and labels, in the Prometheus text format.
func TestCollectorExportsSnapshot(t *testing.T) {
	now := time.Now()
	snap := Snapshot{
		Peers: []apiserver.Peer{{
			Name: "a", State: apiserver.PeerStateEstablished, StateSince: now.Add(-time.Hour),
			Families: []apiserver.PeerFamilyCounts{
				{Family: "ipv4", Received: 5, Accepted: 3, Rejected: 2, ByReason: map[string]uint64{"bogon_prefix": 2}},
				{Family: "ipv6", Received: 1, Accepted: 1},
			},
			Flaps:     apiserver.PeerFlapCounters{Suppressed: 4},
			MaxPrefix: apiserver.PeerMaxPrefix{Limits: [2]uint32{10, 0}, Action: "shutdown", Counted: [2]uint64{3, 1}},
		}, {Name: "b", State: apiserver.PeerStateActive, Disabled: true}},
		Advertised: map[string]map[string]uint64{"a": {"ipv4": 7}},
		IRR: []apiserver.IRRStatus{{Peer: "a", ASSet: "AS-A", Counts: apiserver.IRRCounts{Origins: 2, IPv4Prefixes: 30, IPv6Prefixes: 4},
			LastRefresh: now.Add(-time.Minute)}},
		RPKI: &apiserver.RPKIStatus{Enabled: true, VRPs: 12, Sources: []rpki.SourceStatus{{Kind: "file", Name: "vrps.json", VRPs: 12, Fresh: true, Updated: now.Add(-10 * time.Minute)}}},
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(fakeSource{snap: snap}))
	want := `
# HELP rsguard_peer_routes Routes of the peer by family and view: received (Adj-RIB-In before policy), accepted, rejected, advertised (exported to it).
# TYPE rsguard_peer_routes gauge
rsguard_peer_routes{family="ipv4",peer="a",view="accepted"} 3
rsguard_peer_routes{family="ipv4",peer="a",view="advertised"} 7
rsguard_peer_routes{family="ipv4",peer="a",view="received"} 5
rsguard_peer_routes{family="ipv4",peer="a",view="rejected"} 2
rsguard_peer_routes{family="ipv6",peer="a",view="accepted"} 1
rsguard_peer_routes{family="ipv6",peer="a",view="advertised"} 0
rsguard_peer_routes{family="ipv6",peer="a",view="received"} 1
rsguard_peer_routes{family="ipv6",peer="a",view="rejected"} 0
# HELP rsguard_peer_rejected_routes Rejected routes of the peer by family and reason (a route with several reasons counts once per reason).
# TYPE rsguard_peer_rejected_routes gauge
rsguard_peer_rejected_routes{family="ipv4",peer="a",reason="bogon_prefix"} 2
# HELP rsguard_peer_up 1 if the BGP session is established.
# TYPE rsguard_peer_up gauge
rsguard_peer_up{peer="a"} 1
rsguard_peer_up{peer="b"} 0
# HELP rsguard_peer_admin_disabled 1 if the peer is administratively disabled.
# TYPE rsguard_peer_admin_disabled gauge
rsguard_peer_admin_disabled{peer="a"} 0
rsguard_peer_admin_disabled{peer="b"} 1
# HELP rsguard_peer_dampened_routes Routes of the peer suppressed by RFC 2439 dampening now (or that would be, in observe mode).
# TYPE rsguard_peer_dampened_routes gauge
rsguard_peer_dampened_routes{peer="a"} 4
rsguard_peer_dampened_routes{peer="b"} 0
# HELP rsguard_peer_max_prefix_limit The peer's configured max-prefix limit per family (absent when unlimited).
# TYPE rsguard_peer_max_prefix_limit gauge
rsguard_peer_max_prefix_limit{action="shutdown",family="ipv4",peer="a"} 10
# HELP rsguard_peer_max_prefix_usage_ratio Counted routes divided by the limit (1 = at the limit).
# TYPE rsguard_peer_max_prefix_usage_ratio gauge
rsguard_peer_max_prefix_usage_ratio{family="ipv4",peer="a"} 0.3
# HELP rsguard_irr_list_entries Size of the peer's IRR data in force: origins (ASNs of the AS-SET), prefixes_ipv4, prefixes_ipv6.
# TYPE rsguard_irr_list_entries gauge
rsguard_irr_list_entries{list="origins",peer="a"} 2
rsguard_irr_list_entries{list="prefixes_ipv4",peer="a"} 30
rsguard_irr_list_entries{list="prefixes_ipv6",peer="a"} 4
# HELP rsguard_irr_last_refresh_success 1 if the last IRR refresh attempt succeeded, 0 if it failed or is held back by the safety brake.
# TYPE rsguard_irr_last_refresh_success gauge
rsguard_irr_last_refresh_success{peer="a"} 1
# HELP rsguard_rpki_vrps VRPs in force (merged over every source); absent when origin validation is off.
# TYPE rsguard_rpki_vrps gauge
rsguard_rpki_vrps 12
# HELP rsguard_rpki_source_fresh 1 if the RPKI source's data is current (not stale or failed).
# TYPE rsguard_rpki_source_fresh gauge
rsguard_rpki_source_fresh{kind="file",source="vrps.json"} 1
`
	names := []string{"rsguard_peer_routes", "rsguard_peer_rejected_routes", "rsguard_peer_up", "rsguard_peer_admin_disabled",
		"rsguard_peer_dampened_routes", "rsguard_peer_max_prefix_limit", "rsguard_peer_max_prefix_usage_ratio",
		"rsguard_irr_list_entries", "rsguard_irr_last_refresh_success", "rsguard_rpki_vrps", "rsguard_rpki_source_fresh"}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), names...); err != nil {
		t.Fatal(err)
	}
	// values that move with the clock: only their range
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "rsguard_peer_uptime_seconds":
			if v := mf.GetMetric()[0].GetGauge().GetValue(); v < 3600 || v > 3700 {
				t.Errorf("uptime of a %v", v)
			}
		case "rsguard_rpki_source_age_seconds":
			if v := mf.GetMetric()[0].GetGauge().GetValue(); v < 600 || v > 700 {
				t.Errorf("rpki source age %v", v)
			}
			seen["rpki age"] = true
		case "rsguard_irr_age_seconds":
			if v := mf.GetMetric()[0].GetGauge().GetValue(); v < 60 || v > 160 {
				t.Errorf("irr age %v", v)
			}
		case "rsguard_peer_state":
			if n := len(mf.GetMetric()); n != 12 {
				t.Errorf("%d state series, want 6 per peer", n)
			}
		}
	}
	if !seen["rpki age"] {
		t.Error("no rsguard_rpki_source_age_seconds")
	}
}

// A snapshot that cannot be read fails the scrape (promhttp answers 500
// with the error) rather than exporting zeros that look like data.
func TestCollectorReportsSourceError(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(fakeSource{err: errors.New("daemon busy")}))
	if _, err := reg.Gather(); err == nil || !strings.Contains(err.Error(), "daemon busy") {
		t.Fatalf("gather error %v", err)
	}
}

func TestAPICallsCount(t *testing.T) {
	a := NewAPICalls()
	a.Observe("/rsguard.v1.PeerService/ListPeers", codes.OK)
	a.Observe("/rsguard.v1.PeerService/ListPeers", codes.OK)
	a.Observe("/rsguard.v1.PeerService/GetPeer", codes.NotFound)
	if n := testutil.ToFloat64(a.vec.WithLabelValues("/rsguard.v1.PeerService/ListPeers", "OK")); n != 2 {
		t.Errorf("ListPeers OK %v", n)
	}
	if n := testutil.ToFloat64(a.vec.WithLabelValues("/rsguard.v1.PeerService/GetPeer", "NotFound")); n != 1 {
		t.Errorf("GetPeer NotFound %v", n)
	}
}
