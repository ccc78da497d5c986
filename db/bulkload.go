package db

import (
	"context"
	"fmt"
	"strings"

	"diplomacy-timeline/model"
)

// This file is the seam for filling an empty database with millions of rows at once (the
// synthetic world of db/synth): one plain database/sql transaction of multi-row INSERTs,
// where GORM's per-row work would be the bottleneck, and the derived data of records held
// in memory, made by the same rules that keep it in step with single writes.

// Loader writes rows in the transaction of BulkLoad.
type Loader struct {
	w       *bulkWriter
	dialect dialect
}

// BulkLoad runs fn in one transaction on the writer connection (so other writes queue
// behind it) and commits if fn returns nil; a failed fn writes nothing. It is meant for an
// empty database: the rows fn inserts carry their keys, and a key the database has already
// fails the load. Before it commits, the key generators are moved past those keys (the
// dialect's ResetSequences: PostgreSQL's identity sequences); after, the planner's
// statistics are refreshed, so that it picks the indexes the queries were built for.
// progress, if set, is told when committing and analyzing begin, with the rows written.
func (s *Store) BulkLoad(ctx context.Context, fn func(l *Loader) error, progress func(step string, rows int64)) error {
	if progress == nil {
		progress = func(string, int64) {}
	}
	sqlDB, err := s.wdb.DB()
	if err != nil {
		return err
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	// database/sql has no GORM to spell placeholders for the backend: the dialect does.
	l := &Loader{w: sqlBulk(ctx, tx, s.dialect.Placeholder), dialect: s.dialect}
	if err := fn(l); err != nil {
		return err
	}
	if err := s.dialect.ResetSequences(ctx, tx, keyedTables); err != nil {
		return err
	}
	progress("committing", l.w.rows)
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	progress("analyzing", l.w.rows)
	if err := s.wdb.WithContext(ctx).Exec("ANALYZE").Error; err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// keyedTables are the tables whose keys come from a sequence, which a bulk load writes
// explicitly.
var keyedTables = []string{"platforms", "platform_members", "topics", "officials", "positions", "sessions",
	"participants", "initiatives", "initiative_status_changes", "statements", "sources", "citations", "timeline_entries"}

// Insert writes rows (each a slice of values for cols) into table, as many to a statement
// as the databases' limits on parameters allow.
func (l *Loader) Insert(table string, cols []string, rows [][]any) error {
	return l.w.insert(table, cols, rows)
}

// Rows returns how many rows the load has written.
func (l *Loader) Rows() int64 { return l.w.rows }

// MarkFilled records that the database was filled by how ("generated"), so that Open
// never loads the default dataset on top of it. The database must have no such mark.
func (l *Loader) MarkFilled(how string) error {
	p := l.dialect.Placeholder
	return l.w.exec("INSERT INTO settings (key, value) VALUES ("+p(1)+", "+p(2)+")", []any{datasetKey, how})
}

// Derivation collects the derived data — timeline entries and search documents — of
// records held in memory, for a load that writes them itself, by the rules every write
// follows (model/facts.go). Each method takes a record
// with the related rows its derived data depends on, as the stored record would have them.
type Derivation struct {
	entries []*model.TimelineEntry
	docs    [][]any
}

// Platform adds a platform, with the country codes of its members.
func (d *Derivation) Platform(p *model.Platform, memberCodes []string) {
	d.add(model.TypePlatform, p.ID)(model.PlatformFacts(p, memberCodes))
}

// Session adds a session, with its participants, subject countries and topic keys.
func (d *Derivation) Session(x *model.Session, parts []model.Participant, subjects []string, topics []int64) {
	d.add(model.TypeSession, x.ID)(model.SessionFacts(x, parts, subjects, topics))
}

// Official adds an official, with their positions (which must have their keys).
func (d *Derivation) Official(o *model.Official, positions []*model.Position) {
	d.add(model.TypeOfficial, o.ID)(model.OfficialFacts(o, positions))
}

// Initiative adds an initiative, with its status history (with keys, oldest first) and
// topic keys.
func (d *Derivation) Initiative(x *model.Initiative, changes []*model.InitiativeStatusChange, topics []int64) {
	d.add(model.TypeInitiative, x.ID)(model.InitiativeFacts(x, changes, topics))
}

// Statement adds a statement, with its official and, if it was made at one, its session
// and that session's topic keys (x nil otherwise).
func (d *Derivation) Statement(st *model.Statement, o *model.Official, x *model.Session, sessionTopics []int64) {
	d.add(model.TypeStatement, st.ID)(model.StatementFacts(st, o, x, sessionTopics))
}

// Source adds a source, with the excerpts of the citations of it.
func (d *Derivation) Source(src *model.Source, citationExcerpts []string) {
	d.add(model.TypeSource, src.ID)(nil, model.SourceDoc(src, citationExcerpts))
}

func (d *Derivation) add(typ string, id int64) func([]*model.TimelineEntry, model.SearchDoc) {
	return func(es []*model.TimelineEntry, sd model.SearchDoc) {
		d.entries = append(d.entries, es...)
		d.docs = append(d.docs, docRow(typ, id, docOf(sd)))
	}
}

// Entries returns how many timeline entries the records added give.
func (d *Derivation) Entries() int { return len(d.entries) }

// Write inserts the timeline entries, their link rows and the search documents with l,
// into a database that has none: the entries are numbered from 1 in the order their
// records were added. progress, if set, is told each table once it is written, with the
// rows written to it.
func (d *Derivation) Write(l *Loader, progress func(table string, rows int64)) error {
	if progress == nil {
		progress = func(string, int64) {}
	}
	insert := func(table string, cols []string, rows [][]any) error {
		if err := l.Insert(table, cols, rows); err != nil {
			return err
		}
		progress(strings.ReplaceAll(table, "_", " "), int64(len(rows)))
		return nil
	}
	rows := make([][]any, 0, len(d.entries))
	for i, e := range d.entries {
		e.ID = int64(i + 1)
		var end any
		if e.EndDate != nil {
			end = e.EndDate.Key()
		}
		rows = append(rows, []any{e.ID, string(e.Kind), e.Date.Key(), end, e.LastKey, e.Title, optional(e.Summary), optional(e.PlatformID), e.Origin,
			optional(e.SubjectPlatformID), optional(e.SubjectSessionID), optional(e.SubjectInitiativeID), optional(e.SubjectOfficialID),
			optional(e.SubjectStatementID), optional(e.PositionID), optional(e.StatusChangeID), e.TextKey})
	}
	if err := insert("timeline_entries", []string{"id", "kind", "date_key", "end_key", "last_key", "title", "summary", "platform_id", "origin",
		"subject_platform_id", "subject_session_id", "subject_initiative_id", "subject_official_id", "subject_statement_id",
		"position_id", "status_change_id", "text_key"}, rows); err != nil {
		return err
	}
	for _, link := range entryLinks {
		if err := insert(link.table, []string{"entry_id", link.column}, linkRows(link.values, d.entries)); err != nil {
			return err
		}
	}
	return insert("search_index", docColumns, d.docs)
}

// optional is the value of an optional column: NULL for nil.
func optional[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
