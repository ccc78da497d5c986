// Command diplomacy-timeline serves the GraphQL API for the timeline of diplomacy, and
// imports, exports and generates its databases (commands.go lists the commands).
//
//	go run .                      # http://localhost:8080/playground
//	go run . --addr :9000 --db /var/lib/diplomacy.db --token s3cret
//	go run . help
package main

//go:generate go tool gqlgen generate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/httpapi"
)

// run serves until SIGINT or SIGTERM, then stops taking new requests, ends the streams
// (websockets and event streams) at once and lets the other requests in flight finish (for
// up to 30 seconds).
func run(cfg config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	store, err := db.Open(ctx, cfg.dsn, db.Options{Logger: log, MaxConns: cfg.dbMaxConns, Seed: dataset.LoadDefault})
	if err != nil {
		return err
	}
	defer store.Close()

	if cfg.token == "" {
		log.Warn("no API token configured: mutations are refused; set --token or API_TOKEN to allow writes")
	}
	streams := httpapi.NewStreams()
	srv := &http.Server{
		Addr: cfg.addr,
		Handler: httpapi.NewHandler(store, httpapi.Options{Token: cfg.token, Logger: log, Limits: cfg.limits,
			NoIntrospection: cfg.noIntrospection, CORSOrigins: cfg.corsOrigins, PublicURL: cfg.publicURL,
			Streams: streams}),
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
	return serve(ctx, srv, streams, ln, 30*time.Second, log)
}

// serve serves on ln until ctx is done, then stops accepting connections, ends the
// handler's streams at once and waits up to grace for the other requests in flight to
// finish, and for the streams' handlers to return. A stream ends only when its client
// goes: left open, one held the shutdown for all of grace, which then failed. streams may
// be nil, for a handler without any.
func serve(ctx context.Context, srv *http.Server, streams *httpapi.Streams, ln net.Listener, grace time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: ending streams, finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	ended := make(chan error, 1)
	go func() {
		if streams == nil {
			ended <- nil
			return
		}
		// Websockets are hijacked connections, which Shutdown neither ends nor waits for:
		// Close waits until each has sent its close frame and returned.
		ended <- streams.Close(shutdownCtx)
	}()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if err := errors.Join(shutdownErr, <-ended); err != nil {
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
