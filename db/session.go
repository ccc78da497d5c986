package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// Session returns the session with the slug.
func (s *Store) Session(ctx context.Context, slug string) (*model.Session, error) {
	return first[model.Session](ctx, s.gdb, "session "+slug, "slug = ?", slug)
}

// SessionsByIDs returns the sessions with the keys, by key.
func (s *Store) SessionsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Session, error) {
	rows, err := whereIn[model.Session](ctx, s.gdb, "id", ids, "")
	return IndexBy(rows, func(x *model.Session) int64 { return x.ID }), err
}

// ChildrenBySession returns the sessions held on the sidelines of each session.
func (s *Store) ChildrenBySession(ctx context.Context, ids []int64) (map[int64][]*model.Session, error) {
	rows, err := whereIn[model.Session](ctx, s.gdb, "parent_id", ids, "start_date, id")
	return GroupBy(rows, func(x *model.Session) int64 { return *x.ParentID }), err
}

// SessionsByInitiative returns the sessions linked to each initiative, oldest first.
func (s *Store) SessionsByInitiative(ctx context.Context, ids []int64) (map[int64][]*model.Session, error) {
	return linked[model.Session](ctx, s.gdb, "sessions", "initiative_sessions", "initiative_id", "session_id", "id", ids, "sessions.start_date, sessions.id")
}

// ParticipantsBySession returns the participants of each session.
func (s *Store) ParticipantsBySession(ctx context.Context, ids []int64) (map[int64][]*model.Participant, error) {
	rows, err := whereIn[model.Participant](ctx, s.gdb, "session_id", ids, "id")
	return GroupBy(rows, func(x *model.Participant) int64 { return x.SessionID }), err
}

// SubjectCountriesBySession returns the subject countries of each session.
func (s *Store) SubjectCountriesBySession(ctx context.Context, ids []int64) (map[int64][]*model.Country, error) {
	return linked[model.Country](ctx, s.gdb, "countries", "session_subject_countries", "session_id", "country_code", "code", ids, "countries.code")
}

// TopicsBySession returns the topics of each session.
func (s *Store) TopicsBySession(ctx context.Context, ids []int64) (map[int64][]*model.Topic, error) {
	return linked[model.Topic](ctx, s.gdb, "topics", "session_topics", "session_id", "topic_id", "id", ids, "topics.name, topics.id")
}

// SessionScope narrows a session connection to one parent record, for the nested
// connections Platform.sessions, Official.sessions and Topic.sessions.
type SessionScope struct {
	PlatformID int64
	OfficialID int64
	TopicID    int64
}

// Sessions returns a page of sessions matching the filter within the scope.
func (s *Store) Sessions(ctx context.Context, scope SessionScope, f *model.SessionFilter, order *model.SessionOrder, p Page) (*Conn[model.Session], error) {
	if f == nil {
		f = &model.SessionFilter{}
	}
	codes, err := filterCodes("filter.countries", f.Countries)
	if err != nil {
		return nil, err
	}
	key := sortKey[model.Session]{expr: "sessions.start_date", value: func(x *model.Session) any { return x.Start.Key() }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
		switch order.Field {
		case model.SessionOrderFieldTitle:
			key.expr, key.value = s.sortable("sessions.title"), func(x *model.Session) any { return x.Title }
		case model.SessionOrderFieldSlug:
			key.expr, key.value = "sessions.slug", func(x *model.Session) any { return x.Slug }
		}
	}
	return paginate(ctx, s.gdb, "sessions.id", func(x *model.Session) any { return x.ID }, p, key, func(q *gorm.DB) *gorm.DB {
		if scope.PlatformID != 0 {
			q = q.Where("sessions.platform_id = ?", scope.PlatformID)
		}
		if scope.OfficialID != 0 {
			q = q.Where("sessions.id IN (SELECT session_id FROM participants WHERE official_id = ?)", scope.OfficialID)
		}
		if scope.TopicID != 0 {
			q = q.Where("sessions.id IN (SELECT session_id FROM session_topics WHERE topic_id = ?)", scope.TopicID)
		}
		if f.Platforms != nil {
			q = q.Where("sessions.platform_id IN (SELECT id FROM platforms WHERE slug IN ?)", f.Platforms)
		}
		if f.Kinds != nil {
			q = q.Where("sessions.kind IN ?", f.Kinds)
		}
		if f.From != nil {
			q = q.Where(lastKeySQL("COALESCE(sessions.end_date, sessions.start_date)")+" >= ?", f.From.Key())
		}
		if f.To != nil {
			q = q.Where("sessions.start_date <= ?", f.To.LastKey())
		}
		if f.Countries != nil {
			q = q.Where("(sessions.host_country_code IN ? OR sessions.location_country_code IN ?)", codes, codes)
		}
		if f.Topics != nil {
			q = q.Where("sessions.id IN (SELECT st.session_id FROM session_topics st JOIN topics t ON t.id = st.topic_id WHERE t.slug IN ?)", f.Topics)
		}
		if f.Officials != nil {
			q = q.Where("sessions.id IN (SELECT pa.session_id FROM participants pa JOIN officials o ON o.id = pa.official_id WHERE o.slug IN ?)", f.Officials)
		}
		return q
	})
}

// lastKeySQL returns SQL for the last-day key of the date key expression expr (see
// model.Date.LastKey).
func lastKeySQL(expr string) string {
	return fmt.Sprintf("(%s + CASE WHEN %s %% 10000 = 0 THEN 9999 WHEN %s %% 100 = 0 THEN 99 ELSE 0 END)", expr, expr, expr)
}

// CreateSession creates a session with its topics and subject countries.
func (s *Store) CreateSession(ctx context.Context, in model.SessionInput) (*model.Session, error) {
	x := &model.Session{Slug: in.Slug, Title: in.Title, Kind: in.Kind, PlatformID: in.PlatformID, ParentID: in.ParentID,
		Start: in.Start, End: in.End, Summary: in.Summary}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := optRef(ctx, tx, "platform", model.TypePlatform, in.PlatformID); err != nil {
			return err
		}
		if err := optRef(ctx, tx, "parent", model.TypeSession, in.ParentID); err != nil {
			return err
		}
		var err error
		if x.Location, err = location(ctx, tx, "location", in.Location); err != nil {
			return err
		}
		if x.HostCountryCode, err = requireCountry(ctx, tx, "hostCountry", in.HostCountryCode); err != nil {
			return err
		}
		if err := saveSession(ctx, tx, x); err != nil {
			return err
		}
		if err := setSessionLinks(ctx, tx, x.ID, given(in.SubjectCountryCodes), given(in.TopicIDs)); err != nil {
			return err
		}
		return touchSession(ctx, tx, x.ID)
	})
	return x, err
}

// UpdateSession changes the fields of the session that the patch sets.
func (s *Store) UpdateSession(ctx context.Context, id int64, patch model.SessionPatch) (*model.Session, error) {
	var x *model.Session
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Session](ctx, tx, "id", model.TypeSession, id); err != nil {
			return err
		}
		for _, e := range []error{
			setRequired("slug", patch.Slug, &x.Slug),
			setRequired("title", patch.Title, &x.Title),
			setRequired("kind", patch.Kind, &x.Kind),
			setRequired("start", patch.Start, &x.Start),
		} {
			if e != nil {
				return e
			}
		}
		setOptional(patch.End, &x.End)
		setOptional(patch.Summary, &x.Summary)
		if p := patch.PlatformID; p.Set {
			if err := optRef(ctx, tx, "platform", model.TypePlatform, p.Value); err != nil {
				return err
			}
			x.PlatformID = p.Value
		}
		if p := patch.ParentID; p.Set {
			if err := optRef(ctx, tx, "parent", model.TypeSession, p.Value); err != nil {
				return err
			}
			x.ParentID = p.Value
			if err := checkNoCycle(ctx, tx, x); err != nil {
				return err
			}
		}
		if p := patch.Location; p.Set {
			if x.Location, err = location(ctx, tx, "location", p.Value); err != nil {
				return err
			}
		}
		if p := patch.HostCountryCode; p.Set {
			if x.HostCountryCode, err = requireCountry(ctx, tx, "hostCountry", p.Value); err != nil {
				return err
			}
		}
		if err := saveSession(ctx, tx, x); err != nil {
			return err
		}
		if err := setSessionLinks(ctx, tx, x.ID, patch.SubjectCountryCodes, patch.TopicIDs); err != nil {
			return err
		}
		return touchSession(ctx, tx, x.ID)
	})
	return x, err
}

// checkNoCycle refuses a parent chain that leads back to the session.
func checkNoCycle(ctx context.Context, tx *gorm.DB, x *model.Session) error {
	seen := map[int64]bool{x.ID: true}
	for p := x.ParentID; p != nil; {
		if seen[*p] {
			return model.FieldErrorf("parent", "a session cannot be its own ancestor")
		}
		seen[*p] = true
		var parent model.Session
		if err := tx.WithContext(ctx).Select("id", "parent_id").Take(&parent, *p).Error; err != nil {
			return fmt.Errorf("check parent: %w", err)
		}
		p = parent.ParentID
	}
	return nil
}

func saveSession(ctx context.Context, tx *gorm.DB, x *model.Session) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if err := slugFree(ctx, tx, "sessions", x.Slug, x.ID); err != nil {
		return err
	}
	if err := save(ctx, tx, model.TypeSession, x.ID, x); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// setSessionLinks replaces the subject countries and topics of a session where set.
func setSessionLinks(ctx context.Context, tx *gorm.DB, id int64, codes model.Patch[[]string], topics model.Patch[[]int64]) error {
	if codes.Set {
		norm, err := requireCountries(ctx, tx, "subjectCountries", codes.Value)
		if err != nil {
			return err
		}
		if err := replaceLinks(ctx, tx, "session_subject_countries", "session_id", "country_code", id, norm); err != nil {
			return err
		}
	}
	if topics.Set {
		keys, err := refs(ctx, tx, "topics", model.TypeTopic, topics.Value)
		if err != nil {
			return err
		}
		if err := replaceLinks(ctx, tx, "session_topics", "session_id", "topic_id", id, keys); err != nil {
			return err
		}
	}
	return nil
}

// DeleteSession deletes a session with its participants, links and citations; its
// statements and side sessions stay, detached.
func (s *Store) DeleteSession(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		// Its statements stay, detached: their entries lose the session's platform.
		affected, err := statementsOf(ctx, tx, "session_id", id)
		if err != nil {
			return err
		}
		return deleteCiting(ctx, tx, model.TypeSession, id, affected...)
	})
}

// touchSession updates the derived data of a session and of the statements made at it,
// whose entries take the session's platform, host and topics.
func touchSession(ctx context.Context, tx *gorm.DB, id int64) error {
	affected, err := statementsOf(ctx, tx, "session_id", id)
	if err != nil {
		return err
	}
	return touch(ctx, tx, append(affected, subject{model.TypeSession, id})...)
}

// statementsOf returns the statements whose column is id, as subjects.
func statementsOf(ctx context.Context, tx *gorm.DB, column string, id int64) ([]subject, error) {
	var ids []int64
	if err := tx.WithContext(ctx).Model(&model.Statement{}).Where(column+" = ?", id).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("find statements: %w", err)
	}
	out := make([]subject, len(ids))
	for i, n := range ids {
		out[i] = subject{model.TypeStatement, n}
	}
	return out, nil
}

// AddParticipant adds an official to a session, or updates their role and country.
func (s *Store) AddParticipant(ctx context.Context, sessionID, officialID int64, role, countryCode *string) (*model.Session, error) {
	var x *model.Session
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Session](ctx, tx, "session", model.TypeSession, sessionID); err != nil {
			return err
		}
		if err := ref(ctx, tx, "official", model.TypeOfficial, officialID); err != nil {
			return err
		}
		p := &model.Participant{SessionID: x.ID, OfficialID: officialID, Role: role}
		if p.CountryCode, err = requireCountry(ctx, tx, "country", countryCode); err != nil {
			return err
		}
		if p.CountryCode == nil {
			// Without a country given, the official represents their own.
			var o model.Official
			if err := tx.WithContext(ctx).Select("country_code").Take(&o, p.OfficialID).Error; err != nil {
				return fmt.Errorf("add participant: %w", err)
			}
			p.CountryCode = o.CountryCode
		}
		if err := addParticipant(ctx, tx, p); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeSession, x.ID})
	})
	return x, err
}

func addParticipant(ctx context.Context, tx *gorm.DB, p *model.Participant) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var existing model.Participant
	res := tx.WithContext(ctx).Where("session_id = ? AND official_id = ?", p.SessionID, p.OfficialID).Limit(1).Find(&existing)
	if res.Error != nil {
		return fmt.Errorf("add participant: %w", res.Error)
	}
	if res.RowsAffected > 0 {
		p.ID = existing.ID
	}
	if err := tx.WithContext(ctx).Save(p).Error; err != nil {
		return fmt.Errorf("add participant: %w", err)
	}
	return nil
}

// RemoveParticipant removes an official from a session.
func (s *Store) RemoveParticipant(ctx context.Context, sessionID, officialID int64) (*model.Session, error) {
	var x *model.Session
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Session](ctx, tx, "session", model.TypeSession, sessionID); err != nil {
			return err
		}
		res := tx.WithContext(ctx).Where("session_id = ? AND official_id = ?", x.ID, officialID).Delete(&model.Participant{})
		if res.Error != nil {
			return fmt.Errorf("remove participant: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return &model.Error{Code: model.ENOTFOUND, Field: "official", Message: "the official is not a participant of this session"}
		}
		return touch(ctx, tx, subject{model.TypeSession, x.ID})
	})
	return x, err
}
