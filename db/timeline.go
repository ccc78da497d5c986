package db

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// maxTextFilterWords bounds the words of a timeline text filter.
const maxTextFilterWords = 8

// timelineScope applies a timeline filter to a query on timeline_entries. Every filter
// path has an index: dates on (date_key, id) and last_key, kinds and platforms on their
// own composite indexes, countries, topics and officials on their link tables.
func timelineScope(f *model.TimelineFilter) (func(*gorm.DB) *gorm.DB, error) {
	if f == nil {
		f = &model.TimelineFilter{}
	}
	codes, err := normalizeCodes("filter.countries", f.Countries)
	if err != nil {
		return nil, err
	}
	for _, list := range []struct {
		field string
		n     int
	}{{"filter.kinds", len(f.Kinds)}, {"filter.platforms", len(f.Platforms)}, {"filter.officials", len(f.Officials)}, {"filter.topics", len(f.Topics)}} {
		if list.n > 100 {
			return nil, model.FieldErrorf(list.field, "at most 100 values")
		}
	}
	var words []string
	if f.Text != nil {
		if err := model.OptionalText("filter.text", f.Text, 500); err != nil {
			return nil, err
		}
		words = strings.Fields(strings.ToLower(*f.Text))
		if len(words) > maxTextFilterWords {
			return nil, model.FieldErrorf("filter.text", "at most %d words", maxTextFilterWords)
		}
	}
	return func(q *gorm.DB) *gorm.DB {
		if f.From != nil {
			q = q.Where("timeline_entries.last_key >= ?", f.From.Key())
		}
		if f.To != nil {
			q = q.Where("timeline_entries.date_key <= ?", f.To.LastKey())
		}
		if f.Kinds != nil {
			q = q.Where("timeline_entries.kind IN ?", f.Kinds)
		}
		if f.Platforms != nil {
			q = q.Where("timeline_entries.platform_id IN (SELECT id FROM platforms WHERE slug IN ?)", f.Platforms)
		}
		if f.Countries != nil {
			q = q.Where("timeline_entries.id IN (SELECT entry_id FROM timeline_entry_countries WHERE country_code IN ?)", codes)
		}
		if f.Topics != nil {
			q = q.Where("timeline_entries.id IN (SELECT et.entry_id FROM timeline_entry_topics et JOIN topics t ON t.id = et.topic_id WHERE t.slug IN ?)", f.Topics)
		}
		if f.Officials != nil {
			q = q.Where("timeline_entries.id IN (SELECT eo.entry_id FROM timeline_entry_officials eo JOIN officials o ON o.id = eo.official_id WHERE o.slug IN ?)", f.Officials)
		}
		for _, w := range words {
			like := "%" + escapeLike(w) + "%"
			q = q.Where("timeline_entries.text_key LIKE ? ESCAPE '\\'", like)
		}
		return q
	}, nil
}

// Timeline returns a page of the timeline, ordered by date key then entry ID (see
// model.TimelineEntry), ascending unless order is DESC.
func (s *Store) Timeline(ctx context.Context, f *model.TimelineFilter, order model.SortOrder, p Page) (*Conn[model.TimelineEntry], error) {
	scope, err := timelineScope(f)
	if err != nil {
		return nil, err
	}
	key := sortKey[model.TimelineEntry]{expr: "timeline_entries.date_key", desc: order == model.SortOrderDesc,
		value: func(e *model.TimelineEntry) any { return e.Date.Key() }}
	return paginate(ctx, s.gdb, "timeline_entries.id", func(e *model.TimelineEntry) any { return e.ID }, p, key, scope)
}

// bucketSQL returns the key of the first day of the period an entry's date starts in; a
// date coarser than the granularity starts in the first period it covers.
func bucketSQL(g model.Granularity) (string, error) {
	switch g {
	case model.GranularityYear:
		return "(timeline_entries.date_key / 10000) * 10000", nil
	case model.GranularityMonth:
		return "CASE WHEN timeline_entries.date_key % 10000 = 0 THEN timeline_entries.date_key + 100 ELSE (timeline_entries.date_key / 100) * 100 END", nil
	case model.GranularityDay:
		return "CASE WHEN timeline_entries.date_key % 10000 = 0 THEN timeline_entries.date_key + 101 " +
			"WHEN timeline_entries.date_key % 100 = 0 THEN timeline_entries.date_key + 1 ELSE timeline_entries.date_key END", nil
	}
	return "", model.FieldErrorf("granularity", "%q is not a valid Granularity", g)
}

// TimelineBuckets counts the filtered entries per period of the granularity, oldest first.
func (s *Store) TimelineBuckets(ctx context.Context, f *model.TimelineFilter, g model.Granularity) ([]*model.TimelineBucket, error) {
	scope, err := timelineScope(f)
	if err != nil {
		return nil, err
	}
	expr, err := bucketSQL(g)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Bucket int64
		Kind   model.TimelineEntryKind
		N      int
	}
	err = scope(s.read(ctx).Model(&model.TimelineEntry{})).
		Select(expr + " AS bucket, timeline_entries.kind AS kind, COUNT(*) AS n").
		Group("bucket, kind").Order("bucket, kind").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("timeline buckets: %w", err)
	}
	var out []*model.TimelineBucket
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Start.Key() != bucketStart(r.Bucket, g).Key() {
			out = append(out, &model.TimelineBucket{Start: bucketStart(r.Bucket, g)})
		}
		b := out[len(out)-1]
		b.Count += r.N
		b.ByKind = append(b.ByKind, &model.TimelineKindCount{Kind: r.Kind, Count: r.N})
	}
	if out == nil {
		out = []*model.TimelineBucket{}
	}
	return out, nil
}

// bucketStart turns a bucket key into a Date of the granularity's precision.
func bucketStart(key int64, g model.Granularity) model.Date {
	switch g {
	case model.GranularityYear:
		key = key / 10000 * 10000
	case model.GranularityMonth:
		key = key / 100 * 100
	}
	d, _ := model.DateFromKey(key)
	return d
}

// TimelineEntriesByIDs returns the entries with the keys, by key.
func (s *Store) TimelineEntriesByIDs(ctx context.Context, ids []int64) (map[int64]*model.TimelineEntry, error) {
	rows, err := whereIn[model.TimelineEntry](ctx, s.gdb, "id", ids, "")
	return indexBy(rows, func(e *model.TimelineEntry) int64 { return e.ID }), err
}

// CountriesByEntry returns the countries of each timeline entry.
func (s *Store) CountriesByEntry(ctx context.Context, ids []int64) (map[int64][]*model.Country, error) {
	return linked[model.Country](ctx, s.gdb, "countries", "timeline_entry_countries", "entry_id", "country_code", "code", ids, "countries.code")
}

// TopicsByEntry returns the topics of each timeline entry.
func (s *Store) TopicsByEntry(ctx context.Context, ids []int64) (map[int64][]*model.Topic, error) {
	return linked[model.Topic](ctx, s.gdb, "topics", "timeline_entry_topics", "entry_id", "topic_id", "id", ids, "topics.name, topics.id")
}
