// Package metrics exports rsguard's state to Prometheus. The collector
// reads the daemon's read side (the same data `rsctl peers --json` shows)
// at scrape time instead of keeping counters of its own, so the numbers
// cannot drift from the API; only API calls are counted as they happen.
package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rsguard/rsguard/apiserver"
)

// Snapshot is what one scrape reads.
type Snapshot struct {
	Peers []apiserver.Peer
	// Advertised counts routes exported per peer and family; nil when
	// [metrics] advertised is off.
	Advertised map[string]map[string]uint64
	IRR        []apiserver.IRRStatus
	RPKI       *apiserver.RPKIStatus // nil: not read
}

// Source gives a snapshot; the daemon implements it.
type Source interface {
	MetricsSnapshot(ctx context.Context) (Snapshot, error)
}

// scrapeTimeout bounds one scrape's read of the daemon.
const scrapeTimeout = 10 * time.Second

var (
	peerUp = prometheus.NewDesc("rsguard_peer_up",
		"1 if the BGP session is established.", []string{"peer"}, nil)
	peerState = prometheus.NewDesc("rsguard_peer_state",
		"1 for the session's current BGP FSM state (RFC 4271 8.2.2), 0 for the others.", []string{"peer", "state"}, nil)
	peerDisabled = prometheus.NewDesc("rsguard_peer_admin_disabled",
		"1 if the peer is administratively disabled.", []string{"peer"}, nil)
	peerUptime = prometheus.NewDesc("rsguard_peer_uptime_seconds",
		"Time since the session was established; 0 unless established.", []string{"peer"}, nil)
	peerRoutes = prometheus.NewDesc("rsguard_peer_routes",
		"Routes of the peer by family and view: received (Adj-RIB-In before policy), accepted, rejected, advertised (exported to it).",
		[]string{"peer", "family", "view"}, nil)
	peerRejected = prometheus.NewDesc("rsguard_peer_rejected_routes",
		"Rejected routes of the peer by family and reason (a route with several reasons counts once per reason).",
		[]string{"peer", "family", "reason"}, nil)
	peerDampened = prometheus.NewDesc("rsguard_peer_dampened_routes",
		"Routes of the peer suppressed by RFC 2439 dampening now (or that would be, in observe mode).", []string{"peer"}, nil)
	maxPrefixLimit = prometheus.NewDesc("rsguard_peer_max_prefix_limit",
		"The peer's configured max-prefix limit per family (absent when unlimited).", []string{"peer", "family", "action"}, nil)
	maxPrefixCount = prometheus.NewDesc("rsguard_peer_max_prefix_routes",
		"Routes counting toward the max-prefix limit now.", []string{"peer", "family"}, nil)
	maxPrefixUsage = prometheus.NewDesc("rsguard_peer_max_prefix_usage_ratio",
		"Counted routes divided by the limit (1 = at the limit).", []string{"peer", "family"}, nil)
	irrEntries = prometheus.NewDesc("rsguard_irr_list_entries",
		"Size of the peer's IRR data in force: origins (ASNs of the AS-SET), prefixes_ipv4, prefixes_ipv6.", []string{"peer", "list"}, nil)
	irrLastRefresh = prometheus.NewDesc("rsguard_irr_last_refresh_timestamp_seconds",
		"Unix time of the last successful IRR refresh.", []string{"peer"}, nil)
	irrAge = prometheus.NewDesc("rsguard_irr_age_seconds",
		"Age of the IRR data in force.", []string{"peer"}, nil)
	irrLastOK = prometheus.NewDesc("rsguard_irr_last_refresh_success",
		"1 if the last IRR refresh attempt succeeded, 0 if it failed or is held back by the safety brake.", []string{"peer"}, nil)
)

// Collector turns a Snapshot into metrics at each scrape.
type Collector struct {
	src Source
	now func() time.Time
}

// NewCollector reads src at each scrape.
func NewCollector(src Source) *Collector { return &Collector{src: src, now: time.Now} }

// Describe sends nothing: the collector is unchecked, as its label values
// (peers, reasons) follow the config.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	snap, err := c.src.MetricsSnapshot(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(peerUp, err)
		return
	}
	now := c.now()
	for _, p := range snap.Peers {
		collectPeer(ch, p, snap.Advertised[p.Name])
	}
	for _, st := range snap.IRR {
		collectIRR(ch, st, now)
	}
	collectRPKI(ch, snap.RPKI, now)
}

func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

var familyNames = [2]string{"ipv4", "ipv6"}

func collectPeer(ch chan<- prometheus.Metric, p apiserver.Peer, advertised map[string]uint64) {
	gauge(ch, peerUp, boolValue(p.State == apiserver.PeerStateEstablished), p.Name)
	for s := apiserver.PeerStateIdle; s <= apiserver.PeerStateEstablished; s++ {
		gauge(ch, peerState, boolValue(p.State == s), p.Name, s.String())
	}
	gauge(ch, peerDisabled, boolValue(p.Disabled), p.Name)
	var uptime float64
	if p.State == apiserver.PeerStateEstablished && !p.StateSince.IsZero() {
		uptime = time.Since(p.StateSince).Seconds()
	}
	gauge(ch, peerUptime, uptime, p.Name)
	for _, f := range p.Families {
		gauge(ch, peerRoutes, float64(f.Received), p.Name, f.Family, "received")
		gauge(ch, peerRoutes, float64(f.Accepted), p.Name, f.Family, "accepted")
		gauge(ch, peerRoutes, float64(f.Rejected), p.Name, f.Family, "rejected")
		if advertised != nil {
			gauge(ch, peerRoutes, float64(advertised[f.Family]), p.Name, f.Family, "advertised")
		}
		for reason, n := range f.ByReason {
			gauge(ch, peerRejected, float64(n), p.Name, f.Family, reason)
		}
	}
	gauge(ch, peerDampened, float64(p.Flaps.Suppressed), p.Name)
	m := p.MaxPrefix
	for i, fam := range familyNames {
		gauge(ch, maxPrefixCount, float64(m.Counted[i]), p.Name, fam)
		if m.Limits[i] == 0 {
			continue
		}
		gauge(ch, maxPrefixLimit, float64(m.Limits[i]), p.Name, fam, m.Action)
		gauge(ch, maxPrefixUsage, float64(m.Counted[i])/float64(m.Limits[i]), p.Name, fam)
	}
}

func collectIRR(ch chan<- prometheus.Metric, st apiserver.IRRStatus, now time.Time) {
	if st.ASSet == "" {
		return
	}
	gauge(ch, irrEntries, float64(st.Counts.Origins), st.Peer, "origins")
	gauge(ch, irrEntries, float64(st.Counts.IPv4Prefixes), st.Peer, "prefixes_ipv4")
	gauge(ch, irrEntries, float64(st.Counts.IPv6Prefixes), st.Peer, "prefixes_ipv6")
	ok := st.HeldBack == nil && (st.LastErrorAt.IsZero() || st.LastRefresh.After(st.LastErrorAt))
	gauge(ch, irrLastOK, boolValue(ok), st.Peer)
	if !st.LastRefresh.IsZero() {
		gauge(ch, irrLastRefresh, float64(st.LastRefresh.UnixNano())/1e9, st.Peer)
		gauge(ch, irrAge, now.Sub(st.LastRefresh).Seconds(), st.Peer)
	}
}
