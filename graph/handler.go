package graph

import (
	"bytes"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	gqlparser "github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"diplomacy-timeline/db"
	"diplomacy-timeline/graphiql"
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
	Limits Limits
	// NoIntrospection turns schema introspection off, and with it "did you mean"
	// suggestions in errors, which would leak the schema too.
	NoIntrospection bool
	// CORSOrigins lists the browser origins allowed to call /graphql; none when empty.
	CORSOrigins []string
	// PublicURL is the server's address as its users reach it (https://timeline.example),
	// for the links exports carry; when empty, each request's own scheme and host.
	PublicURL string
}

// NewGraphQL returns the GraphQL handler alone (no loaders or auth middleware), with
// error presentation, panic recovery and the mutation guard installed.
func NewGraphQL(store *db.Store, opts Options) *handler.Server {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	limits := opts.Limits.withDefaults()
	// The schema clients validate against and introspect: without gqlgen's directives.
	cfg := Config{Resolvers: &Resolver{Store: store}, Schema: publicSchema()}
	complexity(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	// Subscriptions: graphql-transport-ws (and the older graphql-ws) over websocket, and
	// server-sent events. A browser may open a websocket only from this server's own
	// origin or a configured one, which stops cross-site websocket hijacking.
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
			OriginPatterns: originHosts(opts.CORSOrigins),
		}},
	})
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: 15 * time.Second})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(limits.MaxTokens)
	if opts.NoIntrospection {
		srv.SetDisableSuggestion(true)
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(shapeLimit{limits: limits, noIntrospection: opts.NoIntrospection})
	srv.AroundOperations(answerTimeouts)
	srv.Use(&complexityLimit{max: limits.MaxComplexity})
	srv.AroundOperations(requireTokenForMutations(opts.Token != ""))
	srv.AroundOperations(limitSockets(limits.MaxSubscriptions, limits.Timeout))
	srv.AroundOperations(subscriptionsStream)
	srv.AroundOperations(limitMutations(newClients(limits.MutationRate, limits.MutationBurst)))
	srv.AroundResponses(freshLoadersPerEvent(store))
	srv.AroundFields(aroundField)
	srv.SetErrorPresenter(errorPresenter(log))
	srv.SetRecoverFunc(recoverFunc(log))
	return srv
}

// NewHandler returns the whole HTTP surface: /graphql, /playground, /schema.graphql,
// /healthz, /readyz, /metrics, the timeline exports under /export/, and the dashboard at /
// with its /assets/, with request logging and metrics.
func NewHandler(store *db.Store, opts Options) http.Handler {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	limits := opts.Limits.withDefaults()
	gql := NewGraphQL(store, opts)
	var api http.Handler = Authenticate(opts.Token, WithLoaders(store, gql))
	api = guardGraphQL(limits, overridable(api))
	if len(opts.CORSOrigins) > 0 {
		api = cors.New(cors.Options{
			AllowedOrigins: opts.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Content-Type", "Authorization"},
			MaxAge:         600,
		}).Handler(api)
	}
	api = rateLimit(newClients(limits.Rate, limits.Burst), limits.TrustProxy, api)
	mux := http.NewServeMux()
	mux.Handle("/graphql", instrument("/graphql", api))
	// GraphiQL reads query and variables from its URL: the dashboard's "open in playground".
	ide := instrument("/playground", graphiql.Handler("diplomacy-timeline", "/graphql", "/playground"))
	mux.Handle("GET /playground", ide)
	mux.Handle("GET /playground/assets/", ide)
	if !opts.NoIntrospection { // a server that hides its schema hides its SDL too
		mux.Handle("GET /schema.graphql", instrument("/schema.graphql", schemaHandler()))
	}
	mux.Handle("GET /dataset.schema.json", instrument("/dataset.schema.json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/schema+json")
		_, _ = w.Write(model.DatasetSchema) // the JSON Schema of `export`/`import` files
	})))
	mux.Handle("GET /healthz", instrument("/healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})))
	mux.Handle("GET /readyz", instrument("/readyz", readyHandler(store)))
	mux.Handle("GET /metrics", promhttp.Handler())
	dashboard := web.Handler()
	mux.Handle("GET /{$}", instrument("/", dashboard))
	mux.Handle("GET /assets/", instrument("/assets/", dashboard))
	// Pages without an icon of their own (GraphiQL) get the dashboard's.
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/assets/icon.svg", http.StatusMovedPermanently))
	registerExports(mux, store, log, limits, opts.CORSOrigins, opts.PublicURL)
	return logRequests(log, securityHeaders(compress(mux)))
}

// schemaHandler serves the schema as SDL.
func schemaHandler() http.Handler {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithComments()).FormatSchema(publicSchema())
	sdl := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(sdl)
	})
}

// codegenDirectives are the directives that steer gqlgen's code generation, which are
// nothing to a client.
var codegenDirectives = []string{"goField", "goModel", "goTag", "goExtraField", "goEnum"}

// publicSchema is the schema as a client sees it, in the SDL and by introspection: a copy,
// made once, without the code generator's directives.
var publicSchema = sync.OnceValue(func() *ast.Schema {
	schema := gqlparser.MustLoadSchema(sources...)
	for _, name := range codegenDirectives {
		delete(schema.Directives, name)
	}
	strip := func(list ast.DirectiveList) ast.DirectiveList {
		return slices.DeleteFunc(list, func(d *ast.Directive) bool { return slices.Contains(codegenDirectives, d.Name) })
	}
	for _, def := range schema.Types {
		def.Directives = strip(def.Directives)
		for _, f := range def.Fields {
			f.Directives = strip(f.Directives)
		}
		for _, v := range def.EnumValues {
			v.Directives = strip(v.Directives)
		}
	}
	return schema
})

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
