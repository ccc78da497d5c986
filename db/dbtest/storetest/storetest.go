// Package storetest opens stores for the tests of the packages around db: a fresh
// database (dbtest.DSN) with the default dataset or with nothing but the countries. It is
// apart from dbtest because it imports db, whose own internal tests import dbtest.
package storetest

import (
	"context"
	"log/slog"
	"testing"

	"diplomacy-timeline/db"
	"diplomacy-timeline/db/dataset"
	"diplomacy-timeline/db/dbtest"
)

// Open opens the database dsn, filling it with the default dataset when it is new, fails
// the test on error, and closes it at the end. Tests that reopen a file pass its path.
func Open(tb testing.TB, dsn string) *db.Store {
	tb.Helper()
	return open(tb, dsn, db.Options{Seed: dataset.LoadDefault})
}

// Default opens a fresh database with the default dataset.
func Default(tb testing.TB) *db.Store {
	tb.Helper()
	return Open(tb, dbtest.DSN(tb))
}

// Empty opens a fresh database with nothing but the countries, for tests that write every
// record they read.
func Empty(tb testing.TB) *db.Store {
	tb.Helper()
	return open(tb, dbtest.DSN(tb), db.Options{NoDataset: true})
}

// open opens dsn with opts, logging nothing: a test's output is its failures.
func open(tb testing.TB, dsn string, opts db.Options) *db.Store {
	tb.Helper()
	opts.Logger = slog.New(slog.DiscardHandler)
	s, err := db.Open(context.Background(), dsn, opts)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}
