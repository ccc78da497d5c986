package model

import (
	"slices"
	"strings"
)

// Normalized checks a timeline filter and returns it in canonical form: country codes
// upper-cased, lists without repeats. It is the one validation of TimelineFilter, run by
// the store for the GraphQL timeline, its buckets and subscriptions and for the exports
// alike; an error names the field as "filter.<field>".
//
// Country codes must be assigned ISO 3166-1 alpha-2 codes ("UK" is refused: the code is
// GB) and slugs well formed, since neither could ever match; a well-formed slug nobody
// has simply matches nothing. A period from after to is refused rather than answered
// with nothing.
func (f *TimelineFilter) Normalized() (*TimelineFilter, error) {
	if f == nil {
		return &TimelineFilter{}, nil
	}
	out := *f
	if f.From != nil && f.To != nil && f.From.First().After(f.To.Last()) {
		return nil, FieldErrorf("filter.to", "%s ends before from=%s begins", f.To, f.From)
	}
	if len(f.Countries) > MaxFilterValues {
		return nil, FieldErrorf("filter.countries", "at most %d country codes", MaxFilterValues)
	}
	out.Countries = nil
	if f.Countries != nil {
		out.Countries = make([]string, 0, len(f.Countries))
	}
	for _, c := range f.Countries {
		code, err := NormalizeCountryCode("filter.countries", c)
		if err != nil {
			return nil, err
		}
		if !IsCountryCode(code) {
			return nil, FieldErrorf("filter.countries", "%q is not an ISO 3166-1 alpha-2 country code", code)
		}
		if !slices.Contains(out.Countries, code) {
			out.Countries = append(out.Countries, code)
		}
	}
	if len(f.Kinds) > MaxTimelineFilterValues {
		return nil, FieldErrorf("filter.kinds", "at most %d values", MaxTimelineFilterValues)
	}
	for _, k := range f.Kinds {
		if !k.IsValid() {
			return nil, FieldErrorf("filter.kinds", "%q is not a kind of timeline entry", truncate(string(k), 40))
		}
	}
	out.Kinds = Unique(f.Kinds)
	for _, list := range []struct {
		field string
		slugs []string
		dst   *[]string
	}{{"filter.platforms", f.Platforms, &out.Platforms}, {"filter.officials", f.Officials, &out.Officials}, {"filter.topics", f.Topics, &out.Topics}} {
		if len(list.slugs) > MaxTimelineFilterValues {
			return nil, FieldErrorf(list.field, "at most %d values", MaxTimelineFilterValues)
		}
		for _, s := range list.slugs {
			if err := ValidateSlug(list.field, s); err != nil {
				return nil, err
			}
		}
		*list.dst = Unique(list.slugs)
	}
	if f.Text != nil {
		if err := OptionalText("filter.text", f.Text, MaxTextFilterLength); err != nil {
			return nil, err
		}
		if len(strings.Fields(*f.Text)) > MaxTextFilterWords {
			return nil, FieldErrorf("filter.text", "at most %d words", MaxTextFilterWords)
		}
	}
	return &out, nil
}

// TextWords returns the words of the text filter, lower-cased.
func (f *TimelineFilter) TextWords() []string {
	if f == nil || f.Text == nil {
		return nil
	}
	return strings.Fields(strings.ToLower(*f.Text))
}
