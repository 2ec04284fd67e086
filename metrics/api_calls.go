package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"
)

// APICalls counts finished control API calls by method and status code:
// the one metric that is counted as it happens, as calls leave no state
// to read at scrape time.
type APICalls struct{ vec *prometheus.CounterVec }

// NewAPICalls returns the rsguard_api_calls_total counter.
func NewAPICalls() *APICalls {
	return &APICalls{vec: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rsguard_api_calls_total",
		Help: "Control API calls by gRPC method and status code."}, []string{"method", "code"})}
}

// Observe counts one call (apiserver.WithCallObserver).
func (a *APICalls) Observe(method string, code codes.Code) {
	a.vec.WithLabelValues(method, code.String()).Inc()
}

func (a *APICalls) Describe(ch chan<- *prometheus.Desc) { a.vec.Describe(ch) }
func (a *APICalls) Collect(ch chan<- prometheus.Metric) { a.vec.Collect(ch) }
