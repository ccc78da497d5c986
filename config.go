package main

import (
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"diplomacy-timeline/limits"
)

// config is the server's configuration: each flag has an environment variable.
type config struct {
	addr            string
	dsn             string
	token           string
	limits          limits.Config
	noIntrospection bool
	dbMaxConns      int
	corsOrigins     []string
	publicURL       string
}

// parseConfig reads the serve command's flags over its environment variables. A value that
// does not parse, from either, is an error naming it: a typo in a deployment's
// environment stops the server instead of quietly running it with a default.
func parseConfig(args []string) (config, error) {
	fs := newFlags("serve")
	c := config{limits: limits.Default()}
	fs.StringVar(&c.addr, "addr", ":8080", "listen address")
	fs.env("addr", "ADDR")
	fs.dbFlag(&c.dsn, "SQLite file, or a postgres:// URL")
	fs.StringVar(&c.token, "token", "", "bearer token that mutations need; writes are refused without one")
	fs.env("token", "API_TOKEN")
	numbers := limitFlags(&c)
	for _, f := range numbers {
		fs.declare(f)
	}
	fs.BoolVar(&c.noIntrospection, "no-introspection", false, "turn schema introspection and \"did you mean\" suggestions off")
	fs.env("no-introspection", "NO_INTROSPECTION")
	fs.StringVar(&c.publicURL, "public-url", "", "the server's address as its users reach it (https://timeline.example), for links in exports; by default the request's own")
	fs.env("public-url", "PUBLIC_URL")
	origins := fs.String("cors-origins", "", "comma-separated browser origins allowed to call /graphql; none by default")
	fs.env("cors-origins", "CORS_ORIGINS")
	if err := fs.parse(args); err != nil {
		return c, err
	}
	for _, f := range numbers {
		if negative(f.value) {
			return c, fmt.Errorf("%s must not be negative", fs.describe(f.flag))
		}
	}
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return c, fmt.Errorf("--public-url %q: want an absolute http(s) URL such as https://timeline.example", c.publicURL)
		}
		c.publicURL = strings.TrimRight(u.String(), "/")
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.corsOrigins = append(c.corsOrigins, o)
		}
	}
	return c, nil
}

// limitFlag is one of serve's flags that sets a limit: its name, its environment
// variable, where its value goes (an *int, *int64, *float64, *time.Duration or *bool,
// whose value before parsing is the flag's default) and its usage.
type limitFlag struct {
	flag, env string
	value     any
	usage     string
}

// limitFlags lists the flags of c's limits, with the database's pool size, which is one
// too: in one table, so that each is declared, bound to its variable and checked for a
// negative value alike. Their defaults are the values c holds (limits.Default()).
func limitFlags(c *config) []limitFlag {
	l := &c.limits
	return []limitFlag{
		{"max-depth", "MAX_DEPTH", &l.MaxDepth, "deepest selection nesting"},
		{"max-complexity", "MAX_COMPLEXITY", &l.MaxComplexity, "query cost budget: a connection costs its page size times its selection"},
		{"max-aliases", "MAX_ALIASES", &l.MaxAliases, "aliased fields per operation"},
		{"max-root-fields", "MAX_ROOT_FIELDS", &l.MaxRootFields, "top-level fields per operation"},
		{"max-streams", "MAX_STREAMS", &l.MaxStreams, "websockets and event streams a client IP may hold open at once"},
		{"max-streams-total", "MAX_STREAMS_TOTAL", &l.MaxStreamsTotal, "websockets and event streams the whole server holds open at once"},
		{"ws-init-timeout", "WS_INIT_TIMEOUT", &l.WebsocketInitTimeout, "how long a websocket may wait to send connection_init before it is closed (4408)"},
		{"max-fragments", "MAX_FRAGMENTS", &l.MaxFragments, "fragment definitions per document"},
		{"max-directives", "MAX_DIRECTIVES", &l.MaxDirectives, "directives per document, fragments expanded wherever spread"},
		{"max-values", "MAX_VALUES", &l.MaxValues, "argument values per document (list items and input fields each one), fragments expanded wherever spread"},
		{"max-in-flight", "MAX_IN_FLIGHT", &l.MaxInFlight, "requests a client IP may have in flight at once; more wait behind their own, up to their deadline"},
		{"max-subscriptions", "MAX_SUBSCRIPTIONS", &l.MaxSubscriptions, "subscriptions open at once on one websocket"},
		{"max-fields", "MAX_FIELDS", &l.MaxFields, "fields per operation, fragments expanded wherever spread"},
		{"max-tokens", "MAX_TOKENS", &l.MaxTokens, "lexer tokens per document"},
		{"max-body-bytes", "MAX_BODY_BYTES", &l.MaxBodyBytes, "request body size in bytes"},
		{"timeout", "REQUEST_TIMEOUT", &l.Timeout, "deadline of one request, down to the database"},
		{"query-cache-bytes", "QUERY_CACHE_BYTES", &l.QueryCacheBytes, "heap the cache of parsed documents may take, in bytes (estimated)"},
		{"apq-cache-bytes", "APQ_CACHE_BYTES", &l.APQCacheBytes, "bytes the cache of automatic persisted queries may take"},
		{"max-cached-query-bytes", "MAX_CACHED_QUERY_BYTES", &l.MaxCachedQueryBytes, "longest query, in bytes, that the caches keep: a longer one is parsed each time and not kept as a persisted query"},
		{"rate", "RATE_LIMIT", &l.Rate, "requests per second per client IP; 0 turns it off"},
		{"burst", "RATE_BURST", &l.Burst, "requests a client may make at once"},
		{"mutation-rate", "MUTATION_RATE_LIMIT", &l.MutationRate, "mutations per second per client IP; 0 turns it off"},
		{"mutation-burst", "MUTATION_BURST", &l.MutationBurst, "mutations a client may make at once"},
		{"trust-proxy", "TRUST_PROXY", &l.TrustProxy, "take the client IP from X-Forwarded-For, set by a reverse proxy in front"},
		{"db-max-conns", "DB_MAX_CONNS", &c.dbMaxConns, "database connection pool size: SQLite readers (default 8) or PostgreSQL connections (default 20)"},
	}
}

// declare declares a limit's flag, with the value it points to as the default, and binds
// it to its variable.
func (f *flags) declare(l limitFlag) {
	switch v := l.value.(type) {
	case *int:
		f.IntVar(v, l.flag, *v, l.usage)
	case *int64:
		f.Int64Var(v, l.flag, *v, l.usage)
	case *float64:
		f.Float64Var(v, l.flag, *v, l.usage)
	case *time.Duration:
		f.DurationVar(v, l.flag, *v, l.usage)
	case *bool:
		f.BoolVar(v, l.flag, *v, l.usage)
	default:
		panic(fmt.Sprintf("--%s: a limit flag of type %T", l.flag, l.value))
	}
	f.env(l.flag, l.env)
}

// negative reports whether a limit is below zero, which no limit may be: zero already
// means the default, or no rate limit. A rate that is not a number, or of 2^63 or more,
// is refused too: the check of rates as whole numbers, which it replaces, took those for
// negative.
func negative(value any) bool {
	switch v := value.(type) {
	case *int:
		return *v < 0
	case *int64:
		return *v < 0
	case *float64:
		return !(*v >= 0 && *v < math.MaxInt64)
	case *time.Duration:
		return *v < 0
	}
	return false
}

// flags is a command's flag set whose flags may each be set by an environment variable
// too; a flag on the command line wins over its variable.
type flags struct {
	*flag.FlagSet
	vars map[string]string // flag name → environment variable
	from map[string]string // flag name → the variable that set it, for messages
}

func newFlags(command string) *flags {
	return &flags{FlagSet: flag.NewFlagSet(command, flag.ContinueOnError), vars: map[string]string{}, from: map[string]string{}}
}

// env binds the flag to an environment variable, and says so in its usage.
func (f *flags) env(name, variable string) {
	f.vars[name] = variable
	f.Lookup(name).Usage += " (env " + variable + ")"
}

// dbFlag declares --db, the database every command opens, bound to DATABASE_URL.
func (f *flags) dbFlag(dst *string, usage string) {
	f.StringVar(dst, "db", "diplomacy.db", usage)
	f.env("db", "DATABASE_URL")
}

// parse reads the command line, then the environment for the flags the command line left
// unset. A variable whose value its flag does not take is an error naming the variable
// and what the flag takes.
func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return err
	}
	onCommandLine := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { onCommandLine[fl.Name] = true })
	names := make([]string, 0, len(f.vars))
	for name := range f.vars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		variable := f.vars[name]
		v, ok := os.LookupEnv(variable)
		if !ok || v == "" || onCommandLine[name] {
			continue
		}
		if err := f.Set(name, v); err != nil {
			return fmt.Errorf("environment variable %s=%q: --%s takes %s", variable, v, name, kindOf(f.Lookup(name)))
		}
		f.from[name] = variable
	}
	return nil
}

// describe names where a flag's value came from: "--rate" or "RATE_LIMIT (--rate)".
func (f *flags) describe(name string) string {
	if variable, ok := f.from[name]; ok {
		return variable + " (--" + name + ")"
	}
	return "--" + name
}

// kindOf says what values a flag takes, for error messages.
func kindOf(fl *flag.Flag) string {
	g, ok := fl.Value.(flag.Getter)
	if !ok {
		return "a value"
	}
	switch g.Get().(type) {
	case bool:
		return "true or false (also 1 or 0)"
	case int, int64, uint, uint64:
		return "a whole number"
	case float64:
		return "a number (0 turns a rate limit off)"
	case time.Duration:
		return "a duration such as 10s or 1m30s"
	}
	return "a value"
}
