package db

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// Country returns the country with the ISO code (any case).
func (s *Store) Country(ctx context.Context, code string) (*model.Country, error) {
	c, err := model.NormalizeCountryCode("code", code)
	if err != nil {
		return nil, err
	}
	return first[model.Country](ctx, s.gdb, "country "+c, "code = ?", c)
}

// CountriesByCodes returns the countries with the codes, by code.
func (s *Store) CountriesByCodes(ctx context.Context, codes []string) (map[string]*model.Country, error) {
	rows, err := whereIn[model.Country](ctx, s.gdb, "code", codes, "")
	return IndexBy(rows, func(c *model.Country) string { return c.Code }), err
}

// Countries returns a page of countries.
func (s *Store) Countries(ctx context.Context, f *model.CountryFilter, order *model.CountryOrder, p Page) (*Conn[model.Country], error) {
	if f == nil {
		f = &model.CountryFilter{}
	}
	codes, err := filterCodes("filter.codes", f.Codes)
	if err != nil {
		return nil, err
	}
	key := sortKey[model.Country]{expr: "countries.code", value: func(c *model.Country) any { return c.Code }}
	if order != nil {
		key.desc = order.Direction == model.SortOrderDesc
		if order.Field == model.CountryOrderFieldName {
			key.expr, key.value = s.sortable("countries.name"), func(c *model.Country) any { return c.Name }
		}
	}
	return paginate(ctx, s.gdb, "countries.code", func(c *model.Country) any { return c.Code }, p, key, func(q *gorm.DB) *gorm.DB {
		if f.Codes != nil {
			q = q.Where("countries.code IN ?", codes)
		}
		if f.NameContains != nil && *f.NameContains != "" {
			q = q.Where("LOWER(countries.name) LIKE ? ESCAPE '\\'", "%"+escapeLike(strings.ToLower(*f.NameContains))+"%")
		}
		return q
	})
}

// filterCodes upper-cases and checks the country codes of a filter, each of which must be
// an assigned ISO code. (An input's unknown code is a reference that does not exist:
// requireCountry says NOT_FOUND.)
func filterCodes(field string, codes []string) ([]string, error) {
	out, err := normalizeCodes(field, codes)
	if err != nil {
		return nil, err
	}
	for _, c := range out {
		if !model.IsCountryCode(c) {
			return nil, model.FieldErrorf(field, "%q is not an ISO 3166-1 alpha-2 country code", c)
		}
	}
	return out, nil
}

// normalizeCodes upper-cases and checks a list of country codes from a filter or input.
func normalizeCodes(field string, codes []string) ([]string, error) {
	if len(codes) > model.MaxFilterValues {
		return nil, model.FieldErrorf(field, "at most %d country codes", model.MaxFilterValues)
	}
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		n, err := model.NormalizeCountryCode(field, c)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// requireCountry checks that an optional country code names a known country and returns
// it normalised.
func requireCountry(ctx context.Context, tx *gorm.DB, field string, code *string) (*string, error) {
	if code == nil {
		return nil, nil
	}
	c, err := model.NormalizeCountryCode(field, *code)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := tx.WithContext(ctx).Model(&model.Country{}).Where("code = ?", c).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("check country: %w", err)
	}
	if n == 0 {
		return nil, &model.Error{Code: model.ENOTFOUND, Field: field, Message: fmt.Sprintf("country %s not found", c)}
	}
	return &c, nil
}

// requireCountries checks a list of country codes and returns them normalised and
// deduplicated.
func requireCountries(ctx context.Context, tx *gorm.DB, field string, codes []string) ([]string, error) {
	norm, err := normalizeCodes(field, codes)
	if err != nil {
		return nil, err
	}
	norm = model.Unique(norm)
	var n int64
	if len(norm) > 0 {
		if err := tx.WithContext(ctx).Model(&model.Country{}).Where("code IN ?", norm).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("check countries: %w", err)
		}
	}
	if int(n) != len(norm) {
		return nil, &model.Error{Code: model.ENOTFOUND, Field: field, Message: "one or more countries not found"}
	}
	return norm, nil
}

// escapeLike escapes the LIKE wildcards of s so that it matches literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
