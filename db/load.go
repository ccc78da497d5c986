package db

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// This file holds the generic loaders behind the dataloaders: every relation of a page
// of records is fetched with one statement for the whole page.

// whereIn loads the rows of T whose column col is one of keys, in the given order.
func whereIn[T any, K comparable](ctx context.Context, gdb *gorm.DB, col string, keys []K, order string) ([]*T, error) {
	var rows []*T
	if len(keys) == 0 {
		return rows, nil
	}
	q := gdb.WithContext(ctx).Where(col+" IN ?", keys)
	if order != "" {
		q = q.Order(order)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load %T by %s: %w", rows, col, err)
	}
	return rows, nil
}

// IndexBy maps rows by key.
func IndexBy[T any, K comparable](rows []*T, key func(*T) K) map[K]*T {
	m := make(map[K]*T, len(rows))
	for _, r := range rows {
		m[key(r)] = r
	}
	return m
}

// GroupBy groups rows by key, keeping their order.
func GroupBy[T any, K comparable](rows []*T, key func(*T) K) map[K][]*T {
	m := make(map[K][]*T)
	for _, r := range rows {
		k := key(r)
		m[k] = append(m[k], r)
	}
	return m
}

// owned is a row of T loaded through a link table, with the key of the record that owns
// the link.
type owned[T any] struct {
	OwnerID int64
	Item    T `gorm:"embedded"`
}

// linked loads the rows of table (of type T) linked to each owner through link, where
// link.ownerCol holds the owner's key and link.targetCol references table.targetKey.
func linked[T any](ctx context.Context, gdb *gorm.DB, table, link, ownerCol, targetCol, targetKey string, owners []int64, order string) (map[int64][]*T, error) {
	out := make(map[int64][]*T)
	if len(owners) == 0 {
		return out, nil
	}
	var rows []owned[T]
	err := gdb.WithContext(ctx).Table(table).
		Select(fmt.Sprintf("%s.*, %s.%s AS owner_id", table, link, ownerCol)).
		Joins(fmt.Sprintf("JOIN %s ON %s.%s = %s.%s", link, link, targetCol, table, targetKey)).
		Where(fmt.Sprintf("%s.%s IN ?", link, ownerCol), owners).
		Order(order).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load %s linked by %s: %w", table, link, err)
	}
	for i := range rows {
		out[rows[i].OwnerID] = append(out[rows[i].OwnerID], &rows[i].Item)
	}
	return out, nil
}

// first loads the single row of T matching cond, or an ENOTFOUND error naming what.
func first[T any](ctx context.Context, gdb *gorm.DB, what string, cond string, args ...any) (*T, error) {
	var row T
	err := gdb.WithContext(ctx).Where(cond, args...).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, model.Errorf(model.ENOTFOUND, "%s not found", what)
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	return &row, nil
}

// pairs loads the rows of the link table for owners, as each owner's targets in order.
func pairs[K any](tx *gorm.DB, table, ownerCol, targetCol string, owners []int64) (map[int64][]K, error) {
	out := make(map[int64][]K)
	if len(owners) == 0 {
		return out, nil
	}
	var rows []struct {
		OwnerID  int64
		TargetID K
	}
	err := tx.Table(table).Select(ownerCol+" AS owner_id, "+targetCol+" AS target_id").
		Where(ownerCol+" IN ?", owners).Order(ownerCol + ", " + targetCol).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	for _, r := range rows {
		out[r.OwnerID] = append(out[r.OwnerID], r.TargetID)
	}
	return out, nil
}
