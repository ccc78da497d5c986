package db

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// This file resolves the references and patches of mutation inputs.

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

// ref decodes the global ID of a typ record given in input field and checks that the
// record exists: EINVALID for a malformed or wrong-type ID, ENOTFOUND for a missing one.
func ref(ctx context.Context, tx *gorm.DB, field, typ, id string) (int64, error) {
	n, err := model.DecodeIntID(field, typ, id)
	if err != nil {
		return 0, err
	}
	var count int64
	if err := tx.WithContext(ctx).Table(tables[typ]).Where("id = ?", n).Count(&count).Error; err != nil {
		return 0, fmt.Errorf("check %s: %w", typ, err)
	}
	if count == 0 {
		return 0, &model.Error{Code: model.ENOTFOUND, Field: field, Message: fmt.Sprintf("%s %s not found", typ, id)}
	}
	return n, nil
}

// optRef is ref for an optional reference.
func optRef(ctx context.Context, tx *gorm.DB, field, typ string, id *string) (*int64, error) {
	if id == nil {
		return nil, nil
	}
	n, err := ref(ctx, tx, field, typ, *id)
	return &n, err
}

// refs resolves a list of references, deduplicated.
func refs(ctx context.Context, tx *gorm.DB, field, typ string, ids []string) ([]int64, error) {
	if len(ids) > 100 {
		return nil, model.FieldErrorf(field, "at most 100 IDs")
	}
	keys := make([]int64, 0, len(ids))
	for _, id := range ids {
		n, err := model.DecodeIntID(field, typ, id)
		if err != nil {
			return nil, err
		}
		keys = append(keys, n)
	}
	keys = dedupe(keys)
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

// load fetches the typ record whose global id was given in the input field, or an error
// naming that field: EINVALID for a malformed ID, ENOTFOUND for a missing record.
func load[T any](ctx context.Context, tx *gorm.DB, field, typ, id string) (*T, error) {
	n, err := model.DecodeIntID(field, typ, id)
	if err != nil {
		return nil, err
	}
	v, err := first[T](ctx, tx, typ+" "+id, "id = ?", n)
	var appErr *model.Error
	if errors.As(err, &appErr) {
		appErr.Field = field
	}
	return v, err
}

// remove deletes the typ record with the global id, or returns ENOTFOUND.
func remove(ctx context.Context, tx *gorm.DB, typ, id string) error {
	n, err := model.DecodeIntID("id", typ, id)
	if err != nil {
		return err
	}
	res := tx.WithContext(ctx).Exec(fmt.Sprintf("DELETE FROM %s WHERE id = ?", tables[typ]), n)
	if res.Error != nil {
		return fmt.Errorf("delete %s: %w", typ, res.Error)
	}
	if res.RowsAffected == 0 {
		return model.Errorf(model.ENOTFOUND, "%s %s not found", typ, id)
	}
	return nil
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

// location converts a location input, checking its country.
func location(ctx context.Context, tx *gorm.DB, field string, in *model.LocationInput) (model.Location, error) {
	if in == nil {
		return model.Location{}, nil
	}
	code, err := requireCountry(ctx, tx, field+".countryCode", in.CountryCode)
	if err != nil {
		return model.Location{}, err
	}
	return model.Location{City: in.City, CountryCode: code, Venue: in.Venue, Latitude: in.Latitude, Longitude: in.Longitude}, nil
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
