package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

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

// touch rebuilds the timeline entries and the search document of each subject from the
// current state of the database; a subject that no longer exists loses them.
func touch(ctx context.Context, tx *gorm.DB, subjects ...subject) error {
	seen := make(map[subject]bool, len(subjects))
	for _, sub := range subjects {
		if seen[sub] || sub.id == 0 {
			continue
		}
		seen[sub] = true
		if err := derive(ctx, tx, sub); err != nil {
			return fmt.Errorf("update timeline of %s %d: %w", sub.typ, sub.id, err)
		}
	}
	return nil
}

func derive(ctx context.Context, tx *gorm.DB, sub subject) error {
	// tx carries the write's context, with its collector of added entries (notify.go).
	if tx.Statement.Context == nil {
		tx = tx.WithContext(ctx)
	}
	switch sub.typ {
	case model.TypePlatform:
		return derivePlatform(tx, sub.id)
	case model.TypeSession:
		return deriveSession(tx, sub.id)
	case model.TypeOfficial:
		return deriveOfficial(tx, sub.id)
	case model.TypeInitiative:
		return deriveInitiative(tx, sub.id)
	case model.TypeStatement:
		return deriveStatement(tx, sub.id)
	case model.TypeSource:
		return deriveSource(tx, sub.id)
	}
	return fmt.Errorf("no derived data for %s", sub.typ)
}

// find loads the record with the key, or reports that it is gone.
func find[T any](tx *gorm.DB, id int64) (*T, bool, error) {
	var row T
	err := tx.Take(&row, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	return &row, err == nil, err
}

func derivePlatform(tx *gorm.DB, id int64) error {
	p, ok, err := find[model.Platform](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_platform_id", id, nil), syncDoc(tx, model.TypePlatform, id, doc{}))
	}
	var codes []string
	if err := tx.Model(&model.PlatformMember{}).Where("platform_id = ?", id).Distinct().Pluck("country_code", &codes).Error; err != nil {
		return err
	}
	entries, d := platformFacts(p, codes)
	if err := syncEntries(tx, "subject_platform_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypePlatform, id, d)
}

func deriveSession(tx *gorm.DB, id int64) error {
	x, ok, err := find[model.Session](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_session_id", id, nil), syncDoc(tx, model.TypeSession, id, doc{}))
	}
	var parts []model.Participant
	if err := tx.Where("session_id = ?", id).Order("id").Find(&parts).Error; err != nil {
		return err
	}
	var subjects []string
	if err := tx.Table("session_subject_countries").Where("session_id = ?", id).Pluck("country_code", &subjects).Error; err != nil {
		return err
	}
	var topics []int64
	if err := tx.Table("session_topics").Where("session_id = ?", id).Pluck("topic_id", &topics).Error; err != nil {
		return err
	}
	entries, d := sessionFacts(x, parts, subjects, topics)
	if err := syncEntries(tx, "subject_session_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeSession, id, d)
}

func deriveOfficial(tx *gorm.DB, id int64) error {
	o, ok, err := find[model.Official](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_official_id", id, nil), syncDoc(tx, model.TypeOfficial, id, doc{}))
	}
	var positions []*model.Position
	if err := tx.Where("official_id = ?", id).Order("id").Find(&positions).Error; err != nil {
		return err
	}
	entries, d := officialFacts(o, positions)
	if err := syncEntries(tx, "subject_official_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeOfficial, id, d)
}

func deriveInitiative(tx *gorm.DB, id int64) error {
	x, ok, err := find[model.Initiative](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_initiative_id", id, nil), syncDoc(tx, model.TypeInitiative, id, doc{}))
	}
	var changes []*model.InitiativeStatusChange
	if err := tx.Where("initiative_id = ?", id).Order("changed_on, id").Find(&changes).Error; err != nil {
		return err
	}
	var topics []int64
	if err := tx.Table("initiative_topics").Where("initiative_id = ?", id).Pluck("topic_id", &topics).Error; err != nil {
		return err
	}
	entries, d := initiativeFacts(x, changes, topics)
	if err := syncEntries(tx, "subject_initiative_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeInitiative, id, d)
}

func deriveStatement(tx *gorm.DB, id int64) error {
	st, ok, err := find[model.Statement](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_statement_id", id, nil), syncDoc(tx, model.TypeStatement, id, doc{}))
	}
	var o model.Official
	if err := tx.Take(&o, st.OfficialID).Error; err != nil {
		return err
	}
	var x *model.Session
	var topics []int64
	if st.SessionID != nil {
		x = new(model.Session)
		if err := tx.Take(x, *st.SessionID).Error; err != nil {
			return err
		}
		if err := tx.Table("session_topics").Where("session_id = ?", x.ID).Pluck("topic_id", &topics).Error; err != nil {
			return err
		}
	}
	entries, d := statementFacts(st, &o, x, topics)
	if err := syncEntries(tx, "subject_statement_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeStatement, id, d)
}

func deriveSource(tx *gorm.DB, id int64) error {
	src, ok, err := find[model.Source](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncDoc(tx, model.TypeSource, id, doc{}))
	}
	var excerpts []string
	if err := tx.Model(&model.Citation{}).Where("source_id = ? AND excerpt IS NOT NULL", id).Order("id").Pluck("excerpt", &excerpts).Error; err != nil {
		return err
	}
	return syncDoc(tx, model.TypeSource, id, sourceDoc(src, excerpts))
}

// syncEntries makes the entries of one subject (column = id) exactly desired: entries
// with the same origin are updated in place, so their IDs stay stable; new ones are
// inserted, and those no longer derived are deleted.
func syncEntries(tx *gorm.DB, column string, id int64, desired []*model.TimelineEntry) error {
	var existing []model.TimelineEntry
	if err := tx.Select("id", "origin").Where(column+" = ?", id).Find(&existing).Error; err != nil {
		return err
	}
	byOrigin := make(map[string]int64, len(existing))
	for _, e := range existing {
		byOrigin[e.Origin] = e.ID
	}
	keep := make(map[int64]bool, len(desired))
	for _, e := range desired {
		e.ID = byOrigin[e.Origin]
		isNew := e.ID == 0
		if err := tx.Save(e).Error; err != nil {
			return err
		}
		if isNew {
			recordAdded(tx, e.ID)
		}
		keep[e.ID] = true
		if err := syncEntryLinks(tx, e); err != nil {
			return err
		}
	}
	var gone []int64
	for _, e := range existing {
		if !keep[e.ID] {
			gone = append(gone, e.ID)
		}
	}
	if len(gone) > 0 {
		return tx.Where("id IN ?", gone).Delete(&model.TimelineEntry{}).Error
	}
	return nil
}

// syncEntryLinks replaces the countries, topics and officials of an entry.
func syncEntryLinks(tx *gorm.DB, e *model.TimelineEntry) error {
	ctx := tx.Statement.Context
	if err := replaceLinks(ctx, tx, "timeline_entry_countries", "entry_id", "country_code", e.ID, dedupe(e.Countries)); err != nil {
		return err
	}
	if err := replaceLinks(ctx, tx, "timeline_entry_topics", "entry_id", "topic_id", e.ID, dedupe(e.Topics)); err != nil {
		return err
	}
	return replaceLinks(ctx, tx, "timeline_entry_officials", "entry_id", "official_id", e.ID, dedupe(e.Officials))
}

// codesOf returns the country codes that are set.
func codesOf(codes ...*string) []string {
	var out []string
	for _, c := range codes {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// join joins the non-empty parts with a space.
func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// clip shortens s to at most n runes at a word boundary, with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// reindexAll derives the data of every record; the default dataset uses it after loading.
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
