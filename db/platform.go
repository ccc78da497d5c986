package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// Platform returns the platform with the slug.
func (s *Store) Platform(ctx context.Context, slug string) (*model.Platform, error) {
	return first[model.Platform](ctx, s.gdb, "platform "+slug, "slug = ?", slug)
}

// PlatformsByIDs returns the platforms with the keys, by key.
func (s *Store) PlatformsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Platform, error) {
	rows, err := whereIn[model.Platform](ctx, s.gdb, "id", ids, "")
	return IndexBy(rows, func(p *model.Platform) int64 { return p.ID }), err
}

// MembersByPlatform returns the memberships of each platform, by country code.
func (s *Store) MembersByPlatform(ctx context.Context, ids []int64) (map[int64][]*model.PlatformMember, error) {
	rows, err := whereIn[model.PlatformMember](ctx, s.gdb, "platform_id", ids, "country_code, since, id")
	return GroupBy(rows, func(m *model.PlatformMember) int64 { return m.PlatformID }), err
}

// Platforms returns a page of platforms.
func (s *Store) Platforms(ctx context.Context, f *model.PlatformFilter, order *model.PlatformOrder, p Page) (*Conn[model.Platform], error) {
	if f == nil {
		f = &model.PlatformFilter{}
	}
	codes, err := filterCodes("filter.countries", f.Countries)
	if err != nil {
		return nil, err
	}
	key := sortKey[model.Platform]{expr: s.sortable("platforms.name"), value: func(p *model.Platform) any { return p.Name }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
		switch order.Field {
		case model.PlatformOrderFieldSlug:
			key.expr, key.value = "platforms.slug", func(p *model.Platform) any { return p.Slug }
		case model.PlatformOrderFieldFounded:
			key.expr, key.value = "COALESCE(platforms.founded, 0)", func(p *model.Platform) any { return dateKey(p.Founded) }
		}
	}
	return paginate(ctx, s.gdb, "platforms.id", func(p *model.Platform) any { return p.ID }, p, key, func(q *gorm.DB) *gorm.DB {
		if f.Kinds != nil {
			q = q.Where("platforms.kind IN ?", f.Kinds)
		}
		if f.Slugs != nil {
			q = q.Where("platforms.slug IN ?", f.Slugs)
		}
		if f.Countries != nil {
			q = q.Where("platforms.id IN (SELECT platform_id FROM platform_members WHERE country_code IN ?)", codes)
		}
		return q
	})
}

// dateKey returns the storage key of an optional date, 0 for none (sorting first).
func dateKey(d *model.Date) int64 {
	if d == nil {
		return 0
	}
	return d.Key()
}

// CreatePlatform creates a platform.
func (s *Store) CreatePlatform(ctx context.Context, in model.PlatformInput) (*model.Platform, error) {
	p := &model.Platform{Slug: in.Slug, Name: in.Name, FullName: in.FullName, Description: in.Description,
		Kind: in.Kind, Founded: in.Founded, Dissolved: in.Dissolved, Website: in.Website}
	return p, s.write(ctx, func(tx *gorm.DB) error {
		if err := savePlatform(ctx, tx, p); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypePlatform, p.ID})
	})
}

// UpdatePlatform changes the fields of the platform that the patch sets.
func (s *Store) UpdatePlatform(ctx context.Context, id int64, patch model.PlatformPatch) (*model.Platform, error) {
	var p *model.Platform
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if p, err = load[model.Platform](ctx, tx, "id", model.TypePlatform, id); err != nil {
			return err
		}
		for _, e := range []error{
			setRequired("slug", patch.Slug, &p.Slug),
			setRequired("name", patch.Name, &p.Name),
			setRequired("kind", patch.Kind, &p.Kind),
		} {
			if e != nil {
				return e
			}
		}
		setOptional(patch.FullName, &p.FullName)
		setOptional(patch.Description, &p.Description)
		setOptional(patch.Founded, &p.Founded)
		setOptional(patch.Dissolved, &p.Dissolved)
		setOptional(patch.Website, &p.Website)
		if err := savePlatform(ctx, tx, p); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypePlatform, p.ID})
	})
	return p, err
}

func savePlatform(ctx context.Context, tx *gorm.DB, p *model.Platform) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := slugFree(ctx, tx, "platforms", p.Slug, p.ID); err != nil {
		return err
	}
	if err := save(ctx, tx, model.TypePlatform, p.ID, p); err != nil {
		return fmt.Errorf("save platform: %w", err)
	}
	return nil
}

// DeletePlatform deletes a platform, its memberships and citations; its sessions and
// initiatives stay, detached.
func (s *Store) DeletePlatform(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error { return deleteCiting(ctx, tx, model.TypePlatform, id) })
}

// AddPlatformMember adds a membership of the country to the platform.
func (s *Store) AddPlatformMember(ctx context.Context, platformID int64, countryCode string, role *model.MembershipRole, since, until *model.Date) (*model.Platform, error) {
	var p *model.Platform
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if p, err = load[model.Platform](ctx, tx, "platform", model.TypePlatform, platformID); err != nil {
			return err
		}
		code, err := requireCountry(ctx, tx, "country", &countryCode)
		if err != nil {
			return err
		}
		m := &model.PlatformMember{PlatformID: p.ID, CountryCode: *code, Role: model.MembershipRoleMember, Since: since, Until: until}
		if role != nil {
			m.Role = *role
		}
		if err := addMember(ctx, tx, m); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypePlatform, p.ID})
	})
	return p, err
}

func addMember(ctx context.Context, tx *gorm.DB, m *model.PlatformMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	var existing []*model.PlatformMember
	if err := tx.WithContext(ctx).Where("platform_id = ? AND country_code = ?", m.PlatformID, m.CountryCode).Find(&existing).Error; err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	for _, e := range existing {
		if overlapping(e.Since, e.Until, m.Since, m.Until) {
			return &model.Error{Code: model.ECONFLICT, Field: "country",
				Message: fmt.Sprintf("%s already has a membership overlapping that period; remove it first", m.CountryCode)}
		}
	}
	if err := tx.WithContext(ctx).Create(m).Error; err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	return nil
}

// overlapping reports whether two spans, open where nil, share a day.
func overlapping(aFrom, aTo, bFrom, bTo *model.Date) bool {
	if aTo != nil && bFrom != nil && aTo.EndsBefore(*bFrom) {
		return false
	}
	if bTo != nil && aFrom != nil && bTo.EndsBefore(*aFrom) {
		return false
	}
	return true
}

// RemovePlatformMember removes every membership of the country in the platform.
func (s *Store) RemovePlatformMember(ctx context.Context, platformID int64, countryCode string) (*model.Platform, error) {
	var p *model.Platform
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if p, err = load[model.Platform](ctx, tx, "platform", model.TypePlatform, platformID); err != nil {
			return err
		}
		code, err := model.NormalizeCountryCode("country", countryCode)
		if err != nil {
			return err
		}
		res := tx.WithContext(ctx).Where("platform_id = ? AND country_code = ?", p.ID, code).Delete(&model.PlatformMember{})
		if res.Error != nil {
			return fmt.Errorf("remove member: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return &model.Error{Code: model.ENOTFOUND, Field: "country", Message: fmt.Sprintf("%s is not a member of %s", code, p.Slug)}
		}
		return touch(ctx, tx, subject{model.TypePlatform, p.ID})
	})
	return p, err
}
