package db

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// Topic returns the topic with the slug.
func (s *Store) Topic(ctx context.Context, slug string) (*model.Topic, error) {
	return first[model.Topic](ctx, s.gdb, "topic "+slug, "slug = ?", slug)
}

// TopicsByIDs returns the topics with the keys, by key.
func (s *Store) TopicsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Topic, error) {
	rows, err := whereIn[model.Topic](ctx, s.gdb, "id", ids, "")
	return IndexBy(rows, func(x *model.Topic) int64 { return x.ID }), err
}

// Topics returns a page of topics.
func (s *Store) Topics(ctx context.Context, f *model.TopicFilter, order *model.TopicOrder, p Page) (*Conn[model.Topic], error) {
	if f == nil {
		f = &model.TopicFilter{}
	}
	key := sortKey[model.Topic]{expr: s.sortable("topics.name"), value: func(x *model.Topic) any { return x.Name }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
		if order.Field == model.TopicOrderFieldSlug {
			key.expr, key.value = "topics.slug", func(x *model.Topic) any { return x.Slug }
		}
	}
	return paginate(ctx, s.gdb, "topics.id", func(x *model.Topic) any { return x.ID }, p, key, func(q *gorm.DB) *gorm.DB {
		if f.Slugs != nil {
			q = q.Where("topics.slug IN ?", f.Slugs)
		}
		if f.NameContains != nil && *f.NameContains != "" {
			q = q.Where("LOWER(topics.name) LIKE ? ESCAPE '\\'", "%"+escapeLike(strings.ToLower(*f.NameContains))+"%")
		}
		return q
	})
}

// CreateTopic creates a topic.
func (s *Store) CreateTopic(ctx context.Context, in model.TopicInput) (*model.Topic, error) {
	x := &model.Topic{Slug: in.Slug, Name: in.Name, Description: in.Description}
	return x, s.write(ctx, func(tx *gorm.DB) error { return saveTopic(ctx, tx, x) })
}

// UpdateTopic changes the fields of the topic that the patch sets.
func (s *Store) UpdateTopic(ctx context.Context, id int64, patch model.TopicPatch) (*model.Topic, error) {
	var x *model.Topic
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if x, err = load[model.Topic](ctx, tx, "id", model.TypeTopic, id); err != nil {
			return err
		}
		if err := setRequired("slug", patch.Slug, &x.Slug); err != nil {
			return err
		}
		if err := setRequired("name", patch.Name, &x.Name); err != nil {
			return err
		}
		setOptional(patch.Description, &x.Description)
		return saveTopic(ctx, tx, x)
	})
	return x, err
}

func saveTopic(ctx context.Context, tx *gorm.DB, x *model.Topic) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if err := slugFree(ctx, tx, "topics", x.Slug, x.ID); err != nil {
		return err
	}
	if err := save(ctx, tx, model.TypeTopic, x.ID, x); err != nil {
		return fmt.Errorf("save topic: %w", err)
	}
	return nil
}

// DeleteTopic deletes a topic and untags everything tagged with it.
func (s *Store) DeleteTopic(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error { return remove(ctx, tx, model.TypeTopic, id) })
}
