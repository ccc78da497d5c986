// Package db stores the domain in SQLite (the embedded default) or PostgreSQL through
// GORM: opening and migrating the database, loading the default dataset once, and every
// query. The SQL of the application lives here and in the packages below it: db/dataset
// (import and export, and the default dataset as a dataset file) and db/synth (the
// synthetic world).
package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"diplomacy-timeline/model"
)

// Store is the data access layer. It is safe for concurrent use.
type Store struct {
	hub     hub                // subscribers to added timeline entries
	stop    context.CancelFunc // stops the dialect's listener, if it has one
	channel string             // the notification channel (PostgreSQL's)
	gdb     *gorm.DB           // reads
	wdb     *gorm.DB           // writes: the same handle, or with SQLite a single connection
	dialect dialect            // what differs between SQLite and PostgreSQL
	file    *dbFile            // SQLite's database file, checked before writes (file.go)
	log     *slog.Logger
	queries atomic.Int64
}

// Options tune Open.
type Options struct {
	// Logger receives database diagnostics; slog.Default() when nil.
	Logger *slog.Logger
	// Seed fills a new database with the default dataset: dataset.LoadDefault of package
	// db/dataset, which imports its embedded dataset file (db cannot import the package that
	// imports it). Open calls it once, in the transaction that records the
	// default_dataset_loaded marker, and only for a database that never had it and holds no
	// platforms, sessions or officials. Open refuses to start without it unless NoDataset.
	Seed func(ctx context.Context, tx *Tx) error
	// NoDataset skips loading the default dataset into an empty database (tests use it
	// to start from nothing but the countries).
	NoDataset bool
	// MaxConns bounds the connection pool: SQLite's read-only readers (default 8; writes
	// always use one connection) or PostgreSQL's pool (default 20, keep it within the
	// server's max_connections divided by the replicas).
	MaxConns int
}

// Open opens (creating if need be) the database named by dsn — a SQLite file path, or a
// postgres:// URL — migrates it to the current schema and, unless opts.NoDataset, loads
// the default dataset with opts.Seed if it was never loaded.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.Seed == nil && !opts.NoDataset {
		// A silent empty database would pass for a dataset that lost its records.
		return nil, errors.New("open database: no Options.Seed to fill a new database with: pass dataset.LoadDefault (db/dataset), or set NoDataset")
	}
	s := &Store{log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.dialect = dialectOf(dsn)
	if err := s.dialect.open(ctx, s, dsn, opts.MaxConns); err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if !opts.NoDataset {
		if err := s.loadDefaultDataset(ctx, opts.Seed); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// connect opens a GORM handle with a pool of at most maxOpen connections, counting its
// statements.
func (s *Store) connect(dial gorm.Dialector, maxOpen int) (*gorm.DB, error) {
	gdb, err := gorm.Open(dial, &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(maxOpen)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.registerCallbacks(gdb); err != nil {
		return nil, err
	}
	return gdb, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if s.stop != nil {
		s.stop()
	}
	var errs []error
	for i, g := range []*gorm.DB{s.gdb, s.wdb} {
		if g == nil || (i == 1 && s.wdb == s.gdb) {
			continue
		}
		sqlDB, err := g.DB()
		if err == nil {
			err = sqlDB.Close()
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.checkFile(); err != nil {
		return err
	}
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
	if err := s.checkFile(); err != nil {
		return err
	}
	a := &added{}
	var publish []int64
	stmts := context.WithValue(ctx, addedKey{}, a)
	err := s.wdb.WithContext(s.dialect.beginContext(stmts)).Transaction(func(tx *gorm.DB) error {
		tx = tx.WithContext(stmts) // the statements keep the deadline; the commit (beginContext) does not
		if err := fn(tx); err != nil {
			return translate(err)
		}
		if ctx.Value(unannouncedKey{}) != nil {
			return nil
		}
		var err error
		publish, err = s.dialect.announce(tx, s.channel, a.ids)
		return err
	})
	if err == nil {
		// Committed to a file removed meanwhile is written to nothing: not acknowledged.
		err = s.checkFile()
	}
	if err == nil && len(publish) > 0 {
		s.hub.publish(publish)
	}
	if err != nil && model.ErrorCode(err) == model.EINTERNAL && Expired(ctx) {
		// Past the deadline the driver reports what it was doing when stopped (a dial
		// timeout, a rolled-back transaction); the cause is the deadline, and nothing was
		// written.
		return fmt.Errorf("write stopped: %w", context.DeadlineExceeded)
	}
	return err
}

// Expired reports whether ctx is done or its deadline has passed. A network deadline
// derived from the context can fire a moment before the context's own timer marks it
// done, so the deadline is checked too.
func Expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
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
