package graph

import (
	"bytes"
	"log/slog"
	"net/url"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	gqlparser "github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"diplomacy-timeline/db"
	"diplomacy-timeline/limits"
)

// Options configure the GraphQL server.
type Options struct {
	// TokenSet says whether the server has an API token; without one, the refusal of a
	// mutation says how to set one.
	TokenSet bool
	// Logger receives error details; slog.Default() when nil.
	Logger *slog.Logger
	// Limits bound the cost of operations.
	Limits limits.Config
	// NoIntrospection turns schema introspection off, and with it "did you mean"
	// suggestions in errors, which would leak the schema too.
	NoIntrospection bool
	// WebsocketOrigins lists the browser origins (https://dash.example) besides the
	// server's own that may open a websocket.
	WebsocketOrigins []string
	// Requests is the per-client request budget, which every operation on a websocket
	// takes a token of, as a request of its own would; nil is no limit.
	Requests *limits.Budget
}

// NewGraphQL returns the GraphQL handler with its transports, error presentation, panic
// recovery, the limits and the mutation guard installed. It expects each request's context
// to carry loaders (WithLoaders) and what the transport knows of its caller (caller.go).
func NewGraphQL(store *db.Store, opts Options) *handler.Server {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	lim := opts.Limits.WithDefaults()
	// The schema clients validate against and introspect: without gqlgen's directives.
	cfg := Config{Resolvers: &Resolver{Store: store}, Schema: publicSchema()}
	complexity(&cfg.Complexity)
	es := NewExecutableSchema(cfg)
	srv := handler.New(es)
	// Subscriptions: graphql-transport-ws (and the older graphql-ws) over websocket, and
	// server-sent events. A browser may open a websocket only from this server's own
	// origin or a configured one, which stops cross-site websocket hijacking; each
	// websocket is guarded (websocket.go): an init timeout, and ids that stay the client's.
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: limits.KeepAliveInterval,
		Implementation: guardedWebsockets{initTimeout: lim.WebsocketInitTimeout,
			WebsocketImplementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
				OriginPatterns: originHosts(opts.WebsocketOrigins),
			}}},
	})
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: limits.KeepAliveInterval})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	queries := newQueryCache(lim.QueryCacheBytes, lim.MaxCachedQueryBytes)
	srv.SetQueryCache(validatedFirst{queries})
	srv.SetParserTokenLimit(lim.MaxTokens)
	// prevalidate parses and validates each document before gqlgen, and hands it every
	// one it validated (validatedFirst), so gqlgen's own validation does not run; should
	// it, it takes the same rules.
	srv.SetValidationRulesFn(func() *rules.Rules { return validationRules(!opts.NoIntrospection) })
	if opts.NoIntrospection {
		srv.SetDisableSuggestion(true)
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: newAPQCache(lim.APQCacheBytes, lim.MaxCachedQueryBytes)})
	srv.Use(prevalidate{shape: shapeLimit{limits: lim, noIntrospection: opts.NoIntrospection},
		schema: es.Schema(), cache: queries, tokens: lim.MaxTokens, suggest: !opts.NoIntrospection})
	srv.AroundResponses(answerErrors)
	srv.AroundOperations(answerTimeouts)
	srv.Use(&complexityLimit{max: lim.MaxComplexity})
	srv.AroundOperations(requireTokenForMutations(opts.TokenSet))
	srv.AroundOperations(limitSockets(opts.Requests, lim.MaxSubscriptions, lim.Timeout))
	srv.AroundOperations(subscriptionsStream)
	srv.AroundOperations(limitMutations(limits.NewBudget(lim.MutationRate, lim.MutationBurst)))
	srv.AroundResponses(freshLoadersPerEvent(store))
	srv.AroundFields(aroundField)
	srv.SetErrorPresenter(errorPresenter(log))
	srv.SetRecoverFunc(recoverFunc(log))
	return srv
}

// originHosts turns allowed origins (https://dash.example) into the host patterns the
// websocket library matches.
func originHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
}

// SDL returns the schema as a client sees it, as SDL with its descriptions.
func SDL() []byte {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithComments()).FormatSchema(publicSchema())
	return buf.Bytes()
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
