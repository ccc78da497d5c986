package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// bulkWriter inserts many rows with multi-row INSERT statements: on a plain database/sql
// transaction for the generator, where GORM's per-row reflection is the bottleneck at
// millions of rows, or through GORM for the derived rows of ordinary writes.
type bulkWriter struct {
	exec func(query string, args []any) error
	// dollar numbers the placeholders ($1, $2, …) for PostgreSQL through database/sql;
	// GORM rewrites ? for its dialect itself.
	dollar bool
	rows   int64
}

// sqlBulk writes on a database/sql transaction.
func sqlBulk(ctx context.Context, tx *sql.Tx, postgres bool) *bulkWriter {
	return &bulkWriter{dollar: postgres, exec: func(query string, args []any) error {
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
				if b.dollar {
					sb.WriteString("$" + strconv.Itoa(n))
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

// entryLinkTables are the link tables of timeline entries.
var entryLinkTables = []string{"timeline_entry_countries", "timeline_entry_topics", "timeline_entry_officials"}

// writeEntryLinks inserts the link rows of entries, which have their IDs and no links yet.
func writeEntryLinks(b *bulkWriter, entries []*model.TimelineEntry) error {
	var countries, topics, officials [][]any
	for _, e := range entries {
		for _, c := range dedupe(e.Countries) {
			countries = append(countries, []any{e.ID, c})
		}
		for _, t := range dedupe(e.Topics) {
			topics = append(topics, []any{e.ID, t})
		}
		for _, o := range dedupe(e.Officials) {
			officials = append(officials, []any{e.ID, o})
		}
	}
	if err := b.insert("timeline_entry_countries", []string{"entry_id", "country_code"}, countries); err != nil {
		return err
	}
	if err := b.insert("timeline_entry_topics", []string{"entry_id", "topic_id"}, topics); err != nil {
		return err
	}
	return b.insert("timeline_entry_officials", []string{"entry_id", "official_id"}, officials)
}

// docColumns are the columns of a search document row (docRow).
var docColumns = []string{"docid", "title", "body"}

// docRow is the search_index row of the document d of a record.
func docRow(typ string, id int64, d doc) []any {
	return []any{docID(typ, id), fold(d.title), fold(d.body)}
}
