package graph_test

import (
	"diplomacy-timeline/httpapi/apitest"
	"fmt"
	"testing"
)

// TestFilterListLimits sends every list of every filter with one value too many: each is a
// BAD_USER_INPUT naming the list, never an INTERNAL error from the database's limit on
// bound parameters; at the limit the query runs.
func TestFilterListLimits(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, false)
	values := func(n int, v string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = v
			if v == "" {
				out[i] = fmt.Sprintf("slug-%d", i)
			}
		}
		return out
	}
	cases := []struct {
		query, typ, list, value string
	}{
		{`query($f: CountryFilter) { countries(filter: $f) { totalCount } }`, "CountryFilter", "codes", "KZ"},
		{`query($f: PlatformFilter) { platforms(filter: $f) { totalCount } }`, "PlatformFilter", "slugs", ""},
		{`query($f: PlatformFilter) { platforms(filter: $f) { totalCount } }`, "PlatformFilter", "countries", "KZ"},
		{`query($f: PlatformFilter) { platforms(filter: $f) { totalCount } }`, "PlatformFilter", "kinds", "FORMAT"},
		{`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, "SessionFilter", "platforms", ""},
		{`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, "SessionFilter", "countries", "KZ"},
		{`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, "SessionFilter", "topics", ""},
		{`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, "SessionFilter", "officials", ""},
		{`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, "SessionFilter", "kinds", "SUMMIT"},
		{`query($f: SessionFilter) { platform(slug: "c5-plus-1") { sessions(filter: $f) { totalCount } } }`, "SessionFilter", "topics", ""},
		{`query($f: SessionFilter) { official(slug: "thomas-west") { sessions(filter: $f) { totalCount } } }`, "SessionFilter", "officials", ""},
		{`query($f: OfficialFilter) { officials(filter: $f) { totalCount } }`, "OfficialFilter", "slugs", ""},
		{`query($f: OfficialFilter) { officials(filter: $f) { totalCount } }`, "OfficialFilter", "countries", "US"},
		{`query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }`, "InitiativeFilter", "countries", "KZ"},
		{`query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }`, "InitiativeFilter", "proposedBy", ""},
		{`query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }`, "InitiativeFilter", "platforms", ""},
		{`query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }`, "InitiativeFilter", "topics", ""},
		{`query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }`, "InitiativeFilter", "statuses", "PROPOSED"},
		{`query($f: TopicFilter) { topics(filter: $f) { totalCount } }`, "TopicFilter", "slugs", ""},
		{`query($f: SourceFilter) { sources(filter: $f) { totalCount } }`, "SourceFilter", "publishers", ""},
		{`query($f: SourceFilter) { sources(filter: $f) { totalCount } }`, "SourceFilter", "languages", "en"},
		{`query($f: StatementFilter) { statements(filter: $f) { totalCount } }`, "StatementFilter", "officials", ""},
		{`query($f: StatementFilter) { statements(filter: $f) { totalCount } }`, "StatementFilter", "sessions", ""},
		{`query($f: TimelineFilter) { timeline(filter: $f) { totalCount } }`, "TimelineFilter", "countries", "KZ"},
		{`query($f: TimelineFilter) { timelineBuckets(filter: $f, granularity: YEAR) { count } }`, "TimelineFilter", "countries", "KZ"},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%02d %s.%s", i, c.typ, c.list), func(t *testing.T) {
			over := s.Do(t, "", c.query, map[string]any{"f": map[string]any{c.list: values(301, c.value)}})
			if code := over.Code(t); code != "BAD_USER_INPUT" {
				t.Fatalf("301 %s: code %s, want BAD_USER_INPUT: %+v", c.list, code, over.Errors)
			}
			if field := over.Errors[0].Extensions["field"]; field != "filter."+c.list {
				t.Errorf("301 %s: extensions.field %v, want filter.%s", c.list, field, c.list)
			}
			// The timeline's own lists stop at 100; every list takes all the countries.
			n := 300
			if c.typ == "TimelineFilter" && c.list != "countries" {
				n = 100
			}
			if at := s.Do(t, "", c.query, map[string]any{"f": map[string]any{c.list: values(n, c.value)}}); len(at.Errors) != 0 {
				t.Errorf("%d %s: %+v", n, c.list, at.Errors)
			}
		})
	}
}
