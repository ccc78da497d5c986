package model_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"diplomacy-timeline/model"
)

func TestTimelineFilterNormalized(t *testing.T) {
	t.Parallel()
	date := func(s string) *model.Date { d := model.MustParseDate(s); return &d }
	text := func(s string) *string { return &s }
	many := func(n int, f func(i int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	var codes []string
	for _, c := range model.Countries() {
		codes = append(codes, c.Code)
	}
	for _, c := range []struct {
		name  string
		in    *model.TimelineFilter
		field string // of the error; "" when the filter is good
		check func(*model.TimelineFilter) bool
	}{
		{"nil is everything", nil, "", func(f *model.TimelineFilter) bool { return f != nil && f.Countries == nil && f.Kinds == nil }},
		{"countries upper-cased, repeats dropped", &model.TimelineFilter{Countries: []string{"kz", " UZ", "KZ"}}, "",
			func(f *model.TimelineFilter) bool { return slices.Equal(f.Countries, []string{"KZ", "UZ"}) }},
		{"an empty list stays empty (matches nothing)", &model.TimelineFilter{Countries: []string{}, Topics: []string{}}, "",
			func(f *model.TimelineFilter) bool {
				return f.Countries != nil && len(f.Countries) == 0 && f.Topics != nil
			}},
		{"unassigned code", &model.TimelineFilter{Countries: []string{"UK"}}, "filter.countries", nil},
		{"not a code", &model.TimelineFilter{Countries: []string{"KZZ"}}, "filter.countries", nil},
		{"every country", &model.TimelineFilter{Countries: codes}, "", func(f *model.TimelineFilter) bool { return len(f.Countries) == len(codes) }},
		{"too many countries", &model.TimelineFilter{Countries: many(model.MaxFilterValues+1, func(int) string { return "KZ" })}, "filter.countries", nil},
		{"kinds deduplicated", &model.TimelineFilter{Kinds: []model.TimelineEntryKind{model.EntrySession, model.EntrySession}}, "",
			func(f *model.TimelineFilter) bool { return len(f.Kinds) == 1 }},
		{"unknown kind", &model.TimelineFilter{Kinds: []model.TimelineEntryKind{"SESSIONS"}}, "filter.kinds", nil},
		{"malformed slug", &model.TimelineFilter{Platforms: []string{"C5+1"}}, "filter.platforms", nil},
		{"unknown slug is fine", &model.TimelineFilter{Officials: []string{"no-such-official"}}, "",
			func(f *model.TimelineFilter) bool { return slices.Equal(f.Officials, []string{"no-such-official"}) }},
		{"too many topics", &model.TimelineFilter{Topics: many(model.MaxTimelineFilterValues+1, func(i int) string { return "t" + strings.Repeat("x", i%5) })}, "filter.topics", nil},
		{"period", &model.TimelineFilter{From: date("2023"), To: date("2023-07")}, "", func(f *model.TimelineFilter) bool { return f.From != nil }},
		{"from after to", &model.TimelineFilter{From: date("2024"), To: date("2023-12-31")}, "filter.to", nil},
		{"overlapping partial dates", &model.TimelineFilter{From: date("2023-07-28"), To: date("2023-07")}, "", func(*model.TimelineFilter) bool { return true }},
		{"eight words", &model.TimelineFilter{Text: text("a b c d e f g h")}, "", func(f *model.TimelineFilter) bool { return len(f.TextWords()) == 8 }},
		{"nine words", &model.TimelineFilter{Text: text("a b c d e f g h i")}, "filter.text", nil},
		{"text too long", &model.TimelineFilter{Text: text(strings.Repeat("x", model.MaxTextFilterLength+1))}, "filter.text", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.in.Normalized()
			if c.field != "" {
				var e *model.Error
				if model.ErrorCode(err) != model.EINVALID || !errors.As(err, &e) || e.Field != c.field {
					t.Fatalf("want EINVALID on %s, got %v", c.field, err)
				}
				return
			}
			if err != nil || !c.check(got) {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}
