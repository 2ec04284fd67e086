package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rsguard/rsguard/apiserver"
)

var (
	rpkiVRPs = prometheus.NewDesc("rsguard_rpki_vrps",
		"VRPs in force (merged over every source); absent when origin validation is off.", nil, nil)
	rpkiSourceVRPs = prometheus.NewDesc("rsguard_rpki_source_vrps",
		"VRPs one RPKI source (file, rtr cache, slurm) provides.", []string{"kind", "source"}, nil)
	rpkiSourceFresh = prometheus.NewDesc("rsguard_rpki_source_fresh",
		"1 if the RPKI source's data is current (not stale or failed).", []string{"kind", "source"}, nil)
	rpkiSourceUpdated = prometheus.NewDesc("rsguard_rpki_source_updated_timestamp_seconds",
		"Unix time the RPKI source's VRPs in force were produced (file modification time, or the cache's last End of Data).", []string{"kind", "source"}, nil)
	rpkiSourceAge = prometheus.NewDesc("rsguard_rpki_source_age_seconds",
		"Age of the RPKI source's VRPs in force.", []string{"kind", "source"}, nil)
)

func collectRPKI(ch chan<- prometheus.Metric, st *apiserver.RPKIStatus, now time.Time) {
	if st == nil || !st.Enabled {
		return
	}
	gauge(ch, rpkiVRPs, float64(st.VRPs))
	for _, s := range st.Sources {
		gauge(ch, rpkiSourceVRPs, float64(s.VRPs), s.Kind, s.Name)
		gauge(ch, rpkiSourceFresh, boolValue(s.Fresh), s.Kind, s.Name)
		if !s.Updated.IsZero() {
			gauge(ch, rpkiSourceUpdated, float64(s.Updated.UnixNano())/1e9, s.Kind, s.Name)
			gauge(ch, rpkiSourceAge, now.Sub(s.Updated).Seconds(), s.Kind, s.Name)
		}
	}
}
