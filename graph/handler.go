package graph

import (
	"bytes"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"diplomacy-timeline/db"
)

// Options configure the HTTP surface.
type Options struct {
	// Token is the bearer token mutations need; empty refuses every mutation.
	Token string
	// Logger receives request logs and error details; slog.Default() when nil.
	Logger *slog.Logger
}

// NewGraphQL returns the GraphQL handler alone (no loaders or auth middleware), with
// error presentation, panic recovery and the mutation guard installed.
func NewGraphQL(store *db.Store, opts Options) *handler.Server {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: store}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.AroundOperations(requireTokenForMutations(opts.Token != ""))
	srv.AroundFields(prefetchRoot)
	srv.SetErrorPresenter(errorPresenter(log))
	srv.SetRecoverFunc(recoverFunc(log))
	return srv
}

// NewHandler returns the whole HTTP surface: /graphql, /playground, /schema.graphql,
// /healthz, /readyz, /metrics and /, with request logging and metrics.
func NewHandler(store *db.Store, opts Options) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	gql := NewGraphQL(store, opts)
	mux := http.NewServeMux()
	mux.Handle("/graphql", instrument("/graphql", Authenticate(opts.Token, WithLoaders(store, gql))))
	mux.Handle("GET /playground", instrument("/playground", playground.Handler("diplomacy-timeline", "/graphql")))
	mux.Handle("GET /schema.graphql", instrument("/schema.graphql", schemaHandler()))
	mux.Handle("GET /healthz", instrument("/healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})))
	mux.Handle("GET /readyz", instrument("/readyz", readyHandler(store)))
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.Handle("GET /{$}", instrument("/", http.HandlerFunc(index)))
	return logRequests(log, mux)
}

// schemaHandler serves the schema as SDL.
func schemaHandler() http.Handler {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithComments()).FormatSchema(NewExecutableSchema(Config{}).Schema())
	sdl := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(sdl)
	})
}

// readyHandler answers 200 when the database answers within two seconds, 503 otherwise.
func readyHandler(store *db.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := contextWithTimeout(r, 2*time.Second)
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

// index points a person who opens the root at the playground until the dashboard lands.
func index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>diplomacy-timeline</title></head>
<body><h1>diplomacy-timeline</h1><p>A GraphQL API for the timeline of diplomacy.</p>
<ul><li><a href="/playground">GraphiQL playground</a></li><li><a href="/schema.graphql">Schema (SDL)</a></li>
<li>API endpoint: <code>/graphql</code></li></ul></body></html>`))
}
