package db

import (
	"context"
	"database/sql"
	"strings"

	"gorm.io/gorm"
)

// dialect is everything that differs between the two backends, SQLite
// (dialect_sqlite.go) and PostgreSQL (dialect_postgres.go). Open picks one from the DSN;
// the rest of the package asks it for the SQL it needs rather than asking which backend
// it is on, so a difference between the two is written once, beside the others. The
// dialects hold no state (the store keeps its connections and its notification channel),
// so each is a single value: dialectSQLite or dialectPostgres.
//
// The exported methods serve the code that runs its own transactions on database/sql —
// the synthetic world's writer and the export — wherever it lives.
type dialect interface {
	// open connects s to dsn: its read and write handles (a pool of at most maxConns,
	// 0 for the backend's default) and whatever delivers the notifications of other
	// server processes.
	open(ctx context.Context, s *Store, dsn string, maxConns int) error
	// ddl returns the SQL of migration m: the common SQL with the backend's types, then
	// the backend's own.
	ddl(m migration) string
	// searchSQL returns the FROM clause of a search (with the query's one parameter),
	// its match condition and its relevance expression.
	searchSQL() (from, match, rank string)
	// searchQuery returns the argument of that parameter: every term, as a prefix.
	searchQuery(terms []string) string
	// searchTotal returns the expression that gives, in each row of a page of results,
	// the number of all matches, and whether it does: where it cannot, it is a constant
	// and the count takes a statement of its own.
	searchTotal() (expr string, counts bool)
	// byteOrder returns a text column as a sort key that compares byte by byte, so that
	// lists come in the same order on every backend.
	byteOrder(column string) string
	// announce runs last in a write's transaction tx, which added the timeline entries
	// ids, to make them known to subscribers once tx commits; it returns those the store
	// must publish to its own subscribers after the commit. channel is the store's
	// notification channel.
	announce(tx *gorm.DB, channel string, ids []int64) (publish []int64, err error)
	// beginContext returns the context a write transaction begins (and so commits) with.
	// Its statements run with the request's context, deadline and all; but a COMMIT that
	// was sent must not be cut off by the deadline, or the write's outcome is unknown: it
	// may be in the database while the client is told it ran out of time.
	beginContext(ctx context.Context) context.Context

	// Placeholder returns the n-th (from 1) bound parameter of a statement run on
	// database/sql, which, unlike GORM, does not rewrite "?" for the backend.
	Placeholder(n int) string
	// ResetSequences moves the key generators of tables past the largest key in them,
	// after rows were written with explicit keys.
	ResetSequences(ctx context.Context, tx *sql.Tx, tables []string) error
	// Snapshot runs fn in one read-only transaction on gdb, which sees one consistent
	// state of the database and does not hold up writers.
	Snapshot(ctx context.Context, gdb *gorm.DB, fn func(tx *gorm.DB) error) error
}

// The two dialects.
var (
	dialectSQLite   dialect = sqliteDialect{}
	dialectPostgres dialect = postgresDialect{}
)

// dialectOf returns the dialect of dsn: a postgres:// (or postgresql://) URL names a
// PostgreSQL database, anything else a SQLite file.
func dialectOf(dsn string) dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return dialectPostgres
	}
	return dialectSQLite
}

// sortable returns a text column as the sort key of a list: byte order on every backend
// (see byteOrder), so pages come in the same order on both.
func (s *Store) sortable(column string) string {
	return s.dialect.byteOrder(column)
}
