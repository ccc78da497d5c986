package db

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// yearSpan is the longest period a date without an end can cover: a year's key spans
// yyyy0000..yyyy9999.
const yearSpan = 9999

// timelineScopes turns a timeline filter into one or more scopes of timeline_entries that
// select disjoint parts of the result. Every path has an index: dates on (date_key, id),
// kinds and platforms on their composite indexes, and countries, topics and officials
// through EXISTS on their link tables, so the date index can drive a page and stop at its
// limit.
//
// "from" is the one filter an index on the start date cannot answer alone: an entry
// matches if its period ends on or after from, however early it began. It is split into
// three parts that each read an index range: entries that start on or after from; entries
// that start less than a year before it and reach it (partial dates, short ranges); and
// the few long ranges (over a year, through a partial index) that started earlier still.
func timelineScopes(f *model.TimelineFilter, keys slugKeys) []func(*gorm.DB) *gorm.DB {
	codes, words := f.Countries, f.TextWords()
	common := func(q *gorm.DB) *gorm.DB {
		if f.To != nil {
			q = q.Where("timeline_entries.date_key <= ?", f.To.LastKey())
		}
		if f.Kinds != nil {
			q = q.Where("timeline_entries.kind IN ?", f.Kinds)
		}
		if f.Platforms != nil {
			q = q.Where("timeline_entries.platform_id IN ?", keys.platforms)
		}
		// A page checks the links of the entries the date index yields (EXISTS) and stops
		// at its limit, and so does a count within a date range; a count over all time
		// reads the link index (IN) instead.
		byLinks := counting(q) && f.From == nil && f.To == nil
		link := func(sub string, args ...any) {
			if byLinks {
				q = q.Where("timeline_entries.id IN (SELECT entry_id FROM "+sub+")", args...)
			} else {
				q = q.Where("EXISTS (SELECT 1 FROM "+sub+" AND entry_id = timeline_entries.id)", args...)
			}
		}
		if f.Countries != nil {
			link("timeline_entry_countries WHERE country_code IN ?", codes)
		}
		if f.Topics != nil {
			link("timeline_entry_topics WHERE topic_id IN ?", keys.topics)
		}
		if f.Officials != nil {
			link("timeline_entry_officials WHERE official_id IN ?", keys.officials)
		}
		for _, w := range words {
			q = q.Where("timeline_entries.text_key LIKE ? ESCAPE '\\'", "%"+escapeLike(w)+"%")
		}
		return q
	}
	if f.From == nil {
		return []func(*gorm.DB) *gorm.DB{common}
	}
	from := f.From.Key()
	return []func(*gorm.DB) *gorm.DB{
		func(q *gorm.DB) *gorm.DB {
			return common(q).Where("timeline_entries.date_key >= ?", from)
		},
		func(q *gorm.DB) *gorm.DB {
			return common(q).Where("timeline_entries.last_key > timeline_entries.date_key AND "+
				"timeline_entries.date_key >= ? AND timeline_entries.date_key < ? AND timeline_entries.last_key >= ?", from-yearSpan, from, from)
		},
		func(q *gorm.DB) *gorm.DB {
			return common(q).Where("timeline_entries.last_key - timeline_entries.date_key > 9999 AND timeline_entries.date_key < ? AND timeline_entries.last_key >= ?",
				from-yearSpan, from)
		},
	}
}

// slugKeys are the primary keys of the slugs a timeline filter names. Resolving them
// first, in statements of their own, lets the planner see constants (PostgreSQL otherwise
// misjudges how many entries a topic has).
type slugKeys struct {
	platforms, topics, officials []int64
}

// timelineScopes checks the filter (model.TimelineFilter.Normalized, before any
// statement runs), resolves its slugs and builds its scopes.
func (s *Store) timelineScopes(ctx context.Context, f *model.TimelineFilter) ([]func(*gorm.DB) *gorm.DB, error) {
	f, err := f.Normalized()
	if err != nil {
		return nil, err
	}
	var keys slugKeys
	for _, r := range []struct {
		table string
		slugs []string
		dst   *[]int64
	}{{"platforms", f.Platforms, &keys.platforms}, {"topics", f.Topics, &keys.topics}, {"officials", f.Officials, &keys.officials}} {
		if r.slugs == nil {
			continue
		}
		if err := s.read(ctx).Table(r.table).Where("slug IN ?", r.slugs).Order("id").Pluck("id", r.dst).Error; err != nil {
			return nil, fmt.Errorf("timeline filter: %w", err)
		}
		if len(*r.dst) == 0 {
			*r.dst = []int64{0} // no such slug: matches nothing
		}
	}
	return timelineScopes(f, keys), nil
}

// Timeline returns a page of the timeline, ordered by date key then entry ID (see
// model.TimelineEntry), ascending unless order is DESC.
func (s *Store) Timeline(ctx context.Context, f *model.TimelineFilter, order model.SortOrder, p Page) (*Conn[model.TimelineEntry], error) {
	scopes, err := s.timelineScopes(ctx, f)
	if err != nil {
		return nil, err
	}
	key := sortKey[model.TimelineEntry]{expr: "timeline_entries.date_key", desc: order == model.SortOrderDesc,
		value: func(e *model.TimelineEntry) any { return e.Date.Key() }}
	return paginate(ctx, s.gdb, "timeline_entries.id", func(e *model.TimelineEntry) any { return e.ID }, p, key, scopes...)
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
	scopes, err := s.timelineScopes(ctx, f)
	if err != nil {
		return nil, err
	}
	expr, err := bucketSQL(g)
	if err != nil {
		return nil, err
	}
	type count struct {
		Bucket int64
		Kind   model.TimelineEntryKind
		N      int
	}
	var rows []count
	for _, scope := range scopes {
		var part []count
		err = scope(s.read(context.WithValue(ctx, countingKey{}, true)).Model(&model.TimelineEntry{})).
			Select(expr + " AS bucket, timeline_entries.kind AS kind, COUNT(*) AS n").
			Group("bucket, kind").Scan(&part).Error
		if err != nil {
			return nil, fmt.Errorf("timeline buckets: %w", err)
		}
		rows = append(rows, part...)
	}
	// The parts are disjoint; their counts add up, bucket by bucket and kind by kind.
	slices.SortFunc(rows, func(a, b count) int {
		return cmp.Or(cmp.Compare(a.Bucket, b.Bucket), strings.Compare(string(a.Kind), string(b.Kind)))
	})
	out := []*model.TimelineBucket{}
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Start.Key() != bucketStart(r.Bucket, g).Key() {
			out = append(out, &model.TimelineBucket{Start: bucketStart(r.Bucket, g)})
		}
		b := out[len(out)-1]
		b.Count += r.N
		if k := len(b.ByKind); k > 0 && b.ByKind[k-1].Kind == r.Kind {
			b.ByKind[k-1].Count += r.N
		} else {
			b.ByKind = append(b.ByKind, &model.TimelineKindCount{Kind: r.Kind, Count: r.N})
		}
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
	return IndexBy(rows, func(e *model.TimelineEntry) int64 { return e.ID }), err
}

// CountriesByEntry returns the countries of each timeline entry.
func (s *Store) CountriesByEntry(ctx context.Context, ids []int64) (map[int64][]*model.Country, error) {
	return linked[model.Country](ctx, s.gdb, "countries", "timeline_entry_countries", "entry_id", "country_code", "code", ids, "countries.code")
}

// TopicsByEntry returns the topics of each timeline entry.
func (s *Store) TopicsByEntry(ctx context.Context, ids []int64) (map[int64][]*model.Topic, error) {
	return linked[model.Topic](ctx, s.gdb, "topics", "timeline_entry_topics", "entry_id", "topic_id", "id", ids, "topics.name, topics.id")
}

// TimelineEntryIfMatches returns the entry with the key if it matches the filter, or nil.
func (s *Store) TimelineEntryIfMatches(ctx context.Context, id int64, f *model.TimelineFilter) (*model.TimelineEntry, error) {
	scopes, err := s.timelineScopes(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, scope := range scopes {
		var rows []*model.TimelineEntry
		if err := scope(s.read(ctx).Model(&model.TimelineEntry{})).Where("timeline_entries.id = ?", id).Limit(1).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("timeline entry: %w", err)
		}
		if len(rows) > 0 {
			return rows[0], nil
		}
	}
	return nil, nil
}
