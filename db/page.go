package db

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// Page is a Relay pagination request. First and Last are nil when not given.
type Page struct {
	First, Last   *int
	After, Before *string
	// Count asks for the total number of matching records (a COUNT query); callers set it
	// only when the client selected totalCount.
	Count bool
}

// Conn is one page of a connection.
type Conn[T any] struct {
	Items           []*T
	Cursors         []string
	HasNextPage     bool
	HasPreviousPage bool
	TotalCount      int
}

// sortKey is how a connection is ordered: a SQL expression, its direction, and how to
// read the expression's value from a loaded row for the cursor. The primary key breaks
// ties, so the order is total and pages never skip or repeat a row.
type sortKey[T any] struct {
	expr  string
	desc  bool
	value func(*T) any // int64 or string
}

// cursor is the decoded form of an opaque cursor: the sort value and the primary key of
// the row it points at.
type cursor struct {
	Value any
	ID    any
}

func encodeCursor(v, id any) string {
	b, _ := json.Marshal([]any{v, id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses a cursor issued for a sort on values like example and keys like
// exampleID (each int64 or string).
func decodeCursor(field, s string, example, exampleID any) (cursor, error) {
	bad := model.FieldErrorf(field, "invalid cursor")
	// The longest cursor issued: a title of model.MaxTitleLength (500) bytes of characters
	// JSON escapes in six bytes, base64-encoded, is about 4,100 bytes.
	if len(s) > 8192 {
		return cursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 2 {
		return cursor{}, bad
	}
	var c cursor
	var ok bool
	if c.Value, ok = decodeLike(parts[0], example); !ok {
		return cursor{}, bad
	}
	if c.ID, ok = decodeLike(parts[1], exampleID); !ok {
		return cursor{}, bad
	}
	return c, nil
}

// decodeLike decodes raw into a value of the type of example: int64 or string.
func decodeLike(raw json.RawMessage, example any) (any, bool) {
	if _, isInt := example.(int64); isInt {
		var n int64
		err := json.Unmarshal(raw, &n)
		return n, err == nil
	}
	var str string
	err := json.Unmarshal(raw, &str)
	return str, err == nil
}

// checkPage validates first and last and returns how many rows to fetch and whether the
// page is read backwards (last/before).
func checkPage(p Page) (limit int, backward bool, err error) {
	for _, a := range []struct {
		name string
		v    *int
	}{{"first", p.First}, {"last", p.Last}} {
		if a.v != nil && (*a.v < 0 || *a.v > limits.MaxPageSize) {
			return 0, false, model.FieldErrorf(a.name, "must be between 0 and %d, got %d", limits.MaxPageSize, *a.v)
		}
	}
	switch {
	case p.First != nil && p.Last != nil:
		return 0, false, model.FieldErrorf("last", "give first or last, not both")
	case p.Last != nil:
		return *p.Last, true, nil
	case p.First != nil:
		return *p.First, false, nil
	case p.Before != nil && p.After == nil:
		return limits.DefaultPageSize, true, nil
	}
	return limits.DefaultPageSize, false, nil
}

// paginate runs a keyset-paginated query on T's table, whose primary key is idCol (a
// qualified column) and idOf reads from a row. Each scope applies the filter to a fresh
// query; a filter that one indexed query cannot serve well may be given as several scopes
// selecting disjoint parts of the result, each sorted by the database and merged here.
func paginate[T any](ctx context.Context, gdb *gorm.DB, idCol string, idOf func(*T) any, p Page, key sortKey[T], scopes ...func(*gorm.DB) *gorm.DB) (*Conn[T], error) {
	limit, backward, err := checkPage(p)
	if err != nil {
		return nil, err
	}
	var zero T
	example, exampleID := key.value(&zero), idOf(&zero)
	var after, before *cursor
	if p.After != nil {
		c, err := decodeCursor("after", *p.After, example, exampleID)
		if err != nil {
			return nil, err
		}
		after = &c
	}
	if p.Before != nil {
		c, err := decodeCursor("before", *p.Before, example, exampleID)
		if err != nil {
			return nil, err
		}
		before = &c
	}
	base := func(scope func(*gorm.DB) *gorm.DB) *gorm.DB { return scope(gdb.WithContext(ctx).Model(&zero)) }

	// beyond returns the condition "row comes after c" in the sort order (or before it).
	// A row-value comparison lets the database seek straight to the cursor in the
	// (sort key, id) index instead of filtering and sorting every match.
	beyond := func(c *cursor, later bool) (string, []any) {
		op := ">"
		if later == key.desc {
			op = "<"
		}
		return fmt.Sprintf("((%s, %s) %s (?, ?))", key.expr, idCol, op), []any{c.Value, c.ID}
	}
	descending := key.desc != backward
	dir := "ASC"
	if descending {
		dir = "DESC"
	}
	conn := &Conn[T]{}
	{
		// Even a page of none reads one row, to tell whether there is a next page.
		var rows []*T
		for _, scope := range scopes {
			q := base(scope)
			if after != nil {
				cond, args := beyond(after, true)
				q = q.Where(cond, args...)
			}
			if before != nil {
				cond, args := beyond(before, false)
				q = q.Where(cond, args...)
			}
			var part []*T
			if err := q.Order(fmt.Sprintf("%s %s, %s %s", key.expr, dir, idCol, dir)).Limit(limit + 1).Find(&part).Error; err != nil {
				return nil, fmt.Errorf("paginate: %w", err)
			}
			rows = append(rows, part...)
		}
		if len(scopes) > 1 {
			slices.SortStableFunc(rows, func(a, b *T) int {
				c := compareKeys(key.value(a), key.value(b))
				if c == 0 {
					c = compareKeys(idOf(a), idOf(b))
				}
				if descending {
					return -c
				}
				return c
			})
		}
		more := len(rows) > limit
		if more {
			rows = rows[:limit]
		}
		if backward {
			slices.Reverse(rows)
			conn.HasPreviousPage = more
		} else {
			conn.HasNextPage = more
		}
		conn.Items = rows
		for _, r := range rows {
			conn.Cursors = append(conn.Cursors, encodeCursor(key.value(r), idOf(r)))
		}
	}
	// The other direction: is anything on the near side of the cursor we started from?
	exists := func(c *cursor, later bool) (bool, error) {
		cond, args := beyond(c, later)
		for _, scope := range scopes {
			var ones []int64
			if err := base(scope).Where("NOT "+cond, args...).Select("1 AS one").Limit(1).Scan(&ones).Error; err != nil || len(ones) > 0 {
				return len(ones) > 0, err
			}
		}
		return false, nil
	}
	if !backward && after != nil {
		if conn.HasPreviousPage, err = exists(after, true); err != nil {
			return nil, fmt.Errorf("paginate: %w", err)
		}
	}
	if backward && before != nil {
		if conn.HasNextPage, err = exists(before, false); err != nil {
			return nil, fmt.Errorf("paginate: %w", err)
		}
	}
	if p.Count {
		countCtx := context.WithValue(ctx, countingKey{}, true)
		for _, scope := range scopes {
			var n int64
			if err := scope(gdb.WithContext(countCtx).Model(&zero)).Count(&n).Error; err != nil {
				return nil, fmt.Errorf("paginate: count: %w", err)
			}
			conn.TotalCount += int(n)
		}
	}
	return conn, nil
}

type countingKey struct{}

// counting reports whether a scope is building a COUNT, which may want another plan than a
// page: a page is best driven by the sort index and stopped at its limit, a count by the
// most selective index.
func counting(q *gorm.DB) bool {
	on, _ := q.Statement.Context.Value(countingKey{}).(bool)
	return on
}

// compareKeys orders two sort values of the same type: int64 or string.
func compareKeys(a, b any) int {
	switch x := a.(type) {
	case int64:
		return cmp.Compare(x, b.(int64))
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}
