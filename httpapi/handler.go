// Package httpapi is the HTTP surface: the mux, the net/http middleware every request
// passes (chain.go), health and readiness, metrics, the schema, and the mounting of the
// GraphQL endpoint (graph), the timeline exports (export), the dashboard (web) and
// GraphiQL (graphiql).
package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"

	"diplomacy-timeline/db"
	"diplomacy-timeline/export"
	"diplomacy-timeline/graph"
	"diplomacy-timeline/graphiql"
	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
	"diplomacy-timeline/web"
)

// Options configure the HTTP surface.
type Options struct {
	// Token is the bearer token mutations need; empty refuses every mutation.
	Token string
	// Logger receives request logs and error details; slog.Default() when nil.
	Logger *slog.Logger
	// Limits bound the cost of requests; zero shape limits take their defaults and zero
	// rates turn rate limiting off.
	Limits limits.Config
	// NoIntrospection turns schema introspection off, and with it "did you mean"
	// suggestions in errors, which would leak the schema too, and /schema.graphql.
	NoIntrospection bool
	// CORSOrigins lists the browser origins allowed to call /graphql; none when empty.
	CORSOrigins []string
	// PublicURL is the server's address as its users reach it (https://timeline.example),
	// for the links exports carry; when empty, each request's own scheme and host.
	PublicURL string
	// Streams, when set, are the handler's open websockets and event streams, for the
	// server to end when it shuts down (Streams.Close); when nil, the handler keeps its
	// own, which end only when their clients go.
	Streams *Streams
}

// NewHandler returns the whole HTTP surface: /graphql, /playground, /schema.graphql,
// /dataset.schema.json, /healthz, /readyz, /metrics, the timeline exports under /export/,
// and the dashboard at / with its /assets/.
func NewHandler(store *db.Store, opts Options) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	lim := opts.Limits.WithDefaults()
	requests := limits.NewBudget(lim.Rate, lim.Burst)
	gql := graph.NewGraphQL(store, graph.Options{
		TokenSet:         opts.Token != "",
		Logger:           log,
		Limits:           lim,
		NoIntrospection:  opts.NoIntrospection,
		WebsocketOrigins: opts.CORSOrigins,
		Requests:         requests,
	})

	mux := http.NewServeMux()
	mux.Handle("/graphql", instrument("/graphql", graphqlChain(store, gql, requests, lim, opts)))
	// GraphiQL reads query and variables from its URL: the dashboard's "open in playground".
	ide := instrument("/playground", graphiql.Handler("diplomacy-timeline", "/graphql", "/playground"))
	mux.Handle("GET /playground", ide)
	mux.Handle("GET /playground/assets/", ide)
	if !opts.NoIntrospection { // a server that hides its schema hides its SDL too
		mux.Handle("GET /schema.graphql", instrument("/schema.graphql", static("text/plain; charset=utf-8", graph.SDL())))
	}
	// The JSON Schema of `export`/`import` files.
	mux.Handle("GET /dataset.schema.json", instrument("/dataset.schema.json", static("application/schema+json", model.DatasetSchema)))
	mux.Handle("GET /healthz", instrument("/healthz", static("text/plain; charset=utf-8", []byte("ok\n"))))
	mux.Handle("GET /readyz", instrument("/readyz", readyHandler(store)))
	mux.Handle("GET /metrics", promhttp.Handler())
	dashboard := web.Handler()
	mux.Handle("GET /{$}", instrument("/", dashboard))
	mux.Handle("GET /assets/", instrument("/assets/", dashboard))
	// Pages without an icon of their own (GraphiQL) get the dashboard's.
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/assets/icon.svg", http.StatusMovedPermanently))
	mountExports(mux, store, log, lim, opts)
	return chain(mux, logRequests(log), securityHeaders, compress)
}

// graphqlChain is /graphql: the request budget, CORS, the HTTP checks and deadline, the
// status GraphQL middleware may choose, the token, and per-request loaders, in that order.
func graphqlChain(store *db.Store, gql http.Handler, requests *limits.Budget, lim limits.Config, opts Options) http.Handler {
	streams := opts.Streams
	if streams == nil {
		streams = NewStreams()
	}
	mws := []middleware{
		func(next http.Handler) http.Handler { return rateLimit(requests, lim.TrustProxy, next) },
	}
	if len(opts.CORSOrigins) > 0 {
		mws = append(mws, cors.New(cors.Options{
			AllowedOrigins: opts.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Content-Type", "Authorization"},
			MaxAge:         600,
		}).Handler)
	}
	mws = append(mws,
		checkOrigin(opts.CORSOrigins),
		func(next http.Handler) http.Handler { return guardGraphQL(lim, streams, next) },
		newInFlight(lim.MaxInFlight).limit,
		overridable,
		func(next http.Handler) http.Handler { return authenticate(opts.Token, next) },
		func(next http.Handler) http.Handler { return graph.WithLoaders(store, next) },
	)
	return chain(gql, mws...)
}

// mountExports adds the /export/ endpoints: each rate-limited per client with a budget of
// its own, of the same size as /graphql's, and, when origins are configured, CORS for GET.
func mountExports(mux *http.ServeMux, store *db.Store, log *slog.Logger, lim limits.Config, opts Options) {
	budget := limits.NewBudget(lim.Rate, lim.Burst)
	exports := export.New(store, export.Options{Logger: log, Timeout: lim.Timeout, TrustProxy: lim.TrustProxy, PublicURL: opts.PublicURL})
	wrap := func(h http.Handler) http.Handler {
		if len(opts.CORSOrigins) > 0 {
			h = cors.New(cors.Options{
				AllowedOrigins: opts.CORSOrigins,
				AllowedMethods: []string{http.MethodGet, http.MethodHead},
				ExposedHeaders: export.ExposedHeaders,
				MaxAge:         600,
			}).Handler(h)
		}
		return rateLimit(budget, lim.TrustProxy, h)
	}
	for _, path := range exports.Paths() {
		mux.Handle(path, instrument(path, wrap(exports)))
	}
	mux.Handle("/export/", instrument("/export/", exports))
}

// static serves fixed bytes.
func static(contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	})
}

// readyHandler answers 200 when the database answers within limits.ReadyTimeout, 503
// otherwise.
func readyHandler(store *db.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), limits.ReadyTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := store.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
}
