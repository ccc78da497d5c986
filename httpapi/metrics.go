package httpapi

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	httpRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "diplomacy_http_requests_total",
		Help: "HTTP requests served, by handler, method and status code.",
	}, []string{"handler", "method", "code"})
	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "diplomacy_http_request_duration_seconds",
		Help:    "HTTP request latency, by handler and method.",
		Buckets: prometheus.DefBuckets,
	}, []string{"handler", "method"})
)

// instrument counts and times the requests of one handler, under its name.
func instrument(name string, h http.Handler) http.Handler {
	labels := prometheus.Labels{"handler": name}
	return promhttp.InstrumentHandlerDuration(httpDuration.MustCurryWith(labels),
		promhttp.InstrumentHandlerCounter(httpRequests.MustCurryWith(labels), h))
}
