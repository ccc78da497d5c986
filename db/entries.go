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
	tx = tx.WithContext(ctx)
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
		return errors.Join(err, syncEntries(tx, "subject_platform_id", id, nil), syncDoc(tx, model.TypePlatform, id, "", ""))
	}
	var codes []string
	if err := tx.Model(&model.PlatformMember{}).Where("platform_id = ?", id).Distinct().Pluck("country_code", &codes).Error; err != nil {
		return err
	}
	var entries []*model.TimelineEntry
	if p.Founded != nil {
		entries = append(entries, &model.TimelineEntry{
			Kind: model.EntryPlatformFounded, Date: *p.Founded, EndDate: p.Dissolved,
			Title: p.Name + " founded", Summary: p.Description, PlatformID: &p.ID,
			Origin: fmt.Sprintf("platform:%d:founded", id), SubjectPlatformID: &p.ID, Countries: codes,
		})
	}
	if err := syncEntries(tx, "subject_platform_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypePlatform, id, join(p.Name, deref(p.FullName)), deref(p.Description))
}

func deriveSession(tx *gorm.DB, id int64) error {
	x, ok, err := find[model.Session](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_session_id", id, nil), syncDoc(tx, model.TypeSession, id, "", ""))
	}
	var parts []model.Participant
	if err := tx.Where("session_id = ?", id).Find(&parts).Error; err != nil {
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
	countries := append(codesOf(x.HostCountryCode, x.Location.CountryCode), subjects...)
	var officials []int64
	for _, p := range parts {
		countries = append(countries, codesOf(p.CountryCode)...)
		officials = append(officials, p.OfficialID)
	}
	entry := &model.TimelineEntry{
		Kind: model.EntrySession, Date: x.Start, EndDate: x.End, Title: x.Title, Summary: x.Summary,
		PlatformID: x.PlatformID, Origin: fmt.Sprintf("session:%d", id), SubjectSessionID: &x.ID,
		Countries: countries, Topics: topics, Officials: officials,
	}
	if err := syncEntries(tx, "subject_session_id", id, []*model.TimelineEntry{entry}); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeSession, id, x.Title, join(deref(x.Summary), deref(x.Location.City), deref(x.Location.Venue)))
}

func deriveOfficial(tx *gorm.DB, id int64) error {
	o, ok, err := find[model.Official](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_official_id", id, nil), syncDoc(tx, model.TypeOfficial, id, "", ""))
	}
	var positions []*model.Position
	if err := tx.Where("official_id = ?", id).Order("id").Find(&positions).Error; err != nil {
		return err
	}
	var entries []*model.TimelineEntry
	var posts []string
	for _, p := range positions {
		post := p.Title
		if p.Organization != nil {
			post += ", " + *p.Organization
		}
		posts = append(posts, post)
		base := model.TimelineEntry{
			SubjectOfficialID: &o.ID, PositionID: &p.ID,
			Countries: codesOf(p.CountryCode, o.CountryCode), Officials: []int64{o.ID},
		}
		if p.Start != nil {
			e := base
			e.Kind, e.Date, e.EndDate = model.EntryPositionStarted, *p.Start, p.End
			e.Title, e.Origin = o.Name+" becomes "+post, fmt.Sprintf("position:%d:started", p.ID)
			entries = append(entries, &e)
		}
		if p.End != nil {
			e := base
			e.Kind, e.Date = model.EntryPositionEnded, *p.End
			e.Title, e.Origin = o.Name+" leaves "+post, fmt.Sprintf("position:%d:ended", p.ID)
			entries = append(entries, &e)
		}
	}
	if err := syncEntries(tx, "subject_official_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeOfficial, id, join(append([]string{o.Name}, o.OtherNames...)...), join(posts...))
}

func deriveInitiative(tx *gorm.DB, id int64) error {
	x, ok, err := find[model.Initiative](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_initiative_id", id, nil), syncDoc(tx, model.TypeInitiative, id, "", ""))
	}
	var changes []*model.InitiativeStatusChange
	if err := tx.Where("initiative_id = ?", id).Order("changed_on, id").Find(&changes).Error; err != nil {
		return err
	}
	var topics []int64
	if err := tx.Table("initiative_topics").Where("initiative_id = ?", id).Pluck("topic_id", &topics).Error; err != nil {
		return err
	}
	var officials []int64
	if x.ProposedByID != nil {
		officials = []int64{*x.ProposedByID}
	}
	base := model.TimelineEntry{
		PlatformID: x.PlatformID, SubjectInitiativeID: &x.ID,
		Countries: codesOf(x.CountryCode, x.Location.CountryCode), Topics: topics, Officials: officials,
	}
	var entries []*model.TimelineEntry
	if x.ProposedOn != nil {
		e := base
		e.Kind, e.Date, e.Title, e.Summary = model.EntryInitiativeProposed, *x.ProposedOn, x.Title+" proposed", x.Description
		e.Origin = fmt.Sprintf("initiative:%d:proposed", id)
		entries = append(entries, &e)
	}
	for _, c := range changes {
		// The proposal entry already stands for the initial status recorded on that day.
		if x.ProposedOn != nil && c.Status == model.InitiativeStatusProposed && c.On == *x.ProposedOn {
			continue
		}
		e := base
		e.Kind, e.Date, e.Summary = model.EntryInitiativeStatusChanged, c.On, c.Note
		e.Title = fmt.Sprintf("%s: %s", x.Title, strings.ToLower(strings.ReplaceAll(string(c.Status), "_", " ")))
		e.Origin, e.StatusChangeID = fmt.Sprintf("status:%d", c.ID), &c.ID
		entries = append(entries, &e)
	}
	if err := syncEntries(tx, "subject_initiative_id", id, entries); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeInitiative, id, x.Title, join(deref(x.Description), deref(x.Location.City)))
}

func deriveStatement(tx *gorm.DB, id int64) error {
	st, ok, err := find[model.Statement](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncEntries(tx, "subject_statement_id", id, nil), syncDoc(tx, model.TypeStatement, id, "", ""))
	}
	var o model.Official
	if err := tx.Take(&o, st.OfficialID).Error; err != nil {
		return err
	}
	e := &model.TimelineEntry{
		Kind: model.EntryStatement, Date: st.Date, Title: o.Name + ": " + clip(st.Text, 140), Summary: &st.Text,
		Origin: fmt.Sprintf("statement:%d", id), SubjectStatementID: &st.ID,
		Countries: codesOf(o.CountryCode), Officials: []int64{o.ID},
	}
	if st.SessionID != nil {
		var x model.Session
		if err := tx.Take(&x, *st.SessionID).Error; err != nil {
			return err
		}
		e.PlatformID = x.PlatformID
		e.Countries = append(e.Countries, codesOf(x.HostCountryCode)...)
		if err := tx.Table("session_topics").Where("session_id = ?", x.ID).Pluck("topic_id", &e.Topics).Error; err != nil {
			return err
		}
	}
	if err := syncEntries(tx, "subject_statement_id", id, []*model.TimelineEntry{e}); err != nil {
		return err
	}
	return syncDoc(tx, model.TypeStatement, id, o.Name, st.Text)
}

func deriveSource(tx *gorm.DB, id int64) error {
	src, ok, err := find[model.Source](tx, id)
	if err != nil || !ok {
		return errors.Join(err, syncDoc(tx, model.TypeSource, id, "", ""))
	}
	var excerpts []string
	if err := tx.Model(&model.Citation{}).Where("source_id = ? AND excerpt IS NOT NULL", id).Order("id").Pluck("excerpt", &excerpts).Error; err != nil {
		return err
	}
	return syncDoc(tx, model.TypeSource, id, join(src.Title, deref(src.Publisher)), join(append([]string{deref(src.Excerpt)}, excerpts...)...))
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
		e.TextKey = strings.ToLower(join(e.Title, deref(e.Summary)))
		e.LastKey = e.Date.LastKey()
		if e.EndDate != nil && e.EndDate.LastKey() > e.LastKey {
			e.LastKey = e.EndDate.LastKey()
		}
		if err := tx.Save(e).Error; err != nil {
			return err
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
