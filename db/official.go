package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// Official returns the official with the slug.
func (s *Store) Official(ctx context.Context, slug string) (*model.Official, error) {
	return first[model.Official](ctx, s.gdb, "official "+slug, "slug = ?", slug)
}

// OfficialsByIDs returns the officials with the keys, by key.
func (s *Store) OfficialsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Official, error) {
	rows, err := whereIn[model.Official](ctx, s.gdb, "id", ids, "")
	return IndexBy(rows, func(x *model.Official) int64 { return x.ID }), err
}

// PositionsByOfficial returns the positions of each official, earliest first.
func (s *Store) PositionsByOfficial(ctx context.Context, ids []int64) (map[int64][]*model.Position, error) {
	rows, err := whereIn[model.Position](ctx, s.gdb, "official_id", ids, "COALESCE(start_date, 0), id")
	return GroupBy(rows, func(x *model.Position) int64 { return x.OfficialID }), err
}

// Officials returns a page of officials.
func (s *Store) Officials(ctx context.Context, f *model.OfficialFilter, order *model.OfficialOrder, p Page) (*Conn[model.Official], error) {
	if f == nil {
		f = &model.OfficialFilter{}
	}
	codes, err := filterCodes("filter.countries", f.Countries)
	if err != nil {
		return nil, err
	}
	key := sortKey[model.Official]{expr: s.sortable("officials.name"), value: func(x *model.Official) any { return x.Name }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
		if order.Field == model.OfficialOrderFieldSlug {
			key.expr, key.value = "officials.slug", func(x *model.Official) any { return x.Slug }
		}
	}
	return paginate(ctx, s.gdb, "officials.id", func(x *model.Official) any { return x.ID }, p, key, func(q *gorm.DB) *gorm.DB {
		if f.Countries != nil {
			q = q.Where("officials.country_code IN ?", codes)
		}
		if f.Slugs != nil {
			q = q.Where("officials.slug IN ?", f.Slugs)
		}
		return q
	})
}

// CreateOfficial creates an official.
func (s *Store) CreateOfficial(ctx context.Context, in model.OfficialInput) (*model.Official, error) {
	x := &model.Official{Slug: in.Slug, Name: in.Name, OtherNames: in.OtherNames}
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x.CountryCode, err = requireCountry(ctx, tx, "country", in.CountryCode); err != nil {
			return err
		}
		if err := saveOfficial(ctx, tx, x); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeOfficial, x.ID})
	})
	return x, err
}

// UpdateOfficial changes the fields of the official that the patch sets.
func (s *Store) UpdateOfficial(ctx context.Context, id int64, patch model.OfficialPatch) (*model.Official, error) {
	var x *model.Official
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Official](ctx, tx, "id", model.TypeOfficial, id); err != nil {
			return err
		}
		if err := setRequired("slug", patch.Slug, &x.Slug); err != nil {
			return err
		}
		if err := setRequired("name", patch.Name, &x.Name); err != nil {
			return err
		}
		if patch.OtherNames.Set {
			x.OtherNames = patch.OtherNames.Value
		}
		if p := patch.CountryCode; p.Set {
			if x.CountryCode, err = requireCountry(ctx, tx, "country", p.Value); err != nil {
				return err
			}
		}
		if err := saveOfficial(ctx, tx, x); err != nil {
			return err
		}
		// Statement entries carry the official's name and country.
		affected, err := statementsOf(ctx, tx, "official_id", x.ID)
		if err != nil {
			return err
		}
		return touch(ctx, tx, append(affected, subject{model.TypeOfficial, x.ID})...)
	})
	return x, err
}

func saveOfficial(ctx context.Context, tx *gorm.DB, x *model.Official) error {
	if x.OtherNames == nil {
		x.OtherNames = []string{}
	}
	if err := x.Validate(); err != nil {
		return err
	}
	if err := slugFree(ctx, tx, "officials", x.Slug, x.ID); err != nil {
		return err
	}
	if err := save(ctx, tx, model.TypeOfficial, x.ID, x); err != nil {
		return fmt.Errorf("save official: %w", err)
	}
	return nil
}

// DeleteOfficial deletes an official with their positions and participations. It is
// refused while statements of theirs exist, since a statement without its speaker is
// meaningless; initiatives they proposed stay, with no proposer.
func (s *Store) DeleteOfficial(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var count int64
		if err := tx.Model(&model.Statement{}).Where("official_id = ?", id).Count(&count).Error; err != nil {
			return fmt.Errorf("delete official: %w", err)
		}
		if count > 0 {
			return model.Errorf(model.ECONFLICT, "the official has %d statement(s); delete them first", count)
		}
		// The sessions they took part in lose a participant and maybe a country.
		var sessions []int64
		if err := tx.Model(&model.Participant{}).Where("official_id = ?", id).Pluck("session_id", &sessions).Error; err != nil {
			return fmt.Errorf("delete official: %w", err)
		}
		if err := remove(ctx, tx, model.TypeOfficial, id); err != nil {
			return err
		}
		affected := []subject{{model.TypeOfficial, id}}
		for _, sid := range sessions {
			affected = append(affected, subject{model.TypeSession, sid})
		}
		return touch(ctx, tx, affected...)
	})
}

// AddPosition records a post the official held.
func (s *Store) AddPosition(ctx context.Context, officialID int64, title string, organization, countryCode *string, start, end *model.Date) (*model.Official, error) {
	var x *model.Official
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Official](ctx, tx, "official", model.TypeOfficial, officialID); err != nil {
			return err
		}
		p := &model.Position{OfficialID: x.ID, Title: title, Organization: organization, Start: start, End: end}
		if p.CountryCode, err = requireCountry(ctx, tx, "country", countryCode); err != nil {
			return err
		}
		if err := addPosition(ctx, tx, p); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeOfficial, x.ID})
	})
	return x, err
}

func addPosition(ctx context.Context, tx *gorm.DB, p *model.Position) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Create(p).Error; err != nil {
		return fmt.Errorf("add position: %w", err)
	}
	return nil
}
