package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// bulkWriter inserts many rows with multi-row INSERT statements on a plain database/sql
// transaction, for the generator: GORM's per-row reflection is the bottleneck at millions
// of rows.
type bulkWriter struct {
	ctx      context.Context
	tx       *sql.Tx
	postgres bool
	rows     int64
}

// maxParams keeps a statement under both SQLite's (32,766) and PostgreSQL's (65,535)
// limit on bound parameters.
const maxParams = 30000

// insert writes rows (each a slice of values for cols) into table.
func (b *bulkWriter) insert(table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxParams/len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		n := 0
		for i, row := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					sb.WriteByte(',')
				}
				n++
				if b.postgres {
					sb.WriteString("$" + strconv.Itoa(n))
				} else {
					sb.WriteByte('?')
				}
				args = append(args, v)
			}
			sb.WriteByte(')')
		}
		if _, err := b.tx.ExecContext(b.ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		b.rows += int64(len(chunk))
	}
	return nil
}
