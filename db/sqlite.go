package db

import (
	"database/sql"
	"encoding/binary"
	"math"
	"strings"
	"sync"

	"github.com/mattn/go-sqlite3"
)

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

// sortable returns a text column as the sort key of a list: SQLite compares text byte by
// byte (BINARY), and PostgreSQL is told to do the same (COLLATE "C", served by the indexes
// of migration 6) whatever the database's collation, so pages come in the same order on
// both.
func (s *Store) sortable(column string) string {
	if s.dialect == dialectPostgres {
		return column + ` COLLATE "C"`
	}
	return column
}
