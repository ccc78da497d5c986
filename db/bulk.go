package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// bulkWriter inserts many rows with multi-row INSERT statements: on a plain database/sql
// transaction for a bulk load (bulkload.go), where GORM's per-row reflection is the
// bottleneck at millions of rows, or through GORM for the derived rows of ordinary writes.
type bulkWriter struct {
	exec func(query string, args []any) error
	// placeholder writes the n-th bound parameter through database/sql, as the dialect
	// spells it; nil writes ?, which GORM rewrites for its dialect itself.
	placeholder func(n int) string
	rows        int64
}

// sqlBulk writes on a database/sql transaction, with the dialect's placeholders.
func sqlBulk(ctx context.Context, tx *sql.Tx, placeholder func(n int) string) *bulkWriter {
	return &bulkWriter{placeholder: placeholder, exec: func(query string, args []any) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	}}
}

// gormBulk writes through the GORM transaction tx, so the statements are counted with the
// others and run in tx's context.
func gormBulk(tx *gorm.DB) *bulkWriter {
	return &bulkWriter{exec: func(query string, args []any) error { return tx.Exec(query, args...).Error }}
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
				if b.placeholder != nil {
					sb.WriteString(b.placeholder(n))
				} else {
					sb.WriteByte('?')
				}
				args = append(args, v)
			}
			sb.WriteByte(')')
		}
		if err := b.exec(sb.String(), args); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		b.rows += int64(len(chunk))
	}
	return nil
}

// entryLinks are the link tables of timeline entries: the column each fills, and an
// entry's values for it.
var entryLinks = []struct {
	table, column string
	values        func(e *model.TimelineEntry) []any
}{
	{"timeline_entry_countries", "country_code", func(e *model.TimelineEntry) []any { return anys(model.Unique(e.Countries)) }},
	{"timeline_entry_topics", "topic_id", func(e *model.TimelineEntry) []any { return anys(model.Unique(e.Topics)) }},
	{"timeline_entry_officials", "official_id", func(e *model.TimelineEntry) []any { return anys(model.Unique(e.Officials)) }},
}

// writeEntryLinks inserts the link rows of entries, which have their IDs and no links yet.
func writeEntryLinks(b *bulkWriter, entries []*model.TimelineEntry) error {
	for _, l := range entryLinks {
		if err := b.insert(l.table, []string{"entry_id", l.column}, linkRows(l.values, entries)); err != nil {
			return err
		}
	}
	return nil
}

// linkRows are the rows of one link table for entries: (entry ID, value) for each of an
// entry's values.
func linkRows(values func(e *model.TimelineEntry) []any, entries []*model.TimelineEntry) [][]any {
	var rows [][]any
	for _, e := range entries {
		for _, v := range values(e) {
			rows = append(rows, []any{e.ID, v})
		}
	}
	return rows
}

func anys[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// docColumns are the columns of a search document row (docRow).
var docColumns = []string{"docid", "title", "body"}

// docRow is the search_index row of the document d of a record.
func docRow(typ string, id int64, d doc) []any {
	return []any{docID(typ, id), fold(d.title), fold(d.body)}
}
