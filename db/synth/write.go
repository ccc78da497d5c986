package synth

import (
	"encoding/json"
	"time"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// genTime is the creation time of every generated record, so the world is the same on
// every run.
var genTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Value helpers: typed nil pointers become NULL.
func sv(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func iv(n *int64) any {
	if n == nil {
		return nil
	}
	return *n
}

func dv(d *model.Date) any {
	if d == nil {
		return nil
	}
	return d.Key()
}

func fv(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// write inserts the world, then its timeline entries and search documents, and returns
// the number of entries. Each step writes a table, or a table with those of its nested
// lists, whose keys it assigns; a record's table comes before those that refer to it.
func (w *world) write(l *db.Loader, progress func(string, int64)) (int, error) {
	t := tables{l, progress}
	for _, step := range []func(tables) error{
		w.writeTopics, w.writePlatforms, w.writeOfficials, w.writeSessions, w.writeInitiatives,
		w.writeStatements, w.writeSources, w.writeCitations,
	} {
		if err := step(t); err != nil {
			return 0, err
		}
	}
	return w.writeDerived(l, progress)
}

// tables writes the rows of the world's tables into a bulk load, telling progress of each.
type tables struct {
	l        *db.Loader
	progress func(string, int64)
}

// insert writes rows into table and tells progress the stage, with the rows written.
func (t tables) insert(stage, table string, cols []string, rows [][]any) error {
	if err := t.l.Insert(table, cols, rows); err != nil {
		return err
	}
	t.progress(stage, int64(len(rows)))
	return nil
}

// writeTopics writes the topics.
func (w *world) writeTopics(t tables) error {
	var rows [][]any
	for _, x := range w.topics {
		rows = append(rows, []any{x.ID, x.Slug, x.Name, sv(x.Description)})
	}
	return t.insert("topics", "topics", []string{"id", "slug", "name", "description"}, rows)
}

// writePlatforms writes the platforms, then their members, numbered in platform order.
func (w *world) writePlatforms(t tables) error {
	var rows, memberRows [][]any
	memberID := int64(0)
	for _, p := range w.platforms {
		rows = append(rows, []any{p.ID, p.Slug, p.Name, sv(p.FullName), sv(p.Description), string(p.Kind), dv(p.Founded), dv(p.Dissolved), sv(p.Website), genTime, genTime})
		for _, m := range w.members[p.ID] {
			memberID++
			m.ID = memberID
			memberRows = append(memberRows, []any{m.ID, m.PlatformID, m.CountryCode, string(m.Role), dv(m.Since), dv(m.Until)})
		}
	}
	if err := t.insert("platforms", "platforms", []string{"id", "slug", "name", "full_name", "description", "kind", "founded", "dissolved", "website", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	return t.insert("platform members", "platform_members", []string{"id", "platform_id", "country_code", "role", "since", "until"}, memberRows)
}

// writeOfficials writes the officials, then their positions, numbered in official order.
func (w *world) writeOfficials(t tables) error {
	var rows, posRows [][]any
	posID := int64(0)
	for _, o := range w.officials {
		names, _ := json.Marshal(o.OtherNames)
		rows = append(rows, []any{o.ID, o.Slug, o.Name, string(names), sv(o.CountryCode), genTime, genTime})
		for _, p := range w.positions[o.ID] {
			posID++
			p.ID = posID
			posRows = append(posRows, []any{p.ID, p.OfficialID, p.Title, sv(p.Organization), sv(p.CountryCode), dv(p.Start), dv(p.End)})
		}
	}
	if err := t.insert("officials", "officials", []string{"id", "slug", "name", "other_names", "country_code", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	return t.insert("positions", "positions", []string{"id", "official_id", "title", "organization", "country_code", "start_date", "end_date"}, posRows)
}

// writeSessions writes the sessions, then their topics, subject countries and
// participants, these numbered in session order.
func (w *world) writeSessions(t tables) error {
	var rows, topicRows, subjectRows, partRows [][]any
	partID := int64(0)
	for _, x := range w.sessions {
		l := x.Location
		rows = append(rows, []any{x.ID, x.Slug, x.Title, string(x.Kind), iv(x.PlatformID), iv(x.ParentID), x.Start.Key(), dv(x.End),
			sv(l.City), sv(l.CountryCode), sv(l.Venue), fv(l.Latitude), fv(l.Longitude), sv(x.HostCountryCode), sv(x.Summary), genTime, genTime})
		for _, topic := range w.sessionTops[x.ID] {
			topicRows = append(topicRows, []any{x.ID, topic})
		}
		for _, c := range w.subjects[x.ID] {
			subjectRows = append(subjectRows, []any{x.ID, c})
		}
		for i := range w.participants[x.ID] {
			p := &w.participants[x.ID][i]
			partID++
			p.ID = partID
			partRows = append(partRows, []any{p.ID, p.SessionID, p.OfficialID, sv(p.Role), sv(p.CountryCode)})
		}
	}
	if err := t.insert("sessions", "sessions", []string{"id", "slug", "title", "kind", "platform_id", "parent_id", "start_date", "end_date",
		"location_city", "location_country_code", "location_venue", "location_latitude", "location_longitude", "host_country_code",
		"summary", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	if err := t.insert("session topics", "session_topics", []string{"session_id", "topic_id"}, topicRows); err != nil {
		return err
	}
	if err := t.insert("session subjects", "session_subject_countries", []string{"session_id", "country_code"}, subjectRows); err != nil {
		return err
	}
	return t.insert("participants", "participants", []string{"id", "session_id", "official_id", "role", "country_code"}, partRows)
}

// writeInitiatives writes the initiatives, then their status histories, numbered in
// initiative order, their topics and their sessions.
func (w *world) writeInitiatives(t tables) error {
	var rows, changeRows, itRows, isRows [][]any
	changeID := int64(0)
	for _, x := range w.initiatives {
		l := x.Location
		rows = append(rows, []any{x.ID, x.Slug, x.Title, sv(x.Description), string(x.Status), dv(x.ProposedOn), iv(x.ProposedByID), sv(x.CountryCode),
			sv(l.City), sv(l.CountryCode), sv(l.Venue), fv(l.Latitude), fv(l.Longitude), iv(x.PlatformID), genTime, genTime})
		for _, c := range w.changes[x.ID] {
			changeID++
			c.ID = changeID
			changeRows = append(changeRows, []any{c.ID, c.InitiativeID, string(c.Status), c.On.Key(), sv(c.Note)})
		}
		for _, topic := range w.initTopics[x.ID] {
			itRows = append(itRows, []any{x.ID, topic})
		}
		for _, sid := range w.initSessions[x.ID] {
			isRows = append(isRows, []any{x.ID, sid})
		}
	}
	if err := t.insert("initiatives", "initiatives", []string{"id", "slug", "title", "description", "status", "proposed_on", "proposed_by_id", "country_code",
		"location_city", "location_country_code", "location_venue", "location_latitude", "location_longitude", "platform_id", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	if err := t.insert("status history", "initiative_status_changes", []string{"id", "initiative_id", "status", "changed_on", "note"}, changeRows); err != nil {
		return err
	}
	if err := t.insert("initiative topics", "initiative_topics", []string{"initiative_id", "topic_id"}, itRows); err != nil {
		return err
	}
	return t.insert("initiative sessions", "initiative_sessions", []string{"initiative_id", "session_id"}, isRows)
}

// writeStatements writes the statements.
func (w *world) writeStatements(t tables) error {
	var rows [][]any
	for _, st := range w.statements {
		rows = append(rows, []any{st.ID, st.OfficialID, iv(st.SessionID), st.Date.Key(), st.Text, genTime, genTime})
	}
	return t.insert("statements", "statements", []string{"id", "official_id", "session_id", "stated_on", "text", "created_at", "updated_at"}, rows)
}

// writeSources writes the sources.
func (w *world) writeSources(t tables) error {
	var rows [][]any
	for _, s := range w.sources {
		rows = append(rows, []any{s.ID, s.Title, sv(s.Publisher), sv(s.URL), dv(s.PublishedOn), sv(s.Language), sv(s.Excerpt), genTime, genTime})
	}
	return t.insert("sources", "sources", []string{"id", "title", "publisher", "url", "published_on", "language", "excerpt", "created_at", "updated_at"}, rows)
}

// writeCitations writes the citations, numbered in the order they were made, after the
// sources and the records that cite them.
func (w *world) writeCitations(t tables) error {
	var rows [][]any
	for i, c := range w.citations {
		c.ID = int64(i + 1)
		rows = append(rows, []any{c.ID, c.SourceID, iv(c.PlatformID), iv(c.SessionID), iv(c.InitiativeID), iv(c.StatementID), sv(c.Excerpt)})
	}
	return t.insert("citations", "citations", []string{"id", "source_id", "platform_id", "session_id", "initiative_id", "statement_id", "excerpt"}, rows)
}

// writeDerived writes the timeline entries and search documents of the world, made by the
// same functions that keep them in step with single writes (db.Derivation).
func (w *world) writeDerived(l *db.Loader, progress func(string, int64)) (int, error) {
	var d db.Derivation
	for _, p := range w.platforms {
		var codes []string
		for _, m := range w.members[p.ID] {
			codes = append(codes, m.CountryCode)
		}
		d.Platform(p, codes)
	}
	for _, x := range w.sessions {
		d.Session(x, w.participants[x.ID], w.subjects[x.ID], w.sessionTops[x.ID])
	}
	for _, o := range w.officials {
		d.Official(o, w.positions[o.ID])
	}
	for _, x := range w.initiatives {
		d.Initiative(x, w.changes[x.ID], w.initTopics[x.ID])
	}
	for _, st := range w.statements {
		x := w.sessions[*st.SessionID-1]
		d.Statement(st, w.officials[st.OfficialID-1], x, w.sessionTops[x.ID])
	}
	for _, s := range w.sources {
		d.Source(s, nil)
	}
	if err := d.Write(l, progress); err != nil {
		return 0, err
	}
	return d.Entries(), nil
}
