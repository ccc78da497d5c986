package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// This file keeps the derived data — timeline entries and search documents — in step with
// the records they come from. Every write calls touch for the records it changed, in its
// own transaction, so there is no rebuild step and no stale entry: a failed write rolls
// its entries back with it.

// subject names a record whose derived data must follow it.
type subject struct {
	typ string
	id  int64
}

// deriveBatch is how many records of one type touch derives with one set of statements.
const deriveBatch = 500

// subjectColumn is the column of timeline_entries that names a record of each type; a
// source has a search document but no entries.
var subjectColumn = map[string]string{
	model.TypePlatform:   "subject_platform_id",
	model.TypeSession:    "subject_session_id",
	model.TypeOfficial:   "subject_official_id",
	model.TypeInitiative: "subject_initiative_id",
	model.TypeStatement:  "subject_statement_id",
	model.TypeSource:     "",
}

// derived is what one record gives: its timeline entries and its search document.
type derived struct {
	entries []*model.TimelineEntry
	doc     model.SearchDoc
}

// touch rebuilds the timeline entries and the search document of each subject from the
// current state of the database; a subject that no longer exists loses them. Subjects are
// derived by type, a batch at a time, so a write of one record costs a handful of
// statements and an import of thousands costs a handful per batch.
func touch(ctx context.Context, tx *gorm.DB, subjects ...subject) error {
	// tx carries the write's context, with its collector of added entries (notify.go).
	if tx.Statement.Context == nil {
		tx = tx.WithContext(ctx)
	}
	var types []string
	ids := map[string][]int64{}
	seen := make(map[subject]bool, len(subjects))
	for _, sub := range subjects {
		if seen[sub] || sub.id == 0 {
			continue
		}
		seen[sub] = true
		if _, ok := ids[sub.typ]; !ok {
			types = append(types, sub.typ)
		}
		ids[sub.typ] = append(ids[sub.typ], sub.id)
	}
	for _, typ := range types {
		all := ids[typ]
		for start := 0; start < len(all); start += deriveBatch {
			batch := all[start:min(start+deriveBatch, len(all))]
			if err := deriveAll(tx, typ, batch); err != nil {
				return fmt.Errorf("update timeline of %d %s records: %w", len(batch), typ, err)
			}
		}
	}
	return nil
}

// deriveAll brings the derived data of the records ids of type typ up to date.
func deriveAll(tx *gorm.DB, typ string, ids []int64) error {
	column, ok := subjectColumn[typ]
	if !ok {
		return fmt.Errorf("no derived data for %s", typ)
	}
	var out map[int64]derived
	var err error
	switch typ {
	case model.TypePlatform:
		out, err = derivePlatforms(tx, ids)
	case model.TypeSession:
		out, err = deriveSessions(tx, ids)
	case model.TypeOfficial:
		out, err = deriveOfficials(tx, ids)
	case model.TypeInitiative:
		out, err = deriveInitiatives(tx, ids)
	case model.TypeStatement:
		out, err = deriveStatements(tx, ids)
	case model.TypeSource:
		out, err = deriveSources(tx, ids)
	}
	if err != nil {
		return err
	}
	if column != "" {
		if err := syncEntries(tx, column, ids, out); err != nil {
			return err
		}
	}
	return syncDocs(tx, typ, ids, out)
}

// The loaders below read the facts of a batch of records with one statement per table
// and derive them with the rules of package model (model/facts.go). A record that is
// gone is absent from the result, and so loses its derived data.

func derivePlatforms(tx *gorm.DB, ids []int64) (map[int64]derived, error) {
	ctx := tx.Statement.Context
	platforms, err := whereIn[model.Platform](ctx, tx, "id", ids, "")
	if err != nil {
		return nil, err
	}
	members, err := pairs[string](tx, "platform_members", "platform_id", "country_code", ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]derived, len(platforms))
	for _, p := range platforms {
		es, d := model.PlatformFacts(p, members[p.ID])
		out[p.ID] = derived{es, d}
	}
	return out, nil
}

func deriveSessions(tx *gorm.DB, ids []int64) (map[int64]derived, error) {
	ctx := tx.Statement.Context
	sessions, err := whereIn[model.Session](ctx, tx, "id", ids, "")
	if err != nil {
		return nil, err
	}
	parts, err := whereIn[model.Participant](ctx, tx, "session_id", ids, "id")
	if err != nil {
		return nil, err
	}
	byID := GroupBy(parts, func(p *model.Participant) int64 { return p.SessionID })
	subjects, err := pairs[string](tx, "session_subject_countries", "session_id", "country_code", ids)
	if err != nil {
		return nil, err
	}
	topics, err := pairs[int64](tx, "session_topics", "session_id", "topic_id", ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]derived, len(sessions))
	for _, x := range sessions {
		var ps []model.Participant
		for _, p := range byID[x.ID] {
			ps = append(ps, *p)
		}
		es, d := model.SessionFacts(x, ps, subjects[x.ID], topics[x.ID])
		out[x.ID] = derived{es, d}
	}
	return out, nil
}

func deriveOfficials(tx *gorm.DB, ids []int64) (map[int64]derived, error) {
	ctx := tx.Statement.Context
	officials, err := whereIn[model.Official](ctx, tx, "id", ids, "")
	if err != nil {
		return nil, err
	}
	positions, err := whereIn[model.Position](ctx, tx, "official_id", ids, "id")
	if err != nil {
		return nil, err
	}
	byID := GroupBy(positions, func(p *model.Position) int64 { return p.OfficialID })
	out := make(map[int64]derived, len(officials))
	for _, o := range officials {
		es, d := model.OfficialFacts(o, byID[o.ID])
		out[o.ID] = derived{es, d}
	}
	return out, nil
}

func deriveInitiatives(tx *gorm.DB, ids []int64) (map[int64]derived, error) {
	ctx := tx.Statement.Context
	initiatives, err := whereIn[model.Initiative](ctx, tx, "id", ids, "")
	if err != nil {
		return nil, err
	}
	changes, err := whereIn[model.InitiativeStatusChange](ctx, tx, "initiative_id", ids, "changed_on, id")
	if err != nil {
		return nil, err
	}
	byID := GroupBy(changes, func(c *model.InitiativeStatusChange) int64 { return c.InitiativeID })
	topics, err := pairs[int64](tx, "initiative_topics", "initiative_id", "topic_id", ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]derived, len(initiatives))
	for _, x := range initiatives {
		es, d := model.InitiativeFacts(x, byID[x.ID], topics[x.ID])
		out[x.ID] = derived{es, d}
	}
	return out, nil
}

func deriveStatements(tx *gorm.DB, ids []int64) (map[int64]derived, error) {
	ctx := tx.Statement.Context
	statements, err := whereIn[model.Statement](ctx, tx, "id", ids, "")
	if err != nil {
		return nil, err
	}
	var officialIDs, sessionIDs []int64
	for _, st := range statements {
		officialIDs = append(officialIDs, st.OfficialID)
		if st.SessionID != nil {
			sessionIDs = append(sessionIDs, *st.SessionID)
		}
	}
	officials, err := whereIn[model.Official](ctx, tx, "id", model.Unique(officialIDs), "")
	if err != nil {
		return nil, err
	}
	sessions, err := whereIn[model.Session](ctx, tx, "id", model.Unique(sessionIDs), "")
	if err != nil {
		return nil, err
	}
	topics, err := pairs[int64](tx, "session_topics", "session_id", "topic_id", model.Unique(sessionIDs))
	if err != nil {
		return nil, err
	}
	officialByID := IndexBy(officials, func(o *model.Official) int64 { return o.ID })
	sessionByID := IndexBy(sessions, func(x *model.Session) int64 { return x.ID })
	out := make(map[int64]derived, len(statements))
	for _, st := range statements {
		o := officialByID[st.OfficialID]
		if o == nil {
			return nil, fmt.Errorf("statement %d: official %d not found", st.ID, st.OfficialID)
		}
		var x *model.Session
		var tops []int64
		if st.SessionID != nil {
			if x = sessionByID[*st.SessionID]; x == nil {
				return nil, fmt.Errorf("statement %d: session %d not found", st.ID, *st.SessionID)
			}
			tops = topics[x.ID]
		}
		es, d := model.StatementFacts(st, o, x, tops)
		out[st.ID] = derived{es, d}
	}
	return out, nil
}

func deriveSources(tx *gorm.DB, ids []int64) (map[int64]derived, error) {
	ctx := tx.Statement.Context
	sources, err := whereIn[model.Source](ctx, tx, "id", ids, "")
	if err != nil {
		return nil, err
	}
	var cites []*model.Citation
	if len(sources) > 0 {
		if err := tx.Where("source_id IN ? AND excerpt IS NOT NULL", ids).Order("id").Find(&cites).Error; err != nil {
			return nil, fmt.Errorf("load citations: %w", err)
		}
	}
	bySource := GroupBy(cites, func(c *model.Citation) int64 { return c.SourceID })
	out := make(map[int64]derived, len(sources))
	for _, src := range sources {
		var excerpts []string
		for _, c := range bySource[src.ID] {
			excerpts = append(excerpts, deref(c.Excerpt))
		}
		out[src.ID] = derived{doc: model.SourceDoc(src, excerpts)}
	}
	return out, nil
}

// syncEntries makes the entries of the records ids (named by column) exactly those of
// out: entries with the same origin are updated in place, so their IDs stay stable; new
// ones are inserted, those no longer derived are deleted, and the link rows of every
// entry kept or added are rewritten.
func syncEntries(tx *gorm.DB, column string, ids []int64, out map[int64]derived) error {
	var existing []model.TimelineEntry
	if err := tx.Select("id", "origin").Where(column+" IN ?", ids).Find(&existing).Error; err != nil {
		return fmt.Errorf("load entries: %w", err)
	}
	byOrigin := make(map[string]int64, len(existing))
	for _, e := range existing {
		byOrigin[e.Origin] = e.ID
	}
	var kept, added, all []*model.TimelineEntry
	keep := make(map[int64]bool, len(existing))
	for _, id := range ids {
		for _, e := range out[id].entries {
			if e.ID = byOrigin[e.Origin]; e.ID == 0 {
				added = append(added, e)
			} else {
				kept = append(kept, e)
				keep[e.ID] = true
			}
			all = append(all, e)
		}
	}
	var gone, keptIDs []int64
	for _, e := range existing {
		if !keep[e.ID] {
			gone = append(gone, e.ID)
		}
	}
	if len(gone) > 0 {
		if err := tx.Where("id IN ?", gone).Delete(&model.TimelineEntry{}).Error; err != nil {
			return fmt.Errorf("delete entries: %w", err)
		}
	}
	for _, e := range kept {
		if err := tx.Save(e).Error; err != nil {
			return fmt.Errorf("update entry: %w", err)
		}
		keptIDs = append(keptIDs, e.ID)
	}
	if len(added) > 0 {
		if err := tx.CreateInBatches(added, deriveBatch).Error; err != nil {
			return fmt.Errorf("insert entries: %w", err)
		}
		for _, e := range added {
			recordAdded(tx, e.ID)
		}
	}
	if len(keptIDs) > 0 {
		for _, l := range entryLinks {
			if err := tx.Exec("DELETE FROM "+l.table+" WHERE entry_id IN ?", keptIDs).Error; err != nil {
				return fmt.Errorf("replace %s: %w", l.table, err)
			}
		}
	}
	return writeEntryLinks(gormBulk(tx), all)
}

// syncDocs replaces the search documents of the records ids with those of out; a record
// with an empty document, or absent from out, has none.
func syncDocs(tx *gorm.DB, typ string, ids []int64, out map[int64]derived) error {
	docIDs := make([]int64, len(ids))
	var rows [][]any
	for i, id := range ids {
		docIDs[i] = docID(typ, id)
		if d := out[id].doc; !d.IsEmpty() {
			rows = append(rows, docRow(typ, id, docOf(d)))
		}
	}
	if err := tx.Exec("DELETE FROM search_index WHERE docid IN ?", docIDs).Error; err != nil {
		return fmt.Errorf("delete search documents: %w", err)
	}
	return gormBulk(tx).insert("search_index", docColumns, rows)
}

// deref is the string s points to, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// reindexAll derives the data of every record; the migration that added text_key uses it.
func reindexAll(ctx context.Context, tx *gorm.DB) error {
	var subjects []subject
	for _, t := range []struct{ typ, table string }{
		{model.TypePlatform, "platforms"}, {model.TypeSession, "sessions"}, {model.TypeOfficial, "officials"},
		{model.TypeInitiative, "initiatives"}, {model.TypeStatement, "statements"}, {model.TypeSource, "sources"},
	} {
		typ, table := t.typ, t.table
		var ids []int64
		if err := tx.WithContext(ctx).Table(table).Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
		for _, id := range ids {
			subjects = append(subjects, subject{typ, id})
		}
	}
	return touch(ctx, tx, subjects...)
}
