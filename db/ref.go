package db

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// This file checks the references of the store's inputs (primary keys; graph decodes the
// IDs) and applies their patches.

// tables maps node types with numeric keys to their tables.
var tables = map[string]string{
	model.TypePlatform:   "platforms",
	model.TypeSession:    "sessions",
	model.TypeOfficial:   "officials",
	model.TypeInitiative: "initiatives",
	model.TypeStatement:  "statements",
	model.TypeTopic:      "topics",
	model.TypeSource:     "sources",
}

// ref checks that the typ record with the key id, given in the input field, exists:
// ENOTFOUND otherwise.
func ref(ctx context.Context, tx *gorm.DB, field, typ string, id int64) error {
	var count int64
	if err := tx.WithContext(ctx).Table(tables[typ]).Where("id = ?", id).Count(&count).Error; err != nil {
		return fmt.Errorf("check %s: %w", typ, err)
	}
	if count == 0 {
		return &model.Error{Code: model.ENOTFOUND, Field: field, Message: node(typ, id) + " not found"}
	}
	return nil
}

// optRef is ref for an optional reference.
func optRef(ctx context.Context, tx *gorm.DB, field, typ string, id *int64) error {
	if id == nil {
		return nil
	}
	return ref(ctx, tx, field, typ, *id)
}

// refs checks a list of references and returns them deduplicated.
func refs(ctx context.Context, tx *gorm.DB, field, typ string, ids []int64) ([]int64, error) {
	if len(ids) > model.MaxRefs {
		return nil, model.FieldErrorf(field, "at most %d IDs", model.MaxRefs)
	}
	keys := model.Unique(ids)
	var count int64
	if len(keys) > 0 {
		if err := tx.WithContext(ctx).Table(tables[typ]).Where("id IN ?", keys).Count(&count).Error; err != nil {
			return nil, fmt.Errorf("check %s: %w", typ, err)
		}
	}
	if int(count) != len(keys) {
		return nil, &model.Error{Code: model.ENOTFOUND, Field: field, Message: fmt.Sprintf("one or more %ss not found", typ)}
	}
	return keys, nil
}

// node names the typ record with the key id in a message, by the global ID clients know
// it by.
func node(typ string, id int64) string { return typ + " " + model.IntID(typ, id) }

// slugFree returns ECONFLICT if another row of table (not id) has slug.
func slugFree(ctx context.Context, tx *gorm.DB, table, slug string, id int64) error {
	var count int64
	if err := tx.WithContext(ctx).Table(table).Where("slug = ? AND id <> ?", slug, id).Count(&count).Error; err != nil {
		return fmt.Errorf("check slug: %w", err)
	}
	if count > 0 {
		return &model.Error{Code: model.ECONFLICT, Field: "slug", Message: fmt.Sprintf("slug %q is already taken", slug)}
	}
	return nil
}

// load fetches the typ record with the key id, given in the input field, or ENOTFOUND
// naming that field.
func load[T any](ctx context.Context, tx *gorm.DB, field, typ string, id int64) (*T, error) {
	v, err := first[T](ctx, tx, node(typ, id), "id = ?", id)
	var appErr *model.Error
	if errors.As(err, &appErr) {
		appErr.Field = field
	}
	return v, err
}

// remove deletes the typ record with the key id, or returns ENOTFOUND.
func remove(ctx context.Context, tx *gorm.DB, typ string, id int64) error {
	res := tx.WithContext(ctx).Exec(fmt.Sprintf("DELETE FROM %s WHERE id = ?", tables[typ]), id)
	if res.Error != nil {
		return fmt.Errorf("delete %s: %w", typ, res.Error)
	}
	if res.RowsAffected == 0 {
		return model.Errorf(model.ENOTFOUND, "%s not found", node(typ, id))
	}
	return nil
}

// given is the patch of a create's optional list: nil sets nothing.
func given[T any](list []T) model.Patch[[]T] {
	return model.Patch[[]T]{Set: list != nil, Value: list}
}

// setRequired applies a patch field to a value that cannot be null.
func setRequired[T any](field string, p model.Patch[*T], dst *T) error {
	if !p.Set {
		return nil
	}
	if p.Value == nil {
		return model.FieldErrorf(field, "cannot be null")
	}
	*dst = *p.Value
	return nil
}

// setOptional applies a patch field to a nullable value.
func setOptional[T any](p model.Patch[*T], dst **T) {
	if p.Set {
		*dst = p.Value
	}
}

// location checks the country of a location input and normalises its code; nil is no
// location.
func location(ctx context.Context, tx *gorm.DB, field string, in *model.Location) (model.Location, error) {
	if in == nil {
		return model.Location{}, nil
	}
	l := *in
	var err error
	l.CountryCode, err = requireCountry(ctx, tx, field+".country", in.CountryCode)
	return l, err
}

// replaceLinks replaces the rows of a link table owned by owner with one per target.
func replaceLinks[K any](ctx context.Context, tx *gorm.DB, link, ownerCol, targetCol string, owner int64, targets []K) error {
	if err := tx.WithContext(ctx).Exec(fmt.Sprintf("DELETE FROM %s WHERE %s = ?", link, ownerCol), owner).Error; err != nil {
		return fmt.Errorf("replace %s: %w", link, err)
	}
	if len(targets) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(targets))
	for i, t := range targets {
		rows[i] = map[string]any{ownerCol: owner, targetCol: t}
	}
	if err := tx.WithContext(ctx).Table(link).Create(rows).Error; err != nil {
		return fmt.Errorf("replace %s: %w", link, err)
	}
	return nil
}

// save writes a record of node type typ: an insert when id is 0, else an update of every
// column of its row. An update whose row is gone — deleted by a write that committed after
// this one read it, which PostgreSQL's READ COMMITTED allows — is ENOTFOUND and, the
// transaction rolling back, changes nothing; GORM's Save would insert the row again and
// undo a delete that was acknowledged.
func save(ctx context.Context, tx *gorm.DB, typ string, id int64, x any) error {
	if id == 0 {
		return tx.WithContext(ctx).Create(x).Error
	}
	res := tx.WithContext(ctx).Select("*").Updates(x)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return model.Errorf(model.ENOTFOUND, "%s not found", node(typ, id))
	}
	return nil
}
