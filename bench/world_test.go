// Package bench measures the GraphQL API on synthetic worlds of 10k and 200k sessions,
// on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL, each benchmark beside its
// floor: the same answer fetched with hand-written SQL through database/sql and encoded
// with encoding/json.
//
//	go test ./bench -run '^$' -bench . -benchmem -benchtime=2s
//	BENCH_SESSIONS=10000 go test ./bench -run '^$' -bench . -benchmem
//	TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./bench -run '^$' -bench . -benchmem
//
// Worlds are generated once (seed 1) and cached: SQLite files under
// $TMPDIR/diplomacy-bench/, PostgreSQL databases named bench_<sessions>_seed1. A cached
// world records a fingerprint of the code that shaped it (the schema's migrations and the
// generator); when that code changes, the world is made again.
package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/mattn/go-sqlite3"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dbtest"
	"diplomacy-timeline/db/synth"
	"diplomacy-timeline/httpapi"
)

// seed of every benchmark world.
const seed = 1

// quiet discards the logs of stores and handlers.
var quiet = slog.New(slog.DiscardHandler)

// sizes returns the world sizes to benchmark: BENCH_SESSIONS (a comma list), or 10k and
// 200k.
func sizes(tb testing.TB) []int {
	tb.Helper()
	spec := os.Getenv("BENCH_SESSIONS")
	if strings.TrimSpace(spec) == "" {
		spec = "10000,200000"
	}
	var out []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			tb.Fatalf("BENCH_SESSIONS: %q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out
}

// backends returns the backends to benchmark: SQLite always, PostgreSQL when
// TEST_DATABASE_URL is set.
func backends() []string {
	if dbtest.Postgres() {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// env is one world on one backend, opened: the store behind the real HTTP handler, and
// a plain database/sql handle on the same database for the floors.
type env struct {
	backend  string
	sessions int
	store    *db.Store
	handler  http.Handler
	sql      *sql.DB
	pg       bool

	busyOnce sync.Once // busySession
	busySlug string
	busyErr  error
}

var (
	envsMu sync.Mutex
	envs   = map[string]*env{}
)

// world returns the opened world of n sessions on backend, generating it the first time.
// Worlds stay open for the life of the test binary.
func world(tb testing.TB, backend string, n int) *env {
	tb.Helper()
	envsMu.Lock()
	defer envsMu.Unlock()
	key := fmt.Sprintf("%s/%d", backend, n)
	if e, ok := envs[key]; ok {
		return e
	}
	ctx := context.Background()
	var dsn string
	var err error
	switch backend {
	case "sqlite":
		dsn, err = sqliteWorld(ctx, n)
	case "postgres":
		dsn, err = postgresWorld(ctx, n)
	default:
		err = fmt.Errorf("unknown backend %q", backend)
	}
	if err != nil {
		tb.Fatalf("world %s: %v", key, err)
	}
	store, err := db.Open(ctx, dsn, db.Options{NoDataset: true, Logger: quiet})
	if err != nil {
		tb.Fatalf("world %s: open: %v", key, err)
	}
	e := &env{backend: backend, sessions: n, store: store, handler: httpapi.NewHandler(store, httpapi.Options{Logger: quiet})}
	if backend == "postgres" {
		e.pg = true
		e.sql, err = sql.Open("pgx", dsn)
		if err == nil {
			e.sql.SetMaxOpenConns(20)
			e.sql.SetMaxIdleConns(20)
		}
	} else {
		e.sql, err = sql.Open(floorSQLiteDriver, "file:"+dsn+"?_journal_mode=WAL&_foreign_keys=on&_query_only=true")
		if err == nil {
			e.sql.SetMaxOpenConns(8)
			e.sql.SetMaxIdleConns(8)
		}
	}
	if err == nil {
		err = e.sql.PingContext(ctx)
	}
	if err != nil {
		tb.Fatalf("world %s: open floor handle: %v", key, err)
	}
	envs[key] = e
	return e
}

// generate fills the empty database at dsn with the world of n sessions.
func generate(ctx context.Context, dsn string, n int) error {
	store, err := db.Open(ctx, dsn, db.Options{NoDataset: true, Logger: quiet})
	if err != nil {
		return err
	}
	began := time.Now()
	stats, err := synth.Generate(ctx, store, synth.Options{Sessions: n, Seed: seed})
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: generated %d sessions (%d timeline entries, %d rows) in %.1fs\n",
		stats.Sessions, stats.Entries, stats.Rows, time.Since(began).Seconds())
	return nil
}

// sqliteWorld returns the path of the cached SQLite world of n sessions, generating it
// into a temporary file that is renamed into place only once complete, so an interrupted
// run never leaves half a world behind.
func sqliteWorld(ctx context.Context, n int) (string, error) {
	dir := filepath.Join(os.TempDir(), "diplomacy-bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("world-%d-seed%d.db", n, seed))
	if _, err := os.Stat(path); err == nil {
		if v, err := sqliteUserVersion(path); err == nil && (fingerprint() == "" || v == fingerprintVersion()) {
			return path, nil
		}
		fmt.Fprintf(os.Stderr, "bench: %s was made by other code; making it again\n", path)
	}
	tmp := filepath.Join(dir, fmt.Sprintf("world-%d-seed%d.db.tmp-%d", n, seed, os.Getpid()))
	removeSQLite(tmp)
	defer removeSQLite(tmp)
	if err := generate(ctx, tmp, n); err != nil {
		return "", err
	}
	// Closing the store checkpointed its WAL; fold anything left into the main file
	// before it moves, since a -wal file does not follow a rename.
	if err := seal(tmp); err != nil {
		return "", err
	}
	removeSQLite(path)
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	return path, nil
}

// seal records the fingerprint in the SQLite file at path (as its user_version, which the
// store does not use), folds its WAL into it and switches it out of WAL mode, leaving a
// single self-contained file.
func seal(path string) error {
	conn, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Exec(fmt.Sprintf("PRAGMA user_version = %d; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE", fingerprintVersion()))
	return err
}

// sqliteUserVersion returns the user_version of the SQLite file at path.
func sqliteUserVersion(path string) (int32, error) {
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var v int32
	err = conn.QueryRow("PRAGMA user_version").Scan(&v)
	return v, err
}

// fingerprintVersion is the fingerprint as a positive 31-bit number, for user_version.
func fingerprintVersion() int32 {
	fp := fingerprint()
	if fp == "" {
		return 0
	}
	v, _ := strconv.ParseUint(fp[:8], 16, 32)
	return int32(v & 0x7fffffff)
}

// fingerprint identifies the code that shapes a world: the migrations with the dialects'
// types, the generator with the bulk load it writes with, and the timeline-entry rules,
// read from the module's sources (the benchmarks run in the bench directory). It is ""
// when the sources cannot be read, and then any cached world is taken as it is.
var fingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	for _, f := range []string{"db/migrate.go", "db/dialect_sqlite.go", "db/dialect_postgres.go", "db/synth/generate.go",
		"db/synth/write.go", "db/bulk.go", "db/bulkload.go", "model/facts.go"} {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			return ""
		}
		h.Write(b)
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:16]
})

func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}

// postgresWorld returns the URL of the cached PostgreSQL world of n sessions: a database
// bench_<n>_seed<seed> on the server of TEST_DATABASE_URL. It is generated into a
// temporary database that is renamed once complete; an existing database is reused when
// it holds the whole world.
func postgresWorld(ctx context.Context, n int) (string, error) {
	base := os.Getenv(dbtest.EnvURL)
	name := fmt.Sprintf("bench_%d_seed%d", n, seed)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	dsn, err := withDatabase(base, name)
	if err != nil {
		return "", err
	}
	var exists bool
	if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		var comment sql.NullString
		err := admin.QueryRowContext(ctx, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name).Scan(&comment)
		if err == nil && (fingerprint() == "" || comment.String == "bench world "+fingerprint()) && complete(ctx, dsn, n) {
			return dsn, nil
		}
		fmt.Fprintf(os.Stderr, "bench: database %s is incomplete or was made by other code; making it again\n", name)
		if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return "", fmt.Errorf("drop %s: %w", name, err)
		}
	}
	tmp := fmt.Sprintf("%s_tmp%d", name, os.Getpid())
	if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+tmp); err != nil {
		return "", fmt.Errorf("create database %s: %w", tmp, err)
	}
	tmpDSN, err := withDatabase(base, tmp)
	if err != nil {
		return "", err
	}
	if err := generate(ctx, tmpDSN, n); err != nil {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)")
		return "", err
	}
	if _, err := admin.ExecContext(ctx, "COMMENT ON DATABASE "+tmp+" IS 'bench world "+fingerprint()+"'"); err != nil {
		return "", err
	}
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name); err != nil {
		return "", fmt.Errorf("rename %s: %w", tmp, err)
	}
	return dsn, nil
}

// complete reports whether the database at dsn holds the generated world of n sessions.
func complete(ctx context.Context, dsn string, n int) bool {
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		return false
	}
	defer conn.Close()
	var mark string
	var count int
	err = conn.QueryRowContext(ctx, "SELECT value, (SELECT COUNT(*) FROM sessions) FROM settings WHERE key = 'default_dataset_loaded'").Scan(&mark, &count)
	return err == nil && mark == "generated" && count == n
}

// withDatabase returns the URL base with its database replaced by name.
func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("%s: %w", dbtest.EnvURL, err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", errors.New(dbtest.EnvURL + " must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

// floorSQLiteDriver is mattn's SQLite driver with the one SQL function the search floor
// needs: the store ranks full-text matches with its own BM25 function, so the floor
// registers the same one (db.RankFTS) to return the same order.
const floorSQLiteDriver = "sqlite3_bench_floor"

func init() {
	sql.Register(floorSQLiteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		return c.RegisterFunc("bench_rank", db.RankFTS, true)
	}})
}
