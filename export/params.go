package export

// The query parameters of an export: TimelineFilter's fields, order, limit and after.

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// paramName turns the store's name of a filter field ("filter.countries") into the
// query parameter's.
func paramName(field string) string {
	return strings.TrimPrefix(field, "filter.")
}

// parseParams reads the query string of an export. Lists are comma-separated and
// may be repeated (countries=KZ,UZ or countries=KZ&countries=UZ); an empty value is the
// same as leaving the parameter out. Unknown parameters are refused rather than ignored,
// so a misspelt filter never exports everything. The parameters are checked in the
// order of knownParams, and the first mistake is the one reported.
func parseParams(raw string) (parsed, error) {
	p := parsed{order: model.SortOrderAsc, limit: limits.ExportMaxEntries}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return p, model.Errorf(model.EINVALID, "the query string is malformed")
	}
	q := query(v)
	if err := q.checkNames(); err != nil {
		return p, err
	}
	if p.filter, err = q.filter(); err != nil {
		return p, err
	}
	if err := q.paging(&p); err != nil {
		return p, err
	}
	f, err := normalizeFilter(&p.filter)
	if err != nil {
		return p, err
	}
	p.filter = *f
	return p, nil
}

// query is an export's query string, read parameter by parameter.
type query url.Values

// checkNames refuses an unknown parameter, and a parameter other than a list given more
// than once: which of the values would apply is a guess the client should not rely on.
// The names are checked in order, so the same query is always refused for the same one.
func (q query) checkNames() error {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(knownParams, name) {
			return model.FieldErrorf(truncateParam(name), "unknown parameter; the parameters are %s", strings.Join(knownParams, ", "))
		}
		if !slices.Contains(listParams, name) && len(q[name]) > 1 {
			return model.FieldErrorf(name, "given %d times; give it once", len(q[name]))
		}
	}
	return nil
}

// single returns a parameter's value, trimmed, and whether it is given: an empty value
// is the parameter left out.
func (q query) single(name string) (string, bool) {
	v := strings.TrimSpace(url.Values(q).Get(name))
	return v, v != ""
}

// date returns a date parameter, nil when it is left out.
func (q query) date(name string) (*model.Date, error) {
	v, ok := q.single(name)
	if !ok {
		return nil, nil
	}
	d, err := model.ParseDate(v)
	if err != nil {
		return nil, model.FieldErrorf(name, "%s", model.ErrorMessage(err))
	}
	return &d, nil
}

// list returns the items of a list parameter, comma-separated and repeated alike,
// trimmed, each once, in the order given; nil when there are none (no filter).
func (q query) list(name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" && !slices.Contains(out, item) {
				out = append(out, item)
			}
		}
	}
	return out
}

// filter reads the parameters named as TimelineFilter's fields, as given: the filter's
// own rules are checked after, by normalizeFilter.
func (q query) filter() (model.TimelineFilter, error) {
	var f model.TimelineFilter
	var err error
	if f.From, err = q.date("from"); err != nil {
		return f, err
	}
	if f.To, err = q.date("to"); err != nil {
		return f, err
	}
	if f.Kinds, err = parseKinds(q.list("kinds")); err != nil {
		return f, err
	}
	f.Countries = q.list("countries")
	f.Platforms, f.Officials, f.Topics = q.list("platforms"), q.list("officials"), q.list("topics")
	if v, ok := q.single("text"); ok {
		f.Text = &v
	}
	return f, nil
}

// parseKinds reads the kinds of entries, in any case, each once; nil when none is given:
// the store and sessionKindsOnly take nil for no filter, an empty list for one that
// keeps nothing.
func parseKinds(items []string) ([]model.TimelineEntryKind, error) {
	var kinds []model.TimelineEntryKind
	for _, k := range items {
		kind := model.TimelineEntryKind(strings.ToUpper(k))
		if !kind.IsValid() {
			all := make([]string, len(model.TimelineEntryKinds))
			for i, k := range model.TimelineEntryKinds {
				all[i] = string(k)
			}
			return nil, model.FieldErrorf("kinds", "%q is not a kind of timeline entry (one of %s)", truncateParam(k), strings.Join(all, ", "))
		}
		if !slices.Contains(kinds, kind) {
			kinds = append(kinds, kind)
		}
	}
	return kinds, nil
}

// paging reads order, limit and after into p, whose defaults stand for the ones left
// out: ascending order, and a limit of limits.ExportMaxEntries.
func (q query) paging(p *parsed) error {
	if v, ok := q.single("order"); ok {
		switch model.SortOrder(strings.ToUpper(v)) {
		case model.SortOrderAsc:
			p.order = model.SortOrderAsc
		case model.SortOrderDesc:
			p.order = model.SortOrderDesc
		default:
			return model.FieldErrorf("order", "%q is not ASC or DESC", truncateParam(v))
		}
	}
	if v, ok := q.single("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > limits.ExportMaxEntries {
			return model.FieldErrorf("limit", "must be a whole number from 1 to %d, got %q", limits.ExportMaxEntries, truncateParam(v))
		}
		p.limit = n
	}
	if v, ok := q.single("after"); ok {
		p.after = &v
	}
	return nil
}

// normalizeFilter checks the filter's own rules (country codes, slugs, list sizes, the
// period): they are the timeline's, checked once by the model for the GraphQL API and the
// exports alike. An error names the query parameter rather than the filter's field.
func normalizeFilter(f *model.TimelineFilter) (*model.TimelineFilter, error) {
	n, err := f.Normalized()
	if err != nil {
		var e *model.Error
		if errors.As(err, &e) {
			return nil, model.FieldErrorf(paramName(e.Field), "%s", e.Message)
		}
		return nil, err
	}
	return n, nil
}

// truncateParam shortens a client's value for an error message.
func truncateParam(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// sessionKindsOnly narrows a kinds filter to SESSION: nothing else when the client asked
// for other kinds only.
func sessionKindsOnly(kinds []model.TimelineEntryKind) []model.TimelineEntryKind {
	if kinds == nil || slices.Contains(kinds, model.EntrySession) {
		return []model.TimelineEntryKind{model.EntrySession}
	}
	return []model.TimelineEntryKind{}
}
