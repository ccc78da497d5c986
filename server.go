// Command diplomacy-timeline serves the GraphQL API for the timeline of diplomacy.
//
//	go run .                      # http://localhost:8080/playground
//	go run . --addr :9000 --db /var/lib/diplomacy.db --token s3cret
package main

//go:generate go tool gqlgen generate

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/httpapi"
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

func parseConfig(args []string) (config, error) {
	fs := flag.NewFlagSet("diplomacy-timeline", flag.ContinueOnError)
	var c config
	d := limits.Default()
	fs.StringVar(&c.addr, "addr", envOr("ADDR", ":8080"), "listen address (env ADDR)")
	fs.StringVar(&c.dsn, "db", envOr("DATABASE_URL", "diplomacy.db"), "SQLite file, or a postgres:// URL (env DATABASE_URL)")
	fs.StringVar(&c.token, "token", os.Getenv("API_TOKEN"), "bearer token that mutations need; writes are refused without one (env API_TOKEN)")
	fs.IntVar(&c.limits.MaxDepth, "max-depth", envInt("MAX_DEPTH", d.MaxDepth), "deepest selection nesting (env MAX_DEPTH)")
	fs.IntVar(&c.limits.MaxComplexity, "max-complexity", envInt("MAX_COMPLEXITY", d.MaxComplexity), "query cost budget: a connection costs its page size times its selection (env MAX_COMPLEXITY)")
	fs.IntVar(&c.limits.MaxAliases, "max-aliases", envInt("MAX_ALIASES", d.MaxAliases), "aliased fields per operation (env MAX_ALIASES)")
	fs.IntVar(&c.limits.MaxRootFields, "max-root-fields", envInt("MAX_ROOT_FIELDS", d.MaxRootFields), "top-level fields per operation (env MAX_ROOT_FIELDS)")
	fs.IntVar(&c.limits.MaxStreams, "max-streams", envInt("MAX_STREAMS", d.MaxStreams), "websockets and event streams a client IP may hold open at once (env MAX_STREAMS)")
	fs.IntVar(&c.limits.MaxSubscriptions, "max-subscriptions", envInt("MAX_SUBSCRIPTIONS", d.MaxSubscriptions), "subscriptions open at once on one websocket (env MAX_SUBSCRIPTIONS)")
	fs.IntVar(&c.limits.MaxFields, "max-fields", envInt("MAX_FIELDS", d.MaxFields), "fields per operation, fragments expanded wherever spread (env MAX_FIELDS)")
	fs.IntVar(&c.limits.MaxTokens, "max-tokens", envInt("MAX_TOKENS", d.MaxTokens), "lexer tokens per document (env MAX_TOKENS)")
	fs.Int64Var(&c.limits.MaxBodyBytes, "max-body-bytes", int64(envInt("MAX_BODY_BYTES", int(d.MaxBodyBytes))), "request body size (env MAX_BODY_BYTES)")
	fs.DurationVar(&c.limits.Timeout, "timeout", envDuration("REQUEST_TIMEOUT", d.Timeout), "deadline of one request, down to the database (env REQUEST_TIMEOUT)")
	fs.Float64Var(&c.limits.Rate, "rate", envFloat("RATE_LIMIT", d.Rate), "requests per second per client IP; 0 turns it off (env RATE_LIMIT)")
	fs.IntVar(&c.limits.Burst, "burst", envInt("RATE_BURST", d.Burst), "requests a client may make at once (env RATE_BURST)")
	fs.Float64Var(&c.limits.MutationRate, "mutation-rate", envFloat("MUTATION_RATE_LIMIT", d.MutationRate), "mutations per second per client IP; 0 turns it off (env MUTATION_RATE_LIMIT)")
	fs.IntVar(&c.limits.MutationBurst, "mutation-burst", envInt("MUTATION_BURST", d.MutationBurst), "mutations a client may make at once (env MUTATION_BURST)")
	fs.BoolVar(&c.limits.TrustProxy, "trust-proxy", envBool("TRUST_PROXY", false), "take the client IP from X-Forwarded-For, set by a reverse proxy in front (env TRUST_PROXY)")
	fs.BoolVar(&c.noIntrospection, "no-introspection", envBool("NO_INTROSPECTION", false), "turn schema introspection and \"did you mean\" suggestions off (env NO_INTROSPECTION)")
	fs.IntVar(&c.dbMaxConns, "db-max-conns", envInt("DB_MAX_CONNS", 0), "database connection pool size: SQLite readers (default 8) or PostgreSQL connections (default 20) (env DB_MAX_CONNS)")
	fs.StringVar(&c.publicURL, "public-url", os.Getenv("PUBLIC_URL"), "the server's address as its users reach it (https://timeline.example), for links in exports; by default the request's own (env PUBLIC_URL)")
	origins := fs.String("cors-origins", os.Getenv("CORS_ORIGINS"), "comma-separated browser origins allowed to call /graphql; none by default (env CORS_ORIGINS)")
	if err := fs.Parse(args); err != nil {
		return c, err
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

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// envInt, envFloat, envBool and envDuration read a default from the environment; a value
// that does not parse keeps the built-in default (the flag can still override it).
func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func envFloat(key string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(key), 64); err == nil {
		return f
	}
	return def
}

func envBool(key string, def bool) bool {
	if b, err := strconv.ParseBool(os.Getenv(key)); err == nil {
		return b
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(log)
	if len(os.Args) > 1 && os.Args[1] == "generate" {
		if err := generate(os.Args[2:], log); err != nil && !errors.Is(err, flag.ErrHelp) {
			log.Error("generate failed", "err", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && (os.Args[1] == "export" || os.Args[1] == "import") {
		os.Exit(datasetCommand(os.Args[1], os.Args[2:], log))
	}
	cfg, err := parseConfig(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err == nil {
		err = run(cfg, log)
	}
	if err != nil {
		log.Error("exiting", "err", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then stops taking new requests and lets the ones in
// flight finish (for up to 30 seconds).
func run(cfg config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	store, err := db.Open(ctx, cfg.dsn, db.Options{Logger: log, MaxConns: cfg.dbMaxConns})
	if err != nil {
		return err
	}
	defer store.Close()

	if cfg.token == "" {
		log.Warn("no API token configured: mutations are refused; set --token or API_TOKEN to allow writes")
	}
	srv := &http.Server{
		Addr: cfg.addr,
		Handler: httpapi.NewHandler(store, httpapi.Options{Token: cfg.token, Logger: log, Limits: cfg.limits,
			NoIntrospection: cfg.noIntrospection, CORSOrigins: cfg.corsOrigins, PublicURL: cfg.publicURL}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.limits.Timeout + 5*time.Second,
		IdleTimeout:       120 * time.Second,
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", redact(cfg.dsn))
	return serve(ctx, srv, ln, 30*time.Second, log)
}

// serve serves on ln until ctx is done, then stops accepting connections and waits up to
// grace for the requests in flight to finish.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// redact hides the password of a database URL in logs.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return dsn
}
