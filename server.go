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
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/graph"
)

// config is the server's configuration: each flag has an environment variable.
type config struct {
	addr  string
	dsn   string
	token string
}

func parseConfig(args []string) (config, error) {
	fs := flag.NewFlagSet("diplomacy-timeline", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.addr, "addr", envOr("ADDR", ":8080"), "listen address (env ADDR)")
	fs.StringVar(&c.dsn, "db", envOr("DATABASE_URL", "diplomacy.db"), "SQLite file, or a postgres:// URL (env DATABASE_URL)")
	fs.StringVar(&c.token, "token", os.Getenv("API_TOKEN"), "bearer token that mutations need; writes are refused without one (env API_TOKEN)")
	return c, fs.Parse(args)
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(log)
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

	store, err := db.Open(ctx, cfg.dsn, db.Options{Logger: log})
	if err != nil {
		return err
	}
	defer store.Close()

	if cfg.token == "" {
		log.Warn("no API token configured: mutations are refused; set --token or API_TOKEN to allow writes")
	}
	srv := &http.Server{
		Addr:              cfg.addr,
		Handler:           graph.NewHandler(store, graph.Options{Token: cfg.token, Logger: log}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", cfg.addr, "db", redact(cfg.dsn))
		errc <- srv.ListenAndServe()
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
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
