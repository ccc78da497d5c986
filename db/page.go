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
	k := keyset[T]{ctx: ctx, gdb: gdb, idCol: idCol, idOf: idOf, key: key, scopes: scopes}
	after, before, err := k.cursors(p)
	if err != nil {
		return nil, err
	}
	conn, err := k.page(after, before, limit, backward)
	if err != nil {
		return nil, err
	}
	// The other direction: is anything on the near side of the cursor we started from?
	if !backward && after != nil {
		if conn.HasPreviousPage, err = k.exists(after, true); err != nil {
			return nil, fmt.Errorf("paginate: %w", err)
		}
	}
	if backward && before != nil {
		if conn.HasNextPage, err = k.exists(before, false); err != nil {
			return nil, fmt.Errorf("paginate: %w", err)
		}
	}
	if p.Count {
		if conn.TotalCount, err = k.count(); err != nil {
			return nil, err
		}
	}
	return conn, nil
}

// keyset is one keyset-paginated query of paginate: T's table, its primary key, the sort
// and the scopes of the filter.
type keyset[T any] struct {
	ctx    context.Context
	gdb    *gorm.DB
	idCol  string
	idOf   func(*T) any
	key    sortKey[T]
	scopes []func(*gorm.DB) *gorm.DB
}

// cursors decodes the page's after and before cursors, nil when not given, for the
// types of the sort's values and of the keys.
func (k keyset[T]) cursors(p Page) (after, before *cursor, err error) {
	var zero T
	example, exampleID := k.key.value(&zero), k.idOf(&zero)
	if p.After != nil {
		c, err := decodeCursor("after", *p.After, example, exampleID)
		if err != nil {
			return nil, nil, err
		}
		after = &c
	}
	if p.Before != nil {
		c, err := decodeCursor("before", *p.Before, example, exampleID)
		if err != nil {
			return nil, nil, err
		}
		before = &c
	}
	return after, before, nil
}

// base is the query of T's table with the filter of scope.
func (k keyset[T]) base(scope func(*gorm.DB) *gorm.DB) *gorm.DB {
	var zero T
	return scope(k.gdb.WithContext(k.ctx).Model(&zero))
}

// beyond returns the condition "row comes after c" in the sort order (or before it).
// A row-value comparison lets the database seek straight to the cursor in the
// (sort key, id) index instead of filtering and sorting every match.
func (k keyset[T]) beyond(c *cursor, later bool) (string, []any) {
	op := ">"
	if later == k.key.desc {
		op = "<"
	}
	return fmt.Sprintf("((%s, %s) %s (?, ?))", k.key.expr, k.idCol, op), []any{c.Value, c.ID}
}

// page reads the rows between the cursors, limit of them, from the end of before when
// backward, and makes them a connection whose items are in the sort order. Even a page
// of none reads one row, to tell whether there is a next page (or, backward, a previous
// one).
func (k keyset[T]) page(after, before *cursor, limit int, backward bool) (*Conn[T], error) {
	descending := k.key.desc != backward
	rows, err := k.rows(after, before, limit+1, descending)
	if err != nil {
		return nil, err
	}
	conn := &Conn[T]{}
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
		conn.Cursors = append(conn.Cursors, encodeCursor(k.key.value(r), k.idOf(r)))
	}
	return conn, nil
}

// rows reads the first n rows between the cursors of each scope, in the order read
// (descending or not), and merges those of several scopes into that order.
func (k keyset[T]) rows(after, before *cursor, n int, descending bool) ([]*T, error) {
	dir := "ASC"
	if descending {
		dir = "DESC"
	}
	var rows []*T
	for _, scope := range k.scopes {
		q := k.base(scope)
		if after != nil {
			cond, args := k.beyond(after, true)
			q = q.Where(cond, args...)
		}
		if before != nil {
			cond, args := k.beyond(before, false)
			q = q.Where(cond, args...)
		}
		var part []*T
		if err := q.Order(fmt.Sprintf("%s %s, %s %s", k.key.expr, dir, k.idCol, dir)).Limit(n).Find(&part).Error; err != nil {
			return nil, fmt.Errorf("paginate: %w", err)
		}
		rows = append(rows, part...)
	}
	if len(k.scopes) > 1 {
		slices.SortStableFunc(rows, func(a, b *T) int {
			c := compareKeys(k.key.value(a), k.key.value(b))
			if c == 0 {
				c = compareKeys(k.idOf(a), k.idOf(b))
			}
			if descending {
				return -c
			}
			return c
		})
	}
	return rows, nil
}

// exists reports whether any row of the filter is on the near side of the cursor c: not
// after it (later) or not before it.
func (k keyset[T]) exists(c *cursor, later bool) (bool, error) {
	cond, args := k.beyond(c, later)
	for _, scope := range k.scopes {
		var ones []int64
		if err := k.base(scope).Where("NOT "+cond, args...).Select("1 AS one").Limit(1).Scan(&ones).Error; err != nil || len(ones) > 0 {
			return len(ones) > 0, err
		}
	}
	return false, nil
}

// count counts the rows of the filter, under a context that tells the scopes so
// (counting).
func (k keyset[T]) count() (int, error) {
	var zero T
	countCtx := context.WithValue(k.ctx, countingKey{}, true)
	total := 0
	for _, scope := range k.scopes {
		var n int64
		if err := scope(k.gdb.WithContext(countCtx).Model(&zero)).Count(&n).Error; err != nil {
			return 0, fmt.Errorf("paginate: count: %w", err)
		}
		total += int(n)
	}
	return total, nil
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
