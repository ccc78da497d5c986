package main

import (
	"flag"
	"fmt"
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
	var c config
	d := limits.Default()
	fs.StringVar(&c.addr, "addr", ":8080", "listen address")
	fs.env("addr", "ADDR")
	fs.dbFlag(&c.dsn, "SQLite file, or a postgres:// URL")
	fs.StringVar(&c.token, "token", "", "bearer token that mutations need; writes are refused without one")
	fs.env("token", "API_TOKEN")
	fs.IntVar(&c.limits.MaxDepth, "max-depth", d.MaxDepth, "deepest selection nesting")
	fs.env("max-depth", "MAX_DEPTH")
	fs.IntVar(&c.limits.MaxComplexity, "max-complexity", d.MaxComplexity, "query cost budget: a connection costs its page size times its selection")
	fs.env("max-complexity", "MAX_COMPLEXITY")
	fs.IntVar(&c.limits.MaxAliases, "max-aliases", d.MaxAliases, "aliased fields per operation")
	fs.env("max-aliases", "MAX_ALIASES")
	fs.IntVar(&c.limits.MaxRootFields, "max-root-fields", d.MaxRootFields, "top-level fields per operation")
	fs.env("max-root-fields", "MAX_ROOT_FIELDS")
	fs.IntVar(&c.limits.MaxStreams, "max-streams", d.MaxStreams, "websockets and event streams a client IP may hold open at once")
	fs.env("max-streams", "MAX_STREAMS")
	fs.IntVar(&c.limits.MaxSubscriptions, "max-subscriptions", d.MaxSubscriptions, "subscriptions open at once on one websocket")
	fs.env("max-subscriptions", "MAX_SUBSCRIPTIONS")
	fs.IntVar(&c.limits.MaxFields, "max-fields", d.MaxFields, "fields per operation, fragments expanded wherever spread")
	fs.env("max-fields", "MAX_FIELDS")
	fs.IntVar(&c.limits.MaxTokens, "max-tokens", d.MaxTokens, "lexer tokens per document")
	fs.env("max-tokens", "MAX_TOKENS")
	fs.Int64Var(&c.limits.MaxBodyBytes, "max-body-bytes", d.MaxBodyBytes, "request body size in bytes")
	fs.env("max-body-bytes", "MAX_BODY_BYTES")
	fs.DurationVar(&c.limits.Timeout, "timeout", d.Timeout, "deadline of one request, down to the database")
	fs.env("timeout", "REQUEST_TIMEOUT")
	fs.Float64Var(&c.limits.Rate, "rate", d.Rate, "requests per second per client IP; 0 turns it off")
	fs.env("rate", "RATE_LIMIT")
	fs.IntVar(&c.limits.Burst, "burst", d.Burst, "requests a client may make at once")
	fs.env("burst", "RATE_BURST")
	fs.Float64Var(&c.limits.MutationRate, "mutation-rate", d.MutationRate, "mutations per second per client IP; 0 turns it off")
	fs.env("mutation-rate", "MUTATION_RATE_LIMIT")
	fs.IntVar(&c.limits.MutationBurst, "mutation-burst", d.MutationBurst, "mutations a client may make at once")
	fs.env("mutation-burst", "MUTATION_BURST")
	fs.BoolVar(&c.limits.TrustProxy, "trust-proxy", false, "take the client IP from X-Forwarded-For, set by a reverse proxy in front")
	fs.env("trust-proxy", "TRUST_PROXY")
	fs.BoolVar(&c.noIntrospection, "no-introspection", false, "turn schema introspection and \"did you mean\" suggestions off")
	fs.env("no-introspection", "NO_INTROSPECTION")
	fs.IntVar(&c.dbMaxConns, "db-max-conns", 0, "database connection pool size: SQLite readers (default 8) or PostgreSQL connections (default 20)")
	fs.env("db-max-conns", "DB_MAX_CONNS")
	fs.StringVar(&c.publicURL, "public-url", "", "the server's address as its users reach it (https://timeline.example), for links in exports; by default the request's own")
	fs.env("public-url", "PUBLIC_URL")
	origins := fs.String("cors-origins", "", "comma-separated browser origins allowed to call /graphql; none by default")
	fs.env("cors-origins", "CORS_ORIGINS")
	if err := fs.parse(args); err != nil {
		return c, err
	}
	for _, n := range []struct {
		flag  string
		value int64
	}{
		{"max-depth", int64(c.limits.MaxDepth)}, {"max-complexity", int64(c.limits.MaxComplexity)},
		{"max-aliases", int64(c.limits.MaxAliases)}, {"max-root-fields", int64(c.limits.MaxRootFields)},
		{"max-streams", int64(c.limits.MaxStreams)}, {"max-subscriptions", int64(c.limits.MaxSubscriptions)},
		{"max-fields", int64(c.limits.MaxFields)}, {"max-tokens", int64(c.limits.MaxTokens)},
		{"max-body-bytes", c.limits.MaxBodyBytes}, {"timeout", int64(c.limits.Timeout)},
		{"rate", int64(c.limits.Rate)}, {"burst", int64(c.limits.Burst)},
		{"mutation-rate", int64(c.limits.MutationRate)}, {"mutation-burst", int64(c.limits.MutationBurst)},
		{"db-max-conns", int64(c.dbMaxConns)},
	} {
		if n.value < 0 || (n.flag == "rate" && c.limits.Rate < 0) || (n.flag == "mutation-rate" && c.limits.MutationRate < 0) {
			return c, fmt.Errorf("%s must not be negative", fs.describe(n.flag))
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
