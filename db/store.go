// Package db stores the domain in SQLite (the embedded default) or PostgreSQL through
// GORM: opening and migrating the database, the default dataset, and every query. All
// SQL of the application lives here.
package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"diplomacy-timeline/model"
)

// Store is the data access layer. It is safe for concurrent use.
type Store struct {
	gdb     *gorm.DB
	dialect dialect
	log     *slog.Logger
	queries atomic.Int64
}

// Options tune Open.
type Options struct {
	// Logger receives database diagnostics; slog.Default() when nil.
	Logger *slog.Logger
	// NoDataset skips loading the default dataset into an empty database (tests use it
	// to start from nothing but the countries).
	NoDataset bool
}

// Open opens (creating if need be) the database named by dsn — a SQLite file path, or a
// postgres:// URL — migrates it to the current schema and, unless opts.NoDataset, loads
// the default dataset if it was never loaded.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	var dial gorm.Dialector
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.dialect = dialectPostgres
		dial = postgres.Open(dsn)
	} else {
		s.dialect = dialectSQLite
		registerSQLite()
		dial = sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: sqliteDSN(dsn)})
	}
	gdb, err := gorm.Open(dial, &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	s.gdb = gdb
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if s.dialect == dialectSQLite {
		// One writer at a time is SQLite's rule; _txlock=immediate and the busy timeout
		// make writers queue instead of failing, and WAL lets readers go on meanwhile.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	} else {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.registerCallbacks(); err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if !opts.NoDataset {
		if err := s.loadDefaultDataset(ctx); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
	}
	return s, nil
}

// sqliteDSN turns a file path into a DSN with the settings the store relies on: WAL,
// foreign keys, a busy timeout and immediate write transactions.
func sqliteDSN(path string) string {
	params := "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL"
	if strings.Contains(path, "?") {
		return path + "&" + params
	}
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	return path + "?" + params
}

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.gdb.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.gdb.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Queries returns how many SQL statements this store has run; tests use it to prove that
// batching works.
func (s *Store) Queries() int64 { return s.queries.Load() }

// read returns a handle for a read in ctx.
func (s *Store) read(ctx context.Context) *gorm.DB {
	return s.gdb.WithContext(ctx)
}

// write runs fn in one transaction: it commits if fn returns nil and rolls back otherwise,
// so a failed mutation changes nothing.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return translate(fn(tx))
	})
}

// translate turns constraint violations the database reports into domain errors; other
// errors pass through (and are shown to clients as INTERNAL).
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return model.Errorf(model.ECONFLICT, "a record with this unique value already exists")
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return model.Errorf(model.ECONFLICT, "the change would break a reference between records")
	}
	return err
}

type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)
