package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// Initiative returns the initiative with the slug.
func (s *Store) Initiative(ctx context.Context, slug string) (*model.Initiative, error) {
	return first[model.Initiative](ctx, s.gdb, "initiative "+slug, "slug = ?", slug)
}

// InitiativesByIDs returns the initiatives with the keys, by key.
func (s *Store) InitiativesByIDs(ctx context.Context, ids []int64) (map[int64]*model.Initiative, error) {
	rows, err := whereIn[model.Initiative](ctx, s.gdb, "id", ids, "")
	return IndexBy(rows, func(x *model.Initiative) int64 { return x.ID }), err
}

// InitiativesByPlatform returns the initiatives of each platform.
func (s *Store) InitiativesByPlatform(ctx context.Context, ids []int64) (map[int64][]*model.Initiative, error) {
	rows, err := whereIn[model.Initiative](ctx, s.gdb, "platform_id", ids, "COALESCE(proposed_on, 0), id")
	return GroupBy(rows, func(x *model.Initiative) int64 { return *x.PlatformID }), err
}

// InitiativesByProposer returns the initiatives each official proposed.
func (s *Store) InitiativesByProposer(ctx context.Context, ids []int64) (map[int64][]*model.Initiative, error) {
	rows, err := whereIn[model.Initiative](ctx, s.gdb, "proposed_by_id", ids, "COALESCE(proposed_on, 0), id")
	return GroupBy(rows, func(x *model.Initiative) int64 { return *x.ProposedByID }), err
}

// InitiativesBySession returns the initiatives linked to each session.
func (s *Store) InitiativesBySession(ctx context.Context, ids []int64) (map[int64][]*model.Initiative, error) {
	return linked[model.Initiative](ctx, s.gdb, "initiatives", "initiative_sessions", "session_id", "initiative_id", "id", ids, "initiatives.title, initiatives.id")
}

// TopicsByInitiative returns the topics of each initiative.
func (s *Store) TopicsByInitiative(ctx context.Context, ids []int64) (map[int64][]*model.Topic, error) {
	return linked[model.Topic](ctx, s.gdb, "topics", "initiative_topics", "initiative_id", "topic_id", "id", ids, "topics.name, topics.id")
}

// StatusHistoryByInitiative returns the status changes of each initiative, oldest first.
func (s *Store) StatusHistoryByInitiative(ctx context.Context, ids []int64) (map[int64][]*model.InitiativeStatusChange, error) {
	rows, err := whereIn[model.InitiativeStatusChange](ctx, s.gdb, "initiative_id", ids, "changed_on, id")
	return GroupBy(rows, func(x *model.InitiativeStatusChange) int64 { return x.InitiativeID }), err
}

// Initiatives returns a page of initiatives.
func (s *Store) Initiatives(ctx context.Context, f *model.InitiativeFilter, order *model.InitiativeOrder, p Page) (*Conn[model.Initiative], error) {
	if f == nil {
		f = &model.InitiativeFilter{}
	}
	codes, err := filterCodes("filter.countries", f.Countries)
	if err != nil {
		return nil, err
	}
	key := sortKey[model.Initiative]{expr: s.sortable("initiatives.title"), value: func(x *model.Initiative) any { return x.Title }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
		switch order.Field {
		case model.InitiativeOrderFieldProposedOn:
			key.expr, key.value = "COALESCE(initiatives.proposed_on, 0)", func(x *model.Initiative) any { return dateKey(x.ProposedOn) }
		case model.InitiativeOrderFieldSlug:
			key.expr, key.value = "initiatives.slug", func(x *model.Initiative) any { return x.Slug }
		}
	}
	return paginate(ctx, s.gdb, "initiatives.id", func(x *model.Initiative) any { return x.ID }, p, key, func(q *gorm.DB) *gorm.DB {
		if f.Statuses != nil {
			q = q.Where("initiatives.status IN ?", f.Statuses)
		}
		if f.Countries != nil {
			q = q.Where("initiatives.country_code IN ?", codes)
		}
		if f.ProposedBy != nil {
			q = q.Where("initiatives.proposed_by_id IN (SELECT id FROM officials WHERE slug IN ?)", f.ProposedBy)
		}
		if f.Platforms != nil {
			q = q.Where("initiatives.platform_id IN (SELECT id FROM platforms WHERE slug IN ?)", f.Platforms)
		}
		if f.Topics != nil {
			q = q.Where("initiatives.id IN (SELECT it.initiative_id FROM initiative_topics it JOIN topics t ON t.id = it.topic_id WHERE t.slug IN ?)", f.Topics)
		}
		return q
	})
}

// CreateInitiative creates an initiative; its initial status is recorded in the history
// on proposedOn when that is given.
func (s *Store) CreateInitiative(ctx context.Context, in model.InitiativeInput) (*model.Initiative, error) {
	x := &model.Initiative{Slug: in.Slug, Title: in.Title, Description: in.Description,
		Status: model.InitiativeStatusProposed, ProposedOn: in.ProposedOn, ProposedByID: in.ProposedByID, PlatformID: in.PlatformID}
	if in.Status != nil {
		x.Status = *in.Status
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := optRef(ctx, tx, "proposedBy", model.TypeOfficial, in.ProposedByID); err != nil {
			return err
		}
		if err := optRef(ctx, tx, "platform", model.TypePlatform, in.PlatformID); err != nil {
			return err
		}
		var err error
		if x.CountryCode, err = requireCountry(ctx, tx, "country", in.CountryCode); err != nil {
			return err
		}
		if x.Location, err = location(ctx, tx, "location", in.Location); err != nil {
			return err
		}
		if err := saveInitiative(ctx, tx, x); err != nil {
			return err
		}
		if x.ProposedOn != nil {
			change := &model.InitiativeStatusChange{InitiativeID: x.ID, Status: x.Status, On: *x.ProposedOn}
			if err := tx.Create(change).Error; err != nil {
				return fmt.Errorf("create initiative: %w", err)
			}
		}
		if err := setInitiativeLinks(ctx, tx, x.ID, given(in.SessionIDs), given(in.TopicIDs)); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeInitiative, x.ID})
	})
	return x, err
}

// UpdateInitiative changes the fields of the initiative that the patch sets.
func (s *Store) UpdateInitiative(ctx context.Context, id int64, patch model.InitiativePatch) (*model.Initiative, error) {
	var x *model.Initiative
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Initiative](ctx, tx, "id", model.TypeInitiative, id); err != nil {
			return err
		}
		if err := setRequired("slug", patch.Slug, &x.Slug); err != nil {
			return err
		}
		if err := setRequired("title", patch.Title, &x.Title); err != nil {
			return err
		}
		setOptional(patch.Description, &x.Description)
		oldProposedOn := x.ProposedOn
		setOptional(patch.ProposedOn, &x.ProposedOn)
		if p := patch.ProposedByID; p.Set {
			if err := optRef(ctx, tx, "proposedBy", model.TypeOfficial, p.Value); err != nil {
				return err
			}
			x.ProposedByID = p.Value
		}
		if p := patch.PlatformID; p.Set {
			if err := optRef(ctx, tx, "platform", model.TypePlatform, p.Value); err != nil {
				return err
			}
			x.PlatformID = p.Value
		}
		if p := patch.CountryCode; p.Set {
			if x.CountryCode, err = requireCountry(ctx, tx, "country", p.Value); err != nil {
				return err
			}
		}
		if p := patch.Location; p.Set {
			if x.Location, err = location(ctx, tx, "location", p.Value); err != nil {
				return err
			}
		}
		if err := saveInitiative(ctx, tx, x); err != nil {
			return err
		}
		if err := moveProposal(ctx, tx, x, oldProposedOn); err != nil {
			return err
		}
		if err := setInitiativeLinks(ctx, tx, x.ID, patch.SessionIDs, patch.TopicIDs); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeInitiative, x.ID})
	})
	return x, err
}

func saveInitiative(ctx context.Context, tx *gorm.DB, x *model.Initiative) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if err := slugFree(ctx, tx, "initiatives", x.Slug, x.ID); err != nil {
		return err
	}
	if err := save(ctx, tx, model.TypeInitiative, x.ID, x); err != nil {
		return fmt.Errorf("save initiative: %w", err)
	}
	return nil
}

func setInitiativeLinks(ctx context.Context, tx *gorm.DB, id int64, sessions, topics model.Patch[[]int64]) error {
	if sessions.Set {
		keys, err := refs(ctx, tx, "sessions", model.TypeSession, sessions.Value)
		if err != nil {
			return err
		}
		if err := replaceLinks(ctx, tx, "initiative_sessions", "initiative_id", "session_id", id, keys); err != nil {
			return err
		}
	}
	if topics.Set {
		keys, err := refs(ctx, tx, "topics", model.TypeTopic, topics.Value)
		if err != nil {
			return err
		}
		if err := replaceLinks(ctx, tx, "initiative_topics", "initiative_id", "topic_id", id, keys); err != nil {
			return err
		}
	}
	return nil
}

// DeleteInitiative deletes an initiative with its history, links and citations.
func (s *Store) DeleteInitiative(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error { return deleteCiting(ctx, tx, model.TypeInitiative, id) })
}

// SetInitiativeStatus records a dated status change; the initiative's status becomes that
// of its latest change (by date, then by order of recording).
func (s *Store) SetInitiativeStatus(ctx context.Context, initiativeID int64, status model.InitiativeStatus, on model.Date, note *string) (*model.Initiative, error) {
	var x *model.Initiative
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Initiative](ctx, tx, "initiative", model.TypeInitiative, initiativeID); err != nil {
			return err
		}
		// A change cannot precede the proposal: its period must reach the proposal's.
		if x.ProposedOn != nil && !on.IsZero() && on.LastKey() < x.ProposedOn.Key() {
			return model.FieldErrorf("on", "%s is before the initiative was proposed (%s)", on, x.ProposedOn)
		}
		if err := setStatus(ctx, tx, x, &model.InitiativeStatusChange{InitiativeID: x.ID, Status: status, On: on, Note: note}); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeInitiative, x.ID})
	})
	return x, err
}

func setStatus(ctx context.Context, tx *gorm.DB, x *model.Initiative, c *model.InitiativeStatusChange) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	return refreshStatus(ctx, tx, x)
}

// moveProposal keeps the initial PROPOSED change on the proposal date when that date
// moves: the history records the proposal, not the day it was first typed in.
func moveProposal(ctx context.Context, tx *gorm.DB, x *model.Initiative, old *model.Date) error {
	if old == nil || x.ProposedOn == nil || *old == *x.ProposedOn {
		return nil
	}
	err := tx.WithContext(ctx).Model(&model.InitiativeStatusChange{}).
		Where("initiative_id = ? AND status = ? AND changed_on = ?", x.ID, model.InitiativeStatusProposed, *old).
		Update("changed_on", *x.ProposedOn).Error
	if err != nil {
		return fmt.Errorf("move proposal: %w", err)
	}
	return refreshStatus(ctx, tx, x)
}

// refreshStatus sets the initiative's status to that of its latest change.
func refreshStatus(ctx context.Context, tx *gorm.DB, x *model.Initiative) error {
	var latest model.InitiativeStatusChange
	res := tx.WithContext(ctx).Where("initiative_id = ?", x.ID).Order("changed_on DESC, id DESC").Limit(1).Find(&latest)
	if res.Error != nil {
		return fmt.Errorf("set status: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil
	}
	x.Status = latest.Status
	x.UpdatedAt = time.Now().UTC()
	if err := tx.WithContext(ctx).Model(x).Updates(map[string]any{"status": x.Status}).Error; err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	return nil
}
