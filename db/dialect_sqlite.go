package db

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// sqliteDialect is SQLite's dialect: an embedded database in one file, served by one
// process, with FTS4 for search.
type sqliteDialect struct{}

// open: SQLite allows one writer at a time. Rather than let writers collide and retry on
// "database is locked", all writes go through one connection and queue for it in Go;
// reads use a pool of read-only connections and, with WAL, never wait for the writer.
// Write transactions begin IMMEDIATE, so a transaction that reads before it writes
// cannot be refused its upgrade to a writer.
func (sqliteDialect) open(ctx context.Context, s *Store, dsn string, maxConns int) error {
	registerSQLite()
	var err error
	if s.wdb, err = s.connect(sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: sqliteDSN(dsn, false)}), 1); err != nil {
		return err
	}
	// The writer creates the file and switches it to WAL before any reader opens it.
	if err := s.wdb.WithContext(ctx).Exec("SELECT 1").Error; err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	s.file = openedFile(dsn)
	s.gdb, err = s.connect(sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: sqliteDSN(dsn, true)}), cmp.Or(maxConns, 8))
	return err
}

// sqliteDSN turns a file path into a DSN with the settings the store relies on: WAL,
// foreign keys, a busy timeout, immediate write transactions, and a sync of every commit
// to disk (an acknowledged write survives a crash). readOnly makes the connections refuse
// writes.
func sqliteDSN(path string, readOnly bool) string {
	params := "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=FULL"
	if readOnly {
		params += "&_query_only=true"
	}
	if strings.Contains(path, "?") {
		return path + "&" + params
	}
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	return path + "?" + params
}

func (sqliteDialect) ddl(m migration) string {
	return m.sql("INTEGER PRIMARY KEY AUTOINCREMENT", "REAL", m.sqlite)
}

// searchSQL: the FTS4 table, ranked by BM25 (RankFTS) over its match information.
func (sqliteDialect) searchSQL() (from, match, rank string) {
	return "search_index", "search_index MATCH ?", "diplomacy_rank(matchinfo(search_index, 'pcnalx'))"
}

// searchQuery: a prefix query of quoted terms, which hold only letters and digits.
func (sqliteDialect) searchQuery(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + t + `*"`
	}
	return strings.Join(quoted, " ")
}

// searchTotal: matchinfo cannot run under a window function.
func (sqliteDialect) searchTotal() (string, bool) { return "0", false }

// byteOrder: SQLite compares text byte by byte (BINARY) already.
func (sqliteDialect) byteOrder(column string) string { return column }

// announce: one process serves a SQLite file, so the store publishes the entries itself
// once the transaction has committed.
func (sqliteDialect) announce(_ *gorm.DB, _ string, ids []int64) ([]int64, error) { return ids, nil }

// Placeholder: mattn's driver takes "?".
func (sqliteDialect) Placeholder(int) string { return "?" }

// ResetSequences has nothing to do: AUTOINCREMENT remembers the largest key ever
// inserted, explicit ones included.
func (sqliteDialect) ResetSequences(context.Context, *sql.Tx, []string) error { return nil }

// Snapshot: the store's connections open their transactions IMMEDIATE, which would hold
// the write lock for as long as fn runs, so the snapshot begins DEFERRED by hand: in WAL
// mode it then never blocks the writer.
func (sqliteDialect) Snapshot(ctx context.Context, gdb *gorm.DB, fn func(tx *gorm.DB) error) error {
	return gdb.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("BEGIN DEFERRED").Error; err != nil {
			return err
		}
		defer conn.WithContext(context.Background()).Exec("ROLLBACK")
		return fn(conn.Session(&gorm.Session{NewDB: true}))
	})
}

// sqliteDriver is mattn's SQLite driver with the store's own SQL functions on every
// connection.
const sqliteDriver = "sqlite3_diplomacy"

var registerDriver sync.Once

func registerSQLite() {
	registerDriver.Do(func() {
		sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{
			ConnectHook: func(conn *sqlite3.SQLiteConn) error {
				if err := conn.RegisterFunc("diplomacy_rank", RankFTS, true); err != nil {
					return err
				}
				// SQLite's own LOWER folds A–Z only; PostgreSQL's folds every letter, so
				// a name filter finds "Åland" from "åland" on both. No index or view uses
				// LOWER, so the file stays readable by any SQLite.
				return conn.RegisterFunc("lower", strings.ToLower, true)
			},
		})
	})
}

// Column weights of the search index: a match in a name or title counts five times one in
// running text.
var columnWeights = []float64{5, 1}

// RankFTS scores an FTS4 match with Okapi BM25 from matchinfo(…, 'pcnalx'): for each
// phrase and column, the term frequency in this row, weighted by how rare the term is and
// normalised by the column's length against the average.
func RankFTS(info []byte) float64 {
	const k1, b = 1.2, 0.75
	n := len(info) / 4
	v := func(i int) float64 {
		if i >= n {
			return 0
		}
		return float64(binary.NativeEndian.Uint32(info[i*4:]))
	}
	phrases, cols := int(v(0)), int(v(1))
	docs := v(2)
	avg := func(c int) float64 { return v(3 + c) }
	length := func(c int) float64 { return v(3 + cols + c) }
	x := 3 + 2*cols
	score := 0.0
	for p := range phrases {
		for c := range cols {
			hits := v(x + 3*(p*cols+c))
			withHit := v(x + 3*(p*cols+c) + 2)
			if hits == 0 {
				continue
			}
			idf := math.Log(1 + (docs-withHit+0.5)/(withHit+0.5))
			norm := 1 - b
			if avg(c) > 0 {
				norm += b * length(c) / avg(c)
			}
			w := 1.0
			if c < len(columnWeights) {
				w = columnWeights[c]
			}
			score += w * idf * hits * (k1 + 1) / (hits + k1*norm)
		}
	}
	return score
}

// beginContext: the SQLite driver commits with a context of its own, never cut off, and
// the wait for the one writer connection keeps the request's deadline.
func (sqliteDialect) beginContext(ctx context.Context) context.Context { return ctx }
