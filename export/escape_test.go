package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"diplomacy-timeline/httpapi/apitest"
)

// exXSS is a payload that runs script wherever it is written into HTML unescaped.
const exXSS = `"><img src=x onerror=alert(1)>`

// TestExportsEscapeEveryField: TimelineJS3 and vis-timeline write the text of what they
// are given with innerHTML, so every string of those exports that comes from a record is
// HTML-escaped, whichever field of whichever record holds a payload.
func TestExportsEscapeEveryField(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	x := func(field string) string { return field + " " + exXSS }
	platform := s.MustCreatePlatform(t, "xss-platform", map[string]any{"name": x("name"), "fullName": x("fullName"),
		"description": x("description"), "kind": "FORUM", "founded": "2010", "website": "https://example.org/"})
	topic := s.MustCreateTopic(t, "xss-topic", map[string]any{"name": x("topic")})
	source := s.MustCreateSource(t, x("source"), map[string]any{"publisher": x("publisher"), "url": `https://example.org/a?"><img src=x>`})
	official := s.MustCreateOfficial(t, "xss-official", map[string]any{"name": x("official"), "countryCode": "KZ", "otherNames": []string{x("other")}})
	session := s.MustCreateSession(t, "xss-session", "2020-02", map[string]any{"title": x("title"), "summary": x("summary"),
		"end": "2020-03", "platformId": platform, "topicIds": []string{topic},
		"location": map[string]any{"city": x("city"), "venue": x("venue"), "countryCode": "KZ"}})
	s.Mutate(t, `mutation($s: ID!, $o: ID!, $r: String) { addParticipant(sessionId: $s, officialId: $o, role: $r, countryCode: "KZ") { id } }`,
		map[string]any{"s": session, "o": official, "r": x("role")}, nil)
	s.Mutate(t, `mutation($s: ID!, $src: ID!, $e: String) { citeSource(subjectId: $s, sourceId: $src, excerpt: $e) { id } }`,
		map[string]any{"s": session, "src": source, "e": x("excerpt")}, nil)
	s.MustCreateStatement(t, official, "2020-02-03", map[string]any{"sessionId": session, "text": x("statement")})
	s.MustCreateInitiative(t, "xss-initiative", map[string]any{"title": x("initiative"), "description": x("initiative description"),
		"proposedById": official, "proposedOn": "2020-02", "platformId": platform})

	for _, name := range []string{"timelinejs.json", "vis-timeline.json"} {
		t.Run(name, func(t *testing.T) {
			r := exGet(t, s, http.MethodGet, "/export/"+name)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var doc any
			if err := json.Unmarshal(r.Body, &doc); err != nil {
				t.Fatal(err)
			}
			carrying := 0
			exWalkStrings(doc, "", func(path, v string) {
				if strings.Contains(v, "onerror") {
					carrying++
				}
				if strings.Contains(v, "<img") {
					t.Errorf("%s: %q holds unescaped HTML", path, v)
				}
			})
			if carrying == 0 {
				t.Fatalf("no field holds the payload: the test proves nothing")
			}
		})
	}
}

// exWalkStrings calls fn with every string in a decoded JSON document and its path.
func exWalkStrings(v any, path string, fn func(path, v string)) {
	switch x := v.(type) {
	case string:
		fn(path, x)
	case []any:
		for i, e := range x {
			exWalkStrings(e, path+"["+strconv.Itoa(i)+"]", fn)
		}
	case map[string]any:
		for k, e := range x {
			exWalkStrings(e, path+"."+k, fn)
		}
	}
}

// TestExportsAtTheEdgeOfTheDateRange: an end on 9999-12-31, the last day a date can name,
// gives exports that are valid in their format: vis-timeline's exclusive end and the
// calendar's DTEND would be the day after, in a year of five digits.
func TestExportsAtTheEdgeOfTheDateRange(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	s.MustCreateSession(t, "to-the-end", "2020-01-01", map[string]any{"title": "Until the end", "end": "9999-12-31"})
	s.MustCreateSession(t, "last-year", "9999", map[string]any{"title": "The last year"})

	r := exGet(t, s, http.MethodGet, "/export/vis-timeline.json")
	var vis struct {
		Items []struct {
			Content, Start, End string
		} `json:"items"`
	}
	if err := json.Unmarshal(r.Body, &vis); err != nil || len(vis.Items) != 2 {
		t.Fatalf("vis-timeline: %v: %s", err, r.Body)
	}
	for _, it := range vis.Items {
		end, err := time.Parse("2006-01-02T15:04:05", it.End)
		if err != nil || end.Year() != 9999 {
			t.Errorf("vis-timeline %q: end %q, want a valid time in 9999 (%v)", it.Content, it.End, err)
		}
	}

	r = exGet(t, s, http.MethodGet, "/export/calendar.ics")
	cal, err := ics.ParseCalendar(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("calendar: %v\n%s", err, r.Body)
	}
	if len(cal.Events()) != 2 {
		t.Fatalf("calendar: %d events, want 2", len(cal.Events()))
	}
	for _, ev := range cal.Events() {
		if p := ev.GetProperty(ics.ComponentPropertyDtEnd); p != nil {
			t.Errorf("an event ending on 9999-12-31 has DTEND %q, which would be in year 10000", p.Value)
		}
		d := ev.GetProperty(ics.ComponentPropertyDuration)
		if d == nil || !strings.HasPrefix(d.Value, "P") || !strings.HasSuffix(d.Value, "D") {
			t.Errorf("an event ending on 9999-12-31: DURATION %v, want P<n>D", d)
		}
	}
}

// TestExportCSVDefusesALeadingLineFeed: a cell that starts with a line feed is written
// with a leading quote, like the other starters spreadsheets run as formulas.
func TestExportCSVDefusesALeadingLineFeed(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	s.MustCreateSession(t, "lf", "2020-01-01", map[string]any{"title": "Line feed", "summary": "\n=1+1"})
	rows, err := csv.NewReader(bytes.NewReader(exGet(t, s, http.MethodGet, "/export/timeline.csv").Body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %q", err, rows)
	}
	if got := rows[1][6]; got != "'\n=1+1" {
		t.Errorf("summary cell %q, want it to start with a quote", got)
	}
}
