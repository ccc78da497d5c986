package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// SourcesByIDs returns the sources with the keys, by key.
func (s *Store) SourcesByIDs(ctx context.Context, ids []int64) (map[int64]*model.Source, error) {
	rows, err := whereIn[model.Source](ctx, s.gdb, "id", ids, "")
	return IndexBy(rows, func(x *model.Source) int64 { return x.ID }), err
}

// Sources returns a page of sources.
func (s *Store) Sources(ctx context.Context, f *model.SourceFilter, order *model.SourceOrder, p Page) (*Conn[model.Source], error) {
	if f == nil {
		f = &model.SourceFilter{}
	}
	key := sortKey[model.Source]{expr: "COALESCE(sources.published_on, 0)", value: func(x *model.Source) any { return dateKey(x.PublishedOn) }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
		if order.Field == model.SourceOrderFieldTitle {
			key.expr, key.value = s.sortable("sources.title"), func(x *model.Source) any { return x.Title }
		}
	}
	return paginate(ctx, s.gdb, "sources.id", func(x *model.Source) any { return x.ID }, p, key, func(q *gorm.DB) *gorm.DB {
		if f.Publishers != nil {
			q = q.Where("sources.publisher IN ?", f.Publishers)
		}
		if f.Languages != nil {
			q = q.Where("sources.language IN ?", f.Languages)
		}
		if f.From != nil {
			q = q.Where(lastKeySQL("sources.published_on")+" >= ?", f.From.Key())
		}
		if f.To != nil {
			q = q.Where("sources.published_on <= ?", f.To.LastKey())
		}
		return q
	})
}

// CreateSource creates a source.
func (s *Store) CreateSource(ctx context.Context, in model.SourceInput) (*model.Source, error) {
	x := &model.Source{Title: in.Title, Publisher: in.Publisher, URL: in.URL, PublishedOn: in.PublishedOn,
		Language: in.Language, Excerpt: in.Excerpt}
	return x, s.write(ctx, func(tx *gorm.DB) error {
		if err := saveSource(ctx, tx, x); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeSource, x.ID})
	})
}

// UpdateSource changes the fields of the source that the patch sets.
func (s *Store) UpdateSource(ctx context.Context, id int64, patch model.SourcePatch) (*model.Source, error) {
	var x *model.Source
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Source](ctx, tx, "id", model.TypeSource, id); err != nil {
			return err
		}
		if err := setRequired("title", patch.Title, &x.Title); err != nil {
			return err
		}
		setOptional(patch.Publisher, &x.Publisher)
		setOptional(patch.URL, &x.URL)
		setOptional(patch.PublishedOn, &x.PublishedOn)
		setOptional(patch.Language, &x.Language)
		setOptional(patch.Excerpt, &x.Excerpt)
		if err := saveSource(ctx, tx, x); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeSource, x.ID})
	})
	return x, err
}

func saveSource(ctx context.Context, tx *gorm.DB, x *model.Source) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if err := save(ctx, tx, model.TypeSource, x.ID, x); err != nil {
		return fmt.Errorf("save source: %w", err)
	}
	return nil
}

// DeleteSource deletes a source and every citation of it.
func (s *Store) DeleteSource(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := remove(ctx, tx, model.TypeSource, id); err != nil {
			return err
		}
		return touch(ctx, tx, subject{model.TypeSource, id})
	})
}
