package export_test

// Tests of the timeline exports (/export/…) through the real HTTP handler, on SQLite or,
// with TEST_DATABASE_URL, PostgreSQL. Every export is read by a real parser — the .ics by
// an iCalendar library (github.com/arran4/golang-ical), the CSV by encoding/csv, the JSON
// formats by encoding/json — and checked field by field against the format's rules and
// against the GraphQL timeline for the same filter: the default dataset, fixtures with
// partial dates, ranges and hostile text, and a generated dataset; filtered and unfiltered;
// then truncation, bad parameters, the HTTP surface and the SQL cost.

import (
	"bytes"
	"context"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"diplomacy-timeline/db/synth"
	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/limits"
)

// ---------------------------------------------------------------------------------------
// Harness.

// exOpen starts the real handler over a fresh database of the test backend (SQLite, or
// PostgreSQL when TEST_DATABASE_URL is set), with the default dataset unless empty.
func exOpen(tb testing.TB, empty bool) *apitest.Server {
	tb.Helper()
	return apitest.MustOpenServer(tb, empty)
}

// exOpenWith is exOpen with the handler's options.
func exOpenWith(tb testing.TB, empty bool, opts httpapi.Options) *apitest.Server {
	tb.Helper()
	return apitest.MustOpenServerWith(tb, empty, opts)
}

// exResponse is an export's HTTP response.
type exResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// exGet requests path (with its query) with the headers given as name, value pairs.
func exGet(tb testing.TB, s *apitest.Server, method, path string, header ...string) *exResponse {
	tb.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := s.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return &exResponse{Status: res.StatusCode, Header: res.Header, Body: body}
}

// exExport fetches an export that must succeed, checking its content type and attachment.
func exExport(tb testing.TB, s *apitest.Server, name string, f exFilter) *exResponse {
	tb.Helper()
	r := exGet(tb, s, http.MethodGet, "/export/"+name+f.query())
	if r.Status != http.StatusOK {
		tb.Fatalf("GET /export/%s%s: status %d: %s", name, f.query(), r.Status, r.Body)
	}
	want := map[string]string{
		"timelinejs.json":   "application/json",
		"vis-timeline.json": "application/json",
		"popolo.json":       "application/json",
		"calendar.ics":      "text/calendar; charset=utf-8",
		"timeline.csv":      "text/csv; charset=utf-8",
	}[name]
	if got := r.Header.Get("Content-Type"); got != want {
		tb.Errorf("%s: Content-Type %q, want %q", name, got, want)
	}
	if got, want := r.Header.Get("Content-Disposition"), `attachment; filename="`+name+`"`; got != want {
		tb.Errorf("%s: Content-Disposition %q, want %q", name, got, want)
	}
	return r
}

// exFilter is a TimelineFilter with an order, sent as GraphQL variables or query parameters.
type exFilter struct {
	From, To                                       string
	Kinds, Platforms, Countries, Officials, Topics []string
	Text                                           string
	Order                                          string
	Limit                                          int
}

// vars returns the filter as GraphQL variables, as the timeline tests build them.
func (f exFilter) vars() map[string]any {
	return apitest.TimelineFilter{From: f.From, To: f.To, Kinds: f.Kinds, Platforms: f.Platforms, Countries: f.Countries,
		Officials: f.Officials, Topics: f.Topics, Text: f.Text}.Vars()
}

// query returns the filter as an export's query string ("" or "?…"), lists comma-separated.
func (f exFilter) query() string {
	q := url.Values{}
	for k, v := range f.vars() {
		switch v := v.(type) {
		case string:
			q.Set(k, v)
		case []string:
			q.Set(k, strings.Join(v, ","))
		}
	}
	if f.Order != "" {
		q.Set("order", f.Order)
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (f exFilter) String() string { return f.query() }

// ---------------------------------------------------------------------------------------
// The GraphQL timeline, the reference every export is compared with.

type exName struct {
	ID   string `json:"id"`
	Code string `json:"code"` // of a country
	Name string `json:"name"`
}

type exEntry struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Date     string  `json:"date"`
	EndDate  *string `json:"endDate"`
	Title    string  `json:"title"`
	Summary  *string `json:"summary"`
	Platform *struct {
		ID        string  `json:"id"`
		Slug      string  `json:"slug"`
		Name      string  `json:"name"`
		Founded   *string `json:"founded"`
		Dissolved *string `json:"dissolved"`
	} `json:"platform"`
	Countries []struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"countries"`
	Topics []struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	} `json:"topics"`
	Sources []struct {
		Title     string  `json:"title"`
		Publisher *string `json:"publisher"`
		URL       *string `json:"url"`
	} `json:"sources"`
	Subject struct {
		Typename   string  `json:"__typename"`
		ID         string  `json:"id"`
		Official   *exName `json:"official"`
		ProposedBy *exName `json:"proposedBy"`
		// Sessions only.
		Slug     string  `json:"slug"`
		Title    string  `json:"title"`
		Kind     string  `json:"kind"`
		Start    string  `json:"start"`
		End      *string `json:"end"`
		Summary  *string `json:"summary"`
		Platform *exName `json:"platform"`
		Parent   *exName `json:"parent"`
		Location *struct {
			City      *string  `json:"city"`
			Venue     *string  `json:"venue"`
			Latitude  *float64 `json:"latitude"`
			Longitude *float64 `json:"longitude"`
			Country   *exName  `json:"country"`
		} `json:"location"`
		HostCountry  *exName `json:"hostCountry"`
		Participants []struct {
			Role     *string `json:"role"`
			Official struct {
				ID      string  `json:"id"`
				Name    string  `json:"name"`
				Country *exName `json:"country"`
			} `json:"official"`
			Country *exName `json:"country"`
		} `json:"participants"`
	} `json:"subject"`
}

const exTimelineQuery = `query($filter: TimelineFilter, $order: SortOrder, $after: String) {
  timeline(filter: $filter, order: $order, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id kind date endDate title summary
      platform { id slug name founded dissolved }
      countries { code name }
      topics { slug name }
      sources { title publisher url }
      subject {
        __typename
        ... on Platform { id }
        ... on Official { id }
        ... on Statement { id official { id name } }
        ... on Initiative { id proposedBy { id name } }
        ... on Session {
          id slug title kind start end summary
          platform { id name } parent { id }
          location { city venue latitude longitude country { name } }
          hostCountry { name }
          participants { role official { id name country { code name } } country { code name } }
        }
      }
    }
  }
}`

// exTimeline reads the whole filtered timeline through GraphQL, 100 entries a page.
func exTimeline(tb testing.TB, s *apitest.Server, f exFilter) []exEntry {
	tb.Helper()
	order := f.Order
	if order == "" {
		order = "ASC"
	}
	vars := map[string]any{"filter": f.vars(), "order": strings.ToUpper(order)}
	var all []exEntry
	for {
		var out struct {
			Timeline struct {
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
				Nodes []exEntry `json:"nodes"`
			} `json:"timeline"`
		}
		s.Query(tb, exTimelineQuery, vars, &out)
		all = append(all, out.Timeline.Nodes...)
		if !out.Timeline.PageInfo.HasNextPage {
			return all
		}
		vars["after"] = out.Timeline.PageInfo.EndCursor
	}
}

// exSessions keeps the SESSION entries.
func exSessions(entries []exEntry) []exEntry {
	var out []exEntry
	for _, e := range entries {
		if e.Kind == "SESSION" {
			out = append(out, e)
		}
	}
	return out
}

// ---------------------------------------------------------------------------------------
// Partial dates, computed here independently of the product's model.Date.

// exPeriod returns the first and last day of "2015", "2023-07" or "2023-07-28".
func exPeriod(tb testing.TB, d string) (first, last time.Time) {
	tb.Helper()
	for _, layout := range []struct {
		layout string
		years  int
		months int
		days   int
	}{{"2006", 1, 0, 0}, {"2006-01", 0, 1, 0}, {"2006-01-02", 0, 0, 1}} {
		if len(d) != len(layout.layout) {
			continue
		}
		t, err := time.Parse(layout.layout, d)
		if err != nil {
			tb.Fatalf("date %q: %v", d, err)
		}
		return t, t.AddDate(layout.years, layout.months, layout.days-1)
	}
	tb.Fatalf("date %q: not a partial date", d)
	return
}

// exPrecision names the precision of a partial date.
func exPrecision(d string) string {
	return map[int]string{4: "YEAR", 7: "MONTH", 10: "DAY"}[len(d)]
}

// exSpan returns the first day of an entry and the last day of its whole period.
func exSpan(tb testing.TB, e exEntry) (first, last time.Time) {
	tb.Helper()
	first, last = exPeriod(tb, e.Date)
	if e.EndDate != nil {
		if _, endLast := exPeriod(tb, *e.EndDate); endLast.After(last) {
			last = endLast
		}
	}
	return first, last
}

// exDisplay writes a partial date as the exports show it: "2015", "July 2023", "28 July 2023".
func exDisplay(tb testing.TB, d string) string {
	tb.Helper()
	first, _ := exPeriod(tb, d)
	switch len(d) {
	case 4:
		return d
	case 7:
		return first.Month().String() + " " + d[:4]
	}
	return fmt.Sprintf("%d %s %d", first.Day(), first.Month(), first.Year())
}

// ---------------------------------------------------------------------------------------
// TimelineJS.

// exNumber reads a TimelineJS date part: a JSON number or a numeric string.
func exNumber(tb testing.TB, v any, what string) int {
	tb.Helper()
	switch x := v.(type) {
	case float64:
		if x != float64(int(x)) {
			tb.Fatalf("%s: %v is not a whole number", what, x)
		}
		return int(x)
	case string:
		n, err := strconv.Atoi(x)
		if err != nil {
			tb.Fatalf("%s: %q is not a number", what, x)
		}
		return n
	}
	tb.Fatalf("%s: %v (%T) is neither a number nor a numeric string", what, v, v)
	return 0
}

// exTLDate reads a TimelineJS date, checks its parts are valid, and returns its day and the
// parts present.
func exTLDate(tb testing.TB, v any, what string) (time.Time, map[string]bool) {
	tb.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		tb.Fatalf("%s: not an object: %v", what, v)
	}
	present := map[string]bool{}
	parts := map[string]int{"month": 1, "day": 1}
	for _, k := range []string{"year", "month", "day"} {
		if raw, ok := m[k]; ok {
			present[k] = true
			parts[k] = exNumber(tb, raw, what+"."+k)
		}
	}
	if !present["year"] {
		tb.Fatalf("%s: no year: %v", what, m)
	}
	if present["day"] && !present["month"] {
		tb.Fatalf("%s: a day without a month: %v", what, m)
	}
	if parts["month"] < 1 || parts["month"] > 12 {
		tb.Fatalf("%s: month %d", what, parts["month"])
	}
	t := time.Date(parts["year"], time.Month(parts["month"]), parts["day"], 0, 0, 0, 0, time.UTC)
	if t.Day() != parts["day"] {
		tb.Fatalf("%s: day %d does not exist in that month", what, parts["day"])
	}
	for k := range m {
		if !slices.Contains([]string{"year", "month", "day", "display_date"}, k) {
			tb.Errorf("%s: unexpected field %q", what, k)
		}
	}
	return t, present
}

// exCheckTimelineJS checks a TimelineJS3 document against the rules of the format and
// against the entries the GraphQL timeline returns for the same filter.
func exCheckTimelineJS(tb testing.TB, body []byte, want []exEntry) {
	tb.Helper()
	var doc struct {
		Title  map[string]any   `json:"title"`
		Events []map[string]any `json:"events"`
		Eras   []map[string]any `json:"eras"`
		Scale  string           `json:"scale"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		tb.Fatalf("timelinejs: %v\n%s", err, body)
	}
	if doc.Scale != "human" {
		tb.Errorf("timelinejs: scale %q", doc.Scale)
	}
	if doc.Title == nil || doc.Title["text"] == nil {
		tb.Errorf("timelinejs: no title slide")
	} else if _, dated := doc.Title["start_date"]; dated {
		tb.Errorf("timelinejs: the title slide has a date")
	}
	if len(doc.Events) != len(want) {
		tb.Fatalf("timelinejs: %d events, want %d", len(doc.Events), len(want))
	}
	ids := map[string]bool{fmt.Sprint(doc.Title["unique_id"]): true}
	platforms := map[string]bool{}
	for i, ev := range doc.Events {
		e := want[i]
		what := fmt.Sprintf("timelinejs event %d (%s %s %q)", i, e.Kind, e.Date, e.Title)
		id, _ := ev["unique_id"].(string)
		if id != e.ID {
			tb.Errorf("%s: unique_id %q, want the entry's ID %q", what, id, e.ID)
		}
		if ids[id] {
			tb.Errorf("%s: unique_id %q is not unique", what, id)
		}
		ids[id] = true
		start, present := exTLDate(tb, ev["start_date"], what+" start_date")
		first, _ := exPeriod(tb, e.Date)
		if !start.Equal(first) {
			tb.Errorf("%s: start_date is %s, want %s", what, start.Format(time.DateOnly), first.Format(time.DateOnly))
		}
		prec := exPrecision(e.Date)
		if present["month"] != (prec != "YEAR") || present["day"] != (prec == "DAY") {
			tb.Errorf("%s: start_date has %v for a %s date", what, present, prec)
		}
		sd := ev["start_date"].(map[string]any)
		partial := prec != "DAY"
		if partial {
			if got := sd["display_date"]; got != exDisplay(tb, e.Date) {
				tb.Errorf("%s: start_date.display_date %v, want %q", what, got, exDisplay(tb, e.Date))
			}
		} else if _, ok := sd["display_date"]; ok {
			tb.Errorf("%s: start_date.display_date on a day", what)
		}
		hasEnd := e.EndDate != nil && *e.EndDate != e.Date
		endAfter := false
		if hasEnd {
			endFirst, _ := exPeriod(tb, *e.EndDate)
			endAfter = endFirst.After(first)
			partial = partial || exPrecision(*e.EndDate) != "DAY"
		}
		if raw, ok := ev["end_date"]; ok {
			if !endAfter {
				tb.Errorf("%s: end_date %v, want none (end %v)", what, raw, e.EndDate)
			} else {
				end, present := exTLDate(tb, raw, what+" end_date")
				endFirst, _ := exPeriod(tb, *e.EndDate)
				if !end.Equal(endFirst) || !end.After(start) {
					tb.Errorf("%s: end_date %s, want %s, after the start", what, end.Format(time.DateOnly), endFirst.Format(time.DateOnly))
				}
				p := exPrecision(*e.EndDate)
				if present["month"] != (p != "YEAR") || present["day"] != (p == "DAY") {
					tb.Errorf("%s: end_date has %v for a %s date", what, present, p)
				}
			}
		} else if endAfter {
			tb.Errorf("%s: no end_date, want %s", what, *e.EndDate)
		}
		if hasEnd && !endAfter {
			partial = true
		}
		wantDisplay := ""
		if partial {
			wantDisplay = exDisplay(tb, e.Date)
			if hasEnd {
				wantDisplay += " – " + exDisplay(tb, *e.EndDate)
			}
		}
		if got, _ := ev["display_date"].(string); got != wantDisplay {
			tb.Errorf("%s: display_date %q, want %q", what, got, wantDisplay)
		}
		text, _ := ev["text"].(map[string]any)
		if text["headline"] != html.EscapeString(e.Title) {
			tb.Errorf("%s: headline %v, want %q", what, text["headline"], html.EscapeString(e.Title))
		}
		body, _ := text["text"].(string)
		if e.Summary != nil && !strings.Contains(body, html.EscapeString(strings.TrimSpace(strings.Split(*e.Summary, "\n")[0]))) {
			tb.Errorf("%s: text %q lacks the summary %q", what, body, *e.Summary)
		}
		for _, src := range e.Sources {
			if !strings.Contains(body, html.EscapeString(src.Title)) {
				tb.Errorf("%s: text lacks the source %q", what, src.Title)
			}
		}
		for _, c := range e.Countries {
			if !strings.Contains(body, html.EscapeString(c.Name)) {
				tb.Errorf("%s: text lacks the country %q", what, c.Name)
			}
		}
		if strings.Contains(body, "<script") {
			tb.Errorf("%s: text holds unescaped markup: %s", what, body)
		}
		group, hasGroup := ev["group"]
		switch {
		case e.Platform == nil && hasGroup:
			tb.Errorf("%s: group %v without a platform", what, group)
		case e.Platform != nil && group != html.EscapeString(e.Platform.Name):
			tb.Errorf("%s: group %v, want %q", what, group, html.EscapeString(e.Platform.Name))
		case e.Platform != nil:
			platforms[e.Platform.Name] = true
		}
	}
	// Eras: the lifetimes of the exported entries' platforms that have a founding date.
	wantEras := map[string]exEntry{}
	for _, e := range want {
		if e.Platform != nil && e.Platform.Founded != nil {
			wantEras[e.Platform.Name] = e
		}
	}
	if len(doc.Eras) != len(wantEras) {
		tb.Errorf("timelinejs: %d eras, want %d (%v)", len(doc.Eras), len(wantEras), slices.Collect(mapKeys(wantEras)))
	}
	for i, era := range doc.Eras {
		text, _ := era["text"].(map[string]any)
		name := html.UnescapeString(fmt.Sprint(text["headline"]))
		e, ok := wantEras[name]
		if !ok {
			tb.Errorf("timelinejs era %d: %q is not a platform of the entries", i, name)
			continue
		}
		start, _ := exTLDate(tb, era["start_date"], "era "+name+" start_date")
		end, _ := exTLDate(tb, era["end_date"], "era "+name+" end_date")
		founded, _ := exPeriod(tb, *e.Platform.Founded)
		if !start.Equal(founded) || !end.After(start) {
			tb.Errorf("timelinejs era %q: %s to %s, want from %s to a later day", name, start.Format(time.DateOnly), end.Format(time.DateOnly), founded.Format(time.DateOnly))
		}
		if e.Platform.Dissolved == nil && end.Year() != time.Now().UTC().Year() && end.Year() != time.Now().UTC().Year()-1 {
			tb.Errorf("timelinejs era %q: a platform not dissolved ends %s, want today", name, end.Format(time.DateOnly))
		}
	}
}

// mapKeys yields the keys of a map (for messages).
func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ---------------------------------------------------------------------------------------
// vis-timeline.

type exVisItem struct {
	ID        string  `json:"id"`
	Content   string  `json:"content"`
	Start     string  `json:"start"`
	End       *string `json:"end"`
	Group     string  `json:"group"`
	Type      string  `json:"type"`
	ClassName string  `json:"className"`
	Title     string  `json:"title"`
}

// exCheckVis checks a vis-timeline document against vis-timeline's item and group rules and
// the GraphQL timeline's entries.
func exCheckVis(tb testing.TB, body []byte, want []exEntry) {
	tb.Helper()
	var doc struct {
		Items  []exVisItem `json:"items"`
		Groups []struct {
			ID      string `json:"id"`
			Content string `json:"content"`
			Title   string `json:"title"`
			Order   int    `json:"order"`
		} `json:"groups"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		tb.Fatalf("vis-timeline: %v\n%s", err, body)
	}
	if len(doc.Items) != len(want) {
		tb.Fatalf("vis-timeline: %d items, want %d", len(doc.Items), len(want))
	}
	groups := map[string]string{}
	for _, g := range doc.Groups {
		if _, dup := groups[g.ID]; dup || g.ID == "" {
			tb.Errorf("vis-timeline: group ID %q empty or repeated", g.ID)
		}
		groups[g.ID] = g.Content
	}
	used := map[string]bool{}
	ids := map[string]bool{}
	for i, it := range doc.Items {
		e := want[i]
		what := fmt.Sprintf("vis item %d (%s %s %q)", i, e.Kind, e.Date, e.Title)
		if it.ID != e.ID || ids[it.ID] {
			tb.Errorf("%s: id %q, want the entry's ID %q, unique", what, it.ID, e.ID)
		}
		ids[it.ID] = true
		if it.Content != html.EscapeString(e.Title) {
			tb.Errorf("%s: content %q, want %q", what, it.Content, html.EscapeString(e.Title))
		}
		first, last := exSpan(tb, e)
		if it.Start != first.Format(time.DateOnly) {
			tb.Errorf("%s: start %q, want %s", what, it.Start, first.Format(time.DateOnly))
		}
		switch {
		case last.After(first):
			wantEnd := last.AddDate(0, 0, 1).Format(time.DateOnly)
			if it.Type != "range" || it.End == nil || *it.End != wantEnd {
				tb.Errorf("%s: type %q end %v, want a range ending %s", what, it.Type, it.End, wantEnd)
			}
			if it.End != nil && *it.End <= it.Start {
				tb.Errorf("%s: a range ends (%s) before it starts (%s)", what, *it.End, it.Start)
			}
		case it.End != nil:
			tb.Errorf("%s: a single day has an end %q", what, *it.End)
		case e.Kind == "SESSION" && it.Type != "box", e.Kind != "SESSION" && it.Type != "point":
			tb.Errorf("%s: type %q for a single day", what, it.Type)
		}
		classes := strings.Fields(it.ClassName)
		if !slices.Contains(classes, "kind-"+strings.ReplaceAll(strings.ToLower(e.Kind), "_", "-")) {
			tb.Errorf("%s: className %q lacks the kind", what, it.ClassName)
		}
		if p := exPrecision(e.Date); p != "DAY" && !slices.Contains(classes, "precision-"+strings.ToLower(p)) {
			tb.Errorf("%s: className %q lacks the precision", what, it.ClassName)
		}
		wantGroup := "no-platform"
		if e.Platform != nil {
			wantGroup = e.Platform.ID
			if groups[wantGroup] != html.EscapeString(e.Platform.Name) {
				tb.Errorf("%s: group %q is %q, want %q", what, wantGroup, groups[wantGroup], e.Platform.Name)
			}
		}
		if it.Group != wantGroup {
			tb.Errorf("%s: group %q, want %q", what, it.Group, wantGroup)
		}
		if _, ok := groups[it.Group]; !ok {
			tb.Errorf("%s: group %q is not among the groups", what, it.Group)
		}
		used[it.Group] = true
		if !strings.Contains(it.Title, html.EscapeString(e.Title)) {
			tb.Errorf("%s: title %q lacks the entry's title", what, it.Title)
		}
	}
	for id := range groups {
		if !used[id] {
			tb.Errorf("vis-timeline: group %q has no items", id)
		}
	}
}

// ---------------------------------------------------------------------------------------
// CSV.

// exUnformula undoes the export's defence against formula injection, checking that no cell
// could run as a formula.
func exUnformula(tb testing.TB, cell string) string {
	tb.Helper()
	if cell != "" && strings.ContainsRune("=+-@\t\r\n", rune(cell[0])) {
		tb.Errorf("csv: cell %q would run as a formula", cell)
	}
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune("=+-@\t\r\n", rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

// exCheckCSV parses the CSV with encoding/csv and compares each row with the GraphQL entry.
func exCheckCSV(tb testing.TB, body []byte, want []exEntry) {
	tb.Helper()
	if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		tb.Errorf("csv: starts with a byte order mark")
	}
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		tb.Errorf("csv: the last record does not end with CRLF")
	}
	r := csv.NewReader(bytes.NewReader(body))
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("csv: %v\n%s", err, body)
	}
	header := []string{"id", "kind", "date", "end_date", "precision", "title", "summary", "platform",
		"countries", "topics", "subject_type", "subject_id", "participants", "source_urls", "source_titles"}
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		tb.Fatalf("csv: header %v, want %v", rows[:min(1, len(rows))], header)
	}
	if len(rows)-1 != len(want) {
		tb.Fatalf("csv: %d rows, want %d", len(rows)-1, len(want))
	}
	for i, row := range rows[1:] {
		e := want[i]
		var end, summary, platform string
		if e.EndDate != nil {
			end = *e.EndDate
		}
		if e.Summary != nil {
			// encoding/csv reads a CRLF inside a quoted field as LF.
			summary = strings.ReplaceAll(*e.Summary, "\r\n", "\n")
		}
		if e.Platform != nil {
			platform = e.Platform.Slug
		}
		var countries, topics, participants, urls, titles []string
		for _, c := range e.Countries {
			countries = append(countries, c.Code)
		}
		for _, t := range e.Topics {
			topics = append(topics, t.Slug)
		}
		item := strings.NewReplacer(`\`, `\\`, ";", `\;`).Replace
		for _, p := range e.Subject.Participants {
			country := p.Country
			if country == nil {
				country = p.Official.Country
			}
			if country == nil {
				participants = append(participants, item(p.Official.Name))
			} else {
				participants = append(participants, item(p.Official.Name+" ("+country.Code+")"))
			}
		}
		for _, s := range e.Sources {
			url := ""
			if s.URL != nil {
				url = *s.URL
			}
			urls = append(urls, item(url))
			titles = append(titles, item(s.Title))
		}
		wantRow := []string{e.ID, e.Kind, e.Date, end, exPrecision(e.Date), e.Title, summary, platform,
			strings.Join(countries, ";"), strings.Join(topics, ";"), e.Subject.Typename, e.Subject.ID,
			strings.Join(participants, ";"), strings.Join(urls, ";"), strings.Join(titles, ";")}
		for j := range row {
			row[j] = exUnformula(tb, row[j])
		}
		if !slices.Equal(row, wantRow) {
			tb.Errorf("csv row %d:\n got %q\nwant %q", i+1, row, wantRow)
		}
	}
}

// ---------------------------------------------------------------------------------------
// iCalendar.

// exCheckICSRaw checks what a parser forgives: CRLF after every line, no line longer than 75
// octets, folds that never split a UTF-8 character, no bare CR or LF.
func exCheckICSRaw(tb testing.TB, body []byte) {
	tb.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		tb.Errorf("ics: does not end with CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n"))
	for i, l := range lines {
		if len(l) > 75 {
			tb.Errorf("ics line %d: %d octets, more than 75: %q", i+1, len(l), l)
		}
		if bytes.ContainsAny(l, "\r\n") {
			tb.Errorf("ics line %d: a bare CR or LF: %q", i+1, l)
		}
		if !utf8.Valid(l) {
			tb.Errorf("ics line %d: a fold splits a UTF-8 character: %q", i+1, l)
		}
		if len(l) == 0 {
			tb.Errorf("ics line %d: empty", i+1)
		}
	}
}

// exProp returns the value of an event's only property of the name, failing if there is none.
func exProp(tb testing.TB, ev *ics.VEvent, p ics.ComponentProperty, what string) *ics.IANAProperty {
	tb.Helper()
	props := ev.GetProperties(p)
	if len(props) != 1 {
		tb.Errorf("%s: %d %s properties, want one", what, len(props), p)
		return &ics.IANAProperty{}
	}
	return props[0]
}

// exCheckICS parses the calendar with golang-ical and checks each event against the
// session entries of the GraphQL timeline; base is the server's URL.
func exCheckICS(tb testing.TB, body []byte, want []exEntry, base string) {
	tb.Helper()
	exCheckICSRaw(tb, body)
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("ics: %v\n%s", err, body)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	if props["VERSION"] != "2.0" || props["PRODID"] == "" {
		tb.Errorf("ics: VERSION %q PRODID %q", props["VERSION"], props["PRODID"])
	}
	events := cal.Events()
	if len(events) != len(want) {
		tb.Fatalf("ics: %d events, want %d", len(events), len(want))
	}
	uids := map[string]bool{}
	for i, ev := range events {
		e := want[i]
		s := e.Subject
		what := fmt.Sprintf("ics event %d (%s %q)", i, e.Date, e.Title)
		uid := exProp(tb, ev, ics.ComponentPropertyUniqueId, what).Value
		if uid != e.ID+"@diplomacy-timeline" || uids[uid] {
			tb.Errorf("%s: UID %q, want %q, unique", what, uid, e.ID+"@diplomacy-timeline")
		}
		uids[uid] = true
		stamp := exProp(tb, ev, ics.ComponentPropertyDtstamp, what).Value
		if _, err := time.Parse("20060102T150405Z", stamp); err != nil {
			tb.Errorf("%s: DTSTAMP %q is not a UTC date-time", what, stamp)
		}
		first, last := exSpan(tb, e)
		for _, d := range []struct {
			p    ics.ComponentProperty
			want time.Time
		}{{ics.ComponentPropertyDtStart, first}, {ics.ComponentPropertyDtEnd, last.AddDate(0, 0, 1)}} {
			prop := exProp(tb, ev, d.p, what)
			if prop.Value != d.want.Format("20060102") || !slices.Equal(prop.ICalParameters["VALUE"], []string{"DATE"}) {
				tb.Errorf("%s: %s %q %v, want %s;VALUE=DATE", what, d.p, prop.Value, prop.ICalParameters, d.want.Format("20060102"))
			}
		}
		if start, err := ev.GetAllDayStartAt(); err != nil || !start.Equal(first) {
			tb.Errorf("%s: the library reads the start as %v (%v), want %s", what, start, err, first.Format(time.DateOnly))
		}
		if got := exProp(tb, ev, ics.ComponentPropertySummary, what).Value; got != e.Title {
			tb.Errorf("%s: SUMMARY %q, want %q", what, got, e.Title)
		}
		var where []string
		if l := s.Location; l != nil {
			for _, part := range []*string{l.Venue, l.City} {
				if part != nil && *part != "" {
					where = append(where, *part)
				}
			}
			if l.Country != nil {
				where = append(where, l.Country.Name)
			}
		}
		if len(where) > 0 {
			if got := exProp(tb, ev, ics.ComponentPropertyLocation, what).Value; got != strings.Join(where, ", ") {
				tb.Errorf("%s: LOCATION %q, want %q", what, got, strings.Join(where, ", "))
			}
		} else if ev.GetProperty(ics.ComponentPropertyLocation) != nil {
			tb.Errorf("%s: a LOCATION for a session without a place", what)
		}
		if l := s.Location; l != nil && l.Latitude != nil {
			want := strconv.FormatFloat(*l.Latitude, 'f', -1, 64) + ";" + strconv.FormatFloat(*l.Longitude, 'f', -1, 64)
			if got := exProp(tb, ev, ics.ComponentPropertyGeo, what).Value; got != want {
				tb.Errorf("%s: GEO %q, want %q", what, got, want)
			}
		}
		desc := exProp(tb, ev, ics.ComponentPropertyDescription, what).Value
		if e.Summary != nil && !strings.HasPrefix(desc, strings.ReplaceAll(strings.TrimSpace(*e.Summary), "\r\n", "\n")) {
			tb.Errorf("%s: DESCRIPTION %q does not start with the summary %q", what, desc, *e.Summary)
		}
		for _, p := range s.Participants {
			country := p.Country
			if country == nil {
				country = p.Official.Country
			}
			var parts []string
			if p.Role != nil {
				parts = append(parts, *p.Role)
			}
			if country != nil {
				parts = append(parts, country.Name)
			}
			line := "- " + p.Official.Name
			if len(parts) > 0 {
				line += " (" + strings.Join(parts, ", ") + ")"
			}
			if !strings.Contains(desc, line) {
				tb.Errorf("%s: DESCRIPTION %q lacks the participant line %q", what, desc, line)
			}
		}
		if e.Platform != nil && !strings.Contains(desc, "Platform: "+e.Platform.Name) {
			tb.Errorf("%s: DESCRIPTION %q lacks the platform", what, desc)
		}
		if exPrecision(e.Date) != "DAY" && !strings.Contains(desc, "the exact days are not known") {
			tb.Errorf("%s: DESCRIPTION %q does not say the date is partial", what, desc)
		}
		wantURL := base + "/?selected=" + url.QueryEscape(e.ID)
		if got := exProp(tb, ev, ics.ComponentPropertyUrl, what).Value; got != wantURL {
			tb.Errorf("%s: URL %q, want %q", what, got, wantURL)
		}
	}
}

// ---------------------------------------------------------------------------------------
// Popolo.

// exPopoloDate is the pattern of Popolo's dates.
var exPopoloDate = regexp.MustCompile(`^[0-9]{4}((-[0-9]{2}){0,2}|(-[0-9]{2}){2}T[0-9]{2}(:[0-9]{2}){0,2}(Z|[+-][0-9]{2}(:[0-9]{2})?))$`)

type exPopolo struct {
	Persons []struct {
		ID               string `json:"id"`
		Name             string `json:"name"`
		NationalIdentity string `json:"national_identity"`
		OtherNames       []struct {
			Name string `json:"name"`
		} `json:"other_names"`
	} `json:"persons"`
	Organizations []struct {
		ID              string `json:"id"`
		Name            string `json:"name"`
		Classification  string `json:"classification"`
		FoundingDate    string `json:"founding_date"`
		DissolutionDate string `json:"dissolution_date"`
	} `json:"organizations"`
	Memberships []struct {
		ID       string `json:"id"`
		PersonID string `json:"person_id"`
		Member   *struct {
			Type string `json:"@type"`
			ID   string `json:"id"`
		} `json:"member"`
		OrganizationID string `json:"organization_id"`
		OnBehalfOfID   string `json:"on_behalf_of_id"`
		Role           string `json:"role"`
		StartDate      string `json:"start_date"`
		EndDate        string `json:"end_date"`
	} `json:"memberships"`
	Events []struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		StartDate      string `json:"start_date"`
		EndDate        string `json:"end_date"`
		Location       string `json:"location"`
		OrganizationID string `json:"organization_id"`
		ParentID       string `json:"parent_id"`
		Attendees      []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"attendees"`
	} `json:"events"`
}

// exCheckPopolo checks that every reference in a Popolo document resolves, that its dates
// are Popolo dates, and that it holds the sessions and people of the GraphQL entries.
func exCheckPopolo(tb testing.TB, body []byte, want []exEntry) *exPopolo {
	tb.Helper()
	var doc exPopolo
	if err := json.Unmarshal(body, &doc); err != nil {
		tb.Fatalf("popolo: %v\n%s", err, body)
	}
	persons, orgs, events := map[string]string{}, map[string]string{}, map[string]bool{}
	for _, p := range doc.Persons {
		if p.ID == "" || persons[p.ID] != "" || p.Name == "" {
			tb.Errorf("popolo: person %+v: empty, unnamed or repeated", p)
		}
		persons[p.ID] = p.Name
	}
	for _, o := range doc.Organizations {
		if o.ID == "" || orgs[o.ID] != "" || o.Name == "" {
			tb.Errorf("popolo: organization %+v: empty, unnamed or repeated", o)
		}
		orgs[o.ID] = o.Name
		for _, d := range []string{o.FoundingDate, o.DissolutionDate} {
			if d != "" && !exPopoloDate.MatchString(d) {
				tb.Errorf("popolo: organization %s: date %q", o.ID, d)
			}
		}
	}
	for _, ev := range doc.Events {
		if events[ev.ID] {
			tb.Errorf("popolo: event %s repeated", ev.ID)
		}
		events[ev.ID] = true
	}
	memberships := map[string]bool{}
	for _, m := range doc.Memberships {
		what := "popolo membership " + m.ID
		if m.ID == "" || memberships[m.ID] {
			tb.Errorf("%s: empty or repeated ID", what)
		}
		memberships[m.ID] = true
		switch {
		case m.PersonID != "" && m.Member != nil, m.PersonID == "" && m.Member == nil:
			tb.Errorf("%s: want a person_id or a member, one of them", what)
		case m.PersonID != "" && persons[m.PersonID] == "":
			tb.Errorf("%s: person_id %q is not a person", what, m.PersonID)
		case m.Member != nil && (m.Member.Type != "Organization" || orgs[m.Member.ID] == ""):
			tb.Errorf("%s: member %+v is not an organization", what, m.Member)
		}
		if m.OrganizationID != "" && orgs[m.OrganizationID] == "" {
			tb.Errorf("%s: organization_id %q is not an organization", what, m.OrganizationID)
		}
		if m.Member != nil && m.OrganizationID == "" {
			tb.Errorf("%s: an organization's membership of nothing", what)
		}
		if m.OnBehalfOfID != "" && orgs[m.OnBehalfOfID] == "" {
			tb.Errorf("%s: on_behalf_of_id %q is not an organization", what, m.OnBehalfOfID)
		}
		for _, d := range []string{m.StartDate, m.EndDate} {
			if d != "" && !exPopoloDate.MatchString(d) {
				tb.Errorf("%s: date %q", what, d)
			}
		}
	}
	sessions := exSessions(want)
	if len(doc.Events) != len(sessions) {
		tb.Fatalf("popolo: %d events, want %d", len(doc.Events), len(sessions))
	}
	wantPersons := map[string]bool{}
	for i, ev := range doc.Events {
		e := sessions[i]
		s := e.Subject
		what := fmt.Sprintf("popolo event %d (%s)", i, s.Slug)
		if ev.ID != s.ID || ev.Name != s.Title || ev.StartDate != s.Start || !exPopoloDate.MatchString(ev.StartDate) {
			tb.Errorf("%s: %s %q %s, want %s %q %s", what, ev.ID, ev.Name, ev.StartDate, s.ID, s.Title, s.Start)
		}
		if (s.End == nil && ev.EndDate != "") || (s.End != nil && ev.EndDate != *s.End) {
			tb.Errorf("%s: end_date %q, want %v", what, ev.EndDate, s.End)
		}
		wantOrg := ""
		if s.Platform != nil {
			wantOrg = s.Platform.ID
		}
		if ev.OrganizationID != wantOrg {
			tb.Errorf("%s: organization_id %q, want %q", what, ev.OrganizationID, wantOrg)
		}
		if ev.OrganizationID != "" && orgs[ev.OrganizationID] == "" {
			tb.Errorf("%s: organization_id %q is not an organization", what, ev.OrganizationID)
		}
		if ev.ParentID != "" && !events[ev.ParentID] {
			tb.Errorf("%s: parent_id %q is not an event", what, ev.ParentID)
		}
		if s.Parent != nil && events[s.Parent.ID] && ev.ParentID != s.Parent.ID {
			tb.Errorf("%s: parent_id %q, want %q", what, ev.ParentID, s.Parent.ID)
		}
		if len(ev.Attendees) != len(s.Participants) {
			tb.Errorf("%s: %d attendees, want %d", what, len(ev.Attendees), len(s.Participants))
		}
		for j, a := range ev.Attendees {
			if persons[a.ID] != a.Name {
				tb.Errorf("%s: attendee %+v is not a person", what, a)
			}
			if j < len(s.Participants) && a.ID != s.Participants[j].Official.ID {
				tb.Errorf("%s: attendee %d is %s, want %s", what, j, a.ID, s.Participants[j].Official.ID)
			}
		}
	}
	for _, e := range want {
		s := e.Subject
		switch s.Typename {
		case "Session":
			for _, p := range s.Participants {
				wantPersons[p.Official.ID] = true
			}
		case "Official":
			wantPersons[s.ID] = true
		case "Statement":
			wantPersons[s.Official.ID] = true
		case "Initiative":
			if s.ProposedBy != nil {
				wantPersons[s.ProposedBy.ID] = true
			}
		}
		if e.Platform != nil && orgs[e.Platform.ID] != e.Platform.Name {
			tb.Errorf("popolo: the platform %s of entry %s is not an organization", e.Platform.Name, e.ID)
		}
	}
	for id := range wantPersons {
		if persons[id] == "" {
			tb.Errorf("popolo: person %s is missing", id)
		}
	}
	if len(persons) != len(wantPersons) {
		tb.Errorf("popolo: %d persons, want %d", len(persons), len(wantPersons))
	}
	return &doc
}

// ---------------------------------------------------------------------------------------
// All formats at once.

// exCheckAll fetches every export for the filter and checks each against the GraphQL
// timeline for the same filter.
func exCheckAll(t *testing.T, s *apitest.Server, f exFilter) {
	t.Helper()
	want := exTimeline(t, s, f)
	exCheckTimelineJS(t, exExport(t, s, "timelinejs.json", f).Body, want)
	exCheckVis(t, exExport(t, s, "vis-timeline.json", f).Body, want)
	exCheckCSV(t, exExport(t, s, "timeline.csv", f).Body, want)
	exCheckICS(t, exExport(t, s, "calendar.ics", f).Body, exSessions(want), s.URL)
	exCheckPopolo(t, exExport(t, s, "popolo.json", f).Body, want)
	for _, name := range []string{"timelinejs.json", "vis-timeline.json", "timeline.csv", "popolo.json"} {
		r := exExport(t, s, name, f)
		if r.Header.Get("X-Export-Count") != strconv.Itoa(len(want)) || r.Header.Get("X-Export-Truncated") != "false" {
			t.Errorf("%s%s: X-Export-Count %q X-Export-Truncated %q, want %d and false", name, f, r.Header.Get("X-Export-Count"), r.Header.Get("X-Export-Truncated"), len(want))
		}
	}
}

// ---------------------------------------------------------------------------------------
// 1. The default dataset, unfiltered and filtered.

func TestExportDefaultDataset(t *testing.T) {
	t.Parallel()
	s := exOpen(t, false)
	filters := []exFilter{
		{},
		{Order: "DESC"},
		{Countries: []string{"kz", "UZ"}, Kinds: []string{"SESSION"}},
		{From: "2015", To: "2023-12", Countries: []string{"KZ", "UZ"}, Kinds: []string{"SESSION"}, Platforms: []string{"c5-plus-1"}},
		{From: "2023-07"},
		{To: "2016"},
		{Officials: []string{"thomas-west"}},
		{Topics: []string{"security", "sustainable-development"}},
		{Text: "afghan people", Order: "desc"},
		{Kinds: []string{"STATEMENT", "INITIATIVE_STATUS_CHANGED"}},
		{Platforms: []string{"no-such-platform"}},
	}
	for _, f := range filters {
		t.Run(strings.TrimPrefix(f.String(), "?"), func(t *testing.T) { exCheckAll(t, s, f) })
	}

	t.Run("csv participants and sources", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(exExport(t, s, "timeline.csv", exFilter{Kinds: []string{"SESSION"}}).Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, name := range rows[0] {
			col[name] = i
		}
		for _, row := range rows[1:] {
			if row[col["title"]] != "C5+1 Special Session on Afghanistan" {
				continue
			}
			participants := strings.Split(row[col["participants"]], ";")
			slices.Sort(participants)
			if want := []string{"Talgat Kaliyev (KZ)", "Thomas West (US)"}; !slices.Equal(participants, want) {
				t.Errorf("participants %q, want %q", participants, want)
			}
			urls, titles := strings.Split(row[col["source_urls"]], ";"), strings.Split(row[col["source_titles"]], ";")
			// The article the dataset models is cited without a URL: an empty URL, and its title.
			if want := []string{""}; !slices.Equal(urls, want) || len(titles) != 1 || !strings.Contains(titles[0], "Thomas West") {
				t.Errorf("source_urls %q and source_titles %q: want one source, with no URL and its title", urls, titles)
			}
			return
		}
		t.Fatalf("no row of the special session in %q", rows)
	})

	t.Run("contents", func(t *testing.T) {
		all := exTimeline(t, s, exFilter{})
		if len(all) < 5 {
			t.Fatalf("the default dataset has %d entries", len(all))
		}
		// The calendar holds the two sessions of 28 July 2023 in Astana.
		body := exExport(t, s, "calendar.ics", exFilter{}).Body
		cal, err := ics.ParseCalendar(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var summaries []string
		for _, ev := range cal.Events() {
			summaries = append(summaries, ev.GetProperty(ics.ComponentPropertySummary).Value)
			if got := ev.GetProperty(ics.ComponentPropertyDtStart).Value; got != "20230728" {
				t.Errorf("DTSTART %s, want 20230728", got)
			}
			if got := ev.GetProperty(ics.ComponentPropertyDtEnd).Value; got != "20230729" {
				t.Errorf("DTEND %s, want 20230729", got)
			}
			if loc := ev.GetProperty(ics.ComponentPropertyLocation); loc == nil || !strings.Contains(loc.Value, "Astana, Kazakhstan") {
				t.Errorf("LOCATION %v, want Astana, Kazakhstan", loc)
			}
		}
		if len(summaries) != 2 || !slices.Contains(summaries, "C5+1 Special Session on Afghanistan") {
			t.Errorf("calendar events %q, want the special session and the bilateral meeting", summaries)
		}
		special := cal.Events()[slices.Index(summaries, "C5+1 Special Session on Afghanistan")]
		desc := special.GetProperty(ics.ComponentPropertyDescription).Value
		for _, want := range []string{"Thomas West", "Talgat Kaliyev", "Platform: C5+1", "Host: Kazakhstan", "Kazinform"} {
			if !strings.Contains(desc, want) {
				t.Errorf("the special session's DESCRIPTION lacks %q: %q", want, desc)
			}
		}

		// Popolo: the four officials, C5+1 with its six members, positions as memberships.
		doc := exCheckPopolo(t, exExport(t, s, "popolo.json", exFilter{}).Body, all)
		var names []string
		for _, p := range doc.Persons {
			names = append(names, p.Name)
		}
		slices.Sort(names)
		if want := []string{"Kairat Umarov", "Kassym-Jomart Tokayev", "Talgat Kaliyev", "Thomas West"}; !slices.Equal(names, want) {
			t.Errorf("popolo persons %q, want %q", names, want)
		}
		var c5 string
		for _, o := range doc.Organizations {
			if o.Name == "C5+1" {
				c5 = o.ID
				if o.Classification != "format" || o.FoundingDate != "2015" {
					t.Errorf("popolo C5+1: %+v", o)
				}
			}
		}
		members, positions := 0, 0
		for _, m := range doc.Memberships {
			if m.OrganizationID == c5 && m.Member != nil {
				members++
			}
			if m.PersonID != "" {
				positions++
				if m.Role == "" {
					t.Errorf("popolo membership %s has no role", m.ID)
				}
			}
		}
		if members != 6 {
			t.Errorf("popolo: C5+1 has %d member countries, want 6", members)
		}
		var out struct {
			Officials struct {
				Nodes []struct {
					Positions []struct{ Title string } `json:"positions"`
				} `json:"nodes"`
			} `json:"officials"`
		}
		s.Query(t, `{ officials(first: 100) { nodes { positions { title } } } }`, nil, &out)
		wantPositions := 0
		for _, o := range out.Officials.Nodes {
			wantPositions += len(o.Positions)
		}
		if positions != wantPositions {
			t.Errorf("popolo: %d position memberships, want %d", positions, wantPositions)
		}
	})
}

// ---------------------------------------------------------------------------------------
// 2. Partial dates, ranges and hostile text.

// exSeed creates records with every precision, ranges, an end whose period holds the start,
// a platform with a lifetime, and text that each format must escape.
func exSeed(t *testing.T, s *apitest.Server) map[string]string {
	t.Helper()
	ids := map[string]string{}
	ids["forum"] = s.MustCreatePlatform(t, "ex-forum", map[string]any{"name": "Ex <Forum> & Co", "kind": "FORUM",
		"founded": "2010", "dissolved": "2012-06", "fullName": "Example Forum, Ltd."})
	ids["dialogue"] = s.MustCreatePlatform(t, "ex-dialogue", map[string]any{"name": "Ex Dialogue", "kind": "DIALOGUE", "founded": "2018-03-05"})
	ids["src"] = s.MustCreateSource(t, "Report; part 1, \"draft\"", map[string]any{"url": "https://example.org/report?a=1&b=2", "publisher": "Example News"})
	ids["plain-src"] = s.MustCreateSource(t, "Archive note", nil)
	ids["minister"] = s.MustCreateOfficial(t, "ex-minister", map[string]any{"name": "Айгерим Ex-Minister", "countryCode": "KZ", "otherNames": []string{"A. Minister"}})
	ids["envoy"] = s.MustCreateOfficial(t, "ex-envoy", map[string]any{"name": "Envoy, Jr.", "countryCode": "UZ"})
	long := strings.Repeat("Переговоры о воде и энергии — ", 8) + "😀 end"
	sessions := []struct {
		key, start string
		fields     map[string]any
	}{
		{"year", "2019", map[string]any{"title": "Year-only summit", "platformId": ids["dialogue"], "kind": "SUMMIT",
			"location": map[string]any{"city": "Tashkent", "countryCode": "UZ"}}},
		{"month", "2020-02", map[string]any{"title": "=HYPERLINK(\"http://evil.example\")", "summary": "-2+3 is a formula; so is @SUM(A1)",
			"location": map[string]any{"venue": "Hall 1, \"Blue\"; east wing", "city": "Samarkand", "countryCode": "UZ", "latitude": 39.65, "longitude": 66.96}}},
		{"leap", "2024-02", map[string]any{"title": "February of a leap year", "hostCountryCode": "KZ"}},
		{"range", "2021-03-10", map[string]any{"end": "2021-03-12", "title": "Three days; talks, \\ round 2", "platformId": ids["dialogue"],
			"summary": long + "\nsecond line\r\nthird line", "location": map[string]any{"city": "Almaty", "countryCode": "KZ"}}},
		{"holds", "2022-05-05", map[string]any{"end": "2022", "title": "An end whose year holds the start"}},
		{"months", "2011-11", map[string]any{"end": "2012-02", "title": "<script>alert(1)</script> winter talks", "platformId": ids["forum"],
			"summary": "<b>bold</b> & \"quoted\""}},
		{"day", "2023-01-31", map[string]any{"title": "+ plus day", "kind": "MINISTERIAL", "platformId": ids["forum"]}},
	}
	for _, x := range sessions {
		ids[x.key] = s.MustCreateSession(t, "ex-"+x.key, x.start, x.fields)
	}
	ids["child"] = s.MustCreateSession(t, "ex-child", "2021-03-11", map[string]any{"title": "Side meeting", "parentId": ids["range"], "kind": "BILATERAL_MEETING"})
	for _, p := range []struct{ session, official, role, country string }{
		{"range", "minister", "Head, delegation; \"A\"", "KZ"}, {"range", "envoy", "", ""}, {"month", "envoy", "Observer", "UZ"}, {"child", "minister", "Host", ""},
	} {
		vars := map[string]any{"s": ids[p.session], "o": ids[p.official]}
		q := `mutation($s: ID!, $o: ID!, $r: String, $c: String) { addParticipant(sessionId: $s, officialId: $o, role: $r, countryCode: $c) { id } }`
		if p.role != "" {
			vars["r"] = p.role
		}
		if p.country != "" {
			vars["c"] = p.country
		}
		s.Mutate(t, q, vars, nil)
	}
	for _, c := range []struct{ subject, source string }{{"range", "src"}, {"range", "plain-src"}, {"forum", "src"}, {"month", "plain-src"}} {
		s.Mutate(t, `mutation($s: ID!, $src: ID!) { citeSource(subjectId: $s, sourceId: $src) { id } }`,
			map[string]any{"s": ids[c.subject], "src": ids[c.source]}, nil)
	}
	for _, p := range []struct {
		official, title, org, country, start, end string
	}{
		{"minister", "Minister of Water", "Ministry of Water; Energy", "KZ", "2016-03", "2019"},
		{"minister", "Adviser", "", "KZ", "2020", ""},
		{"envoy", "Special Envoy", "", "", "2021-03-01", "2021-03-01"},
	} {
		vars := map[string]any{"o": ids[p.official], "t": p.title}
		for k, v := range map[string]string{"org": p.org, "c": p.country, "s": p.start, "e": p.end} {
			if v != "" {
				vars[k] = v
			}
		}
		s.Mutate(t, `mutation($o: ID!, $t: String!, $org: String, $c: String, $s: Date, $e: Date) {
			addPosition(officialId: $o, title: $t, organization: $org, countryCode: $c, start: $s, end: $e) { id } }`, vars, nil)
	}
	s.MustCreateStatement(t, ids["envoy"], "2021-03", map[string]any{"sessionId": ids["range"], "text": "We agreed, in principle; details later."})
	s.MustCreateInitiative(t, "ex-water", map[string]any{"title": "Water, energy & <trade>", "proposedById": ids["minister"], "proposedOn": "2021-03-11", "countryCode": "KZ"})
	return ids
}

func TestExportPartialDatesAndRanges(t *testing.T) {
	t.Parallel()
	s := exOpen(t, true)
	ids := exSeed(t, s)
	for _, f := range []exFilter{
		{},
		{Order: "DESC"},
		{From: "2020", To: "2021-03"},
		{From: "2021-03-12"},
		{To: "2012"},
		{Platforms: []string{"ex-forum", "ex-dialogue"}},
		{Countries: []string{"UZ"}},
		{Officials: []string{"ex-minister"}},
		{Kinds: []string{"SESSION"}, From: "2022-06"},
		{Text: "round", Kinds: []string{"SESSION", "STATEMENT"}},
	} {
		t.Run(strings.TrimPrefix(f.String(), "?"), func(t *testing.T) { exCheckAll(t, s, f) })
	}

	// Exact spans, independently of the rules above.
	cal, err := ics.ParseCalendar(bytes.NewReader(exExport(t, s, "calendar.ics", exFilter{}).Body))
	if err != nil {
		t.Fatal(err)
	}
	spans := map[string][2]string{}
	for _, ev := range cal.Events() {
		spans[ev.GetProperty(ics.ComponentPropertySummary).Value] = [2]string{
			ev.GetProperty(ics.ComponentPropertyDtStart).Value, ev.GetProperty(ics.ComponentPropertyDtEnd).Value}
	}
	for title, want := range map[string][2]string{
		"Year-only summit":                       {"20190101", "20200101"},
		"=HYPERLINK(\"http://evil.example\")":    {"20200201", "20200301"},
		"February of a leap year":                {"20240201", "20240301"},
		"Three days; talks, \\ round 2":          {"20210310", "20210313"},
		"An end whose year holds the start":      {"20220505", "20230101"},
		"<script>alert(1)</script> winter talks": {"20111101", "20120301"},
		"+ plus day":                             {"20230131", "20230201"},
		"Side meeting":                           {"20210311", "20210312"},
	} {
		if spans[title] != want {
			t.Errorf("ics %q: DTSTART/DTEND %v, want %v", title, spans[title], want)
		}
	}
	for _, ev := range cal.Events() {
		if ev.GetProperty(ics.ComponentPropertySummary).Value == "Three days; talks, \\ round 2" {
			desc := ev.GetProperty(ics.ComponentPropertyDescription).Value
			for _, want := range []string{"Переговоры о воде", "😀 end\nsecond line\nthird line", "- Айгерим Ex-Minister (Head, delegation; \"A\", Kazakhstan)",
				"- Envoy, Jr. (Uzbekistan)", "Report; part 1, \"draft\", Example News: https://example.org/report?a=1&b=2", "Platform: Ex Dialogue"} {
				if !strings.Contains(desc, want) {
					t.Errorf("ics DESCRIPTION lacks %q:\n%s", want, desc)
				}
			}
		}
	}

	// TimelineJS: the year-only summit, the month, and the range whose end holds its start.
	var tl struct {
		Events []map[string]any `json:"events"`
		Eras   []struct {
			StartDate map[string]any `json:"start_date"`
			EndDate   map[string]any `json:"end_date"`
			Text      struct {
				Headline string `json:"headline"`
			} `json:"text"`
		} `json:"eras"`
	}
	if err := json.Unmarshal(exExport(t, s, "timelinejs.json", exFilter{Kinds: []string{"SESSION", "PLATFORM_FOUNDED"}}).Body, &tl); err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]map[string]any{}
	for _, ev := range tl.Events {
		byTitle[html.UnescapeString(ev["text"].(map[string]any)["headline"].(string))] = ev
	}
	check := func(title, field, want string) {
		t.Helper()
		got, _ := json.Marshal(byTitle[title][field])
		if string(got) != want {
			t.Errorf("timelinejs %q %s: %s, want %s", title, field, got, want)
		}
	}
	check("Year-only summit", "start_date", `{"display_date":"2019","year":2019}`)
	check("Year-only summit", "display_date", `"2019"`)
	check("=HYPERLINK(\"http://evil.example\")", "start_date", `{"display_date":"February 2020","month":2,"year":2020}`)
	check("Three days; talks, \\ round 2", "end_date", `{"day":12,"month":3,"year":2021}`)
	check("Three days; talks, \\ round 2", "display_date", `null`)
	check("An end whose year holds the start", "end_date", `null`)
	check("An end whose year holds the start", "display_date", `"5 May 2022 – 2022"`)
	check("<script>alert(1)</script> winter talks", "end_date", `{"display_date":"February 2012","month":2,"year":2012}`)
	// TimelineJS3 writes the group with innerHTML: escaped like every other text.
	check("<script>alert(1)</script> winter talks", "group", `"Ex \u0026lt;Forum\u0026gt; \u0026amp; Co"`)
	eras := map[string]string{}
	for _, e := range tl.Eras {
		a, _ := json.Marshal(e.StartDate)
		b, _ := json.Marshal(e.EndDate)
		eras[html.UnescapeString(e.Text.Headline)] = string(a) + " " + string(b)
	}
	if got, want := eras["Ex <Forum> & Co"], `{"display_date":"2010","year":2010} {"display_date":"June 2012","month":6,"year":2012}`; got != want {
		t.Errorf("timelinejs era of the forum: %s, want %s", got, want)
	}
	if got := eras["Ex Dialogue"]; !strings.HasPrefix(got, `{"day":5,"month":3,"year":2018} {"day":`) {
		t.Errorf("timelinejs era of the dialogue: %s, want from 5 March 2018 to today", got)
	}

	// CSV: formula cells are defused.
	rows, err := csv.NewReader(bytes.NewReader(exExport(t, s, "timeline.csv", exFilter{Kinds: []string{"SESSION"}}).Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var defused []string
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "'") {
				defused = append(defused, cell)
			}
		}
	}
	for _, want := range []string{"'=HYPERLINK(\"http://evil.example\")", "'-2+3 is a formula; so is @SUM(A1)", "'+ plus day"} {
		if !slices.Contains(defused, want) {
			t.Errorf("csv: %q not defused; defused cells %q", want, defused)
		}
	}

	// Popolo: a position's body, its country on whose behalf, the dates as written.
	doc := exCheckPopolo(t, exExport(t, s, "popolo.json", exFilter{}).Body, exTimeline(t, s, exFilter{}))
	found := false
	for _, m := range doc.Memberships {
		if m.Role == "Minister of Water" {
			found = true
			var org, behalf string
			for _, o := range doc.Organizations {
				if o.ID == m.OrganizationID {
					org = o.Name
				}
				if o.ID == m.OnBehalfOfID {
					behalf = o.Name + "/" + o.Classification
				}
			}
			if org != "Ministry of Water; Energy" || behalf != "Kazakhstan/country" || m.StartDate != "2016-03" || m.EndDate != "2019" {
				t.Errorf("popolo: the minister's position: %+v in %q for %q", m, org, behalf)
			}
		}
	}
	if !found {
		t.Errorf("popolo: no membership for the minister's position")
	}
	for _, ev := range doc.Events {
		if ev.ID == ids["child"] && ev.ParentID != ids["range"] {
			t.Errorf("popolo: the side meeting's parent_id %q, want %q", ev.ParentID, ids["range"])
		}
	}
}

// ---------------------------------------------------------------------------------------
// 3. A generated dataset: the rules over hundreds of entries, filters, and the SQL cost.

func TestExportGeneratedDataset(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a dataset")
	}
	s := exOpen(t, true)
	if _, err := synth.Generate(context.Background(), s.Store, synth.Options{Sessions: 250, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	all := exTimeline(t, s, exFilter{})
	if len(all) < 300 {
		t.Fatalf("generated %d entries, want several pages", len(all))
	}
	// Filters built from the data, so that each keeps some entries and drops others.
	var platform, official, topic, country string
	for _, e := range all {
		if platform == "" && e.Platform != nil {
			platform = e.Platform.Slug
		}
		if country == "" && len(e.Countries) > 0 {
			country = e.Countries[0].Code
		}
		if topic == "" && len(e.Topics) > 0 {
			topic = e.Topics[0].Slug
		}
	}
	var out struct {
		Officials struct {
			Nodes []struct{ Slug string } `json:"nodes"`
		} `json:"officials"`
	}
	s.Query(t, `{ officials(first: 1) { nodes { slug } } }`, nil, &out)
	if len(out.Officials.Nodes) > 0 {
		official = out.Officials.Nodes[0].Slug
	}
	mid := all[len(all)/2].Date
	for _, f := range []exFilter{
		{},
		{Order: "DESC"},
		{From: mid},
		{To: mid, Kinds: []string{"SESSION", "POSITION_STARTED", "POSITION_ENDED"}},
		{Platforms: []string{platform}},
		{Countries: []string{country}, From: "2000"},
		{Officials: []string{official}},
		{Topics: []string{topic}, Order: "DESC"},
	} {
		t.Run(strings.TrimPrefix(f.String(), "?"), func(t *testing.T) { exCheckAll(t, s, f) })
	}

	// Details are loaded per page, not per entry: a page of 100 entries costs a bounded
	// number of statements whatever its size, and three pages three times that.
	cost := func(name string, limit int) int64 {
		before := s.Store.Queries()
		exExport(t, s, name, exFilter{Limit: limit})
		return s.Store.Queries() - before
	}
	for _, name := range []string{"timelinejs.json", "vis-timeline.json", "calendar.ics", "timeline.csv", "popolo.json"} {
		small, page, pages := cost(name, 5), cost(name, 100), cost(name, 300)
		t.Logf("%s: %d statements for 5 entries, %d for 100, %d for 300", name, small, page, pages)
		// A page loads each relation once: the timeline, platforms, countries, topics,
		// citations of up to four subject types, sources, sessions, participants,
		// statements, initiatives, positions, members, officials and countries by code.
		if small > 20 || page > 20 || pages > 3*page+3 {
			t.Errorf("%s: %d statements for 5 entries, %d for 100, %d for 300: not batched per page", name, small, page, pages)
		}
	}
}

// ---------------------------------------------------------------------------------------
// 4. Limits and truncation.

func TestExportTruncation(t *testing.T) {
	t.Parallel()
	s := exOpen(t, false)
	all := exTimeline(t, s, exFilter{})
	if len(all) < 4 {
		t.Fatalf("the default dataset has %d entries", len(all))
	}
	var got []string
	path := "/export/timeline.csv?limit=3"
	for pages := 0; path != ""; pages++ {
		if pages > len(all) {
			t.Fatal("truncated exports never end")
		}
		r := exGet(t, s, http.MethodGet, path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			got = append(got, row[0])
		}
		if r.Header.Get("X-Export-Limit") != "3" || r.Header.Get("X-Export-Count") != strconv.Itoa(len(rows)-1) {
			t.Errorf("GET %s: X-Export-Limit %q X-Export-Count %q for %d rows", path, r.Header.Get("X-Export-Limit"), r.Header.Get("X-Export-Count"), len(rows)-1)
		}
		truncated := len(got) < len(all)
		if r.Header.Get("X-Export-Truncated") != strconv.FormatBool(truncated) {
			t.Errorf("GET %s: X-Export-Truncated %q after %d of %d", path, r.Header.Get("X-Export-Truncated"), len(got), len(all))
		}
		path = ""
		if truncated {
			link := r.Header.Get("Link")
			m := regexp.MustCompile(`^<(/export/timeline\.csv\?[^>]+)>; rel="next"$`).FindStringSubmatch(link)
			if m == nil || r.Header.Get("X-Export-Next-Cursor") == "" {
				t.Fatalf("truncated export: Link %q, X-Export-Next-Cursor %q", link, r.Header.Get("X-Export-Next-Cursor"))
			}
			path = m[1]
		}
	}
	var want []string
	for _, e := range all {
		want = append(want, e.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("following Link rel=next: %q, want %q", got, want)
	}
	// A limit at the number of entries is not truncated.
	r := exGet(t, s, http.MethodGet, fmt.Sprintf("/export/vis-timeline.json?limit=%d", len(all)))
	if r.Header.Get("X-Export-Truncated") != "false" || r.Header.Get("X-Export-Count") != strconv.Itoa(len(all)) {
		t.Errorf("limit=%d: X-Export-Truncated %q, X-Export-Count %q", len(all), r.Header.Get("X-Export-Truncated"), r.Header.Get("X-Export-Count"))
	}
	// The default limit is the maximum.
	if got := exGet(t, s, http.MethodGet, "/export/popolo.json").Header.Get("X-Export-Limit"); got != strconv.Itoa(limits.ExportMaxEntries) {
		t.Errorf("default X-Export-Limit %q, want %d", got, limits.ExportMaxEntries)
	}
}

// ---------------------------------------------------------------------------------------
// 5. Bad parameters and the HTTP surface.

func TestExportBadParams(t *testing.T) {
	t.Parallel()
	s := exOpen(t, false)
	for _, q := range []string{
		"from=2023-13", "from=23", "to=2023-02-30", "from=yesterday", "from=2024&to=2023",
		"kinds=SESSIONS", "kinds=SESSION,nope", "countries=KZZ", "countries=XX", "countries=1",
		"platforms=C5+1", "officials=Thomas%20West", "topics=-security",
		"order=UP", "order=ASC&order=DESC", "limit=0", "limit=-1", "limit=10001", "limit=ten", "limit=1.5",
		"after=not-a-cursor", "country=KZ", "from=2015&from=2016",
		"text=" + strings.Repeat("w%20", 9), "text=" + strings.Repeat("x", 600),
		"kinds=" + strings.Repeat("SESSION,", 101) + "x", "%zz",
	} {
		for _, name := range []string{"timelinejs.json", "vis-timeline.json", "calendar.ics", "timeline.csv", "popolo.json"} {
			r := exGet(t, s, http.MethodGet, "/export/"+name+"?"+q)
			var body apitest.Response
			if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != http.StatusBadRequest || len(body.Errors) != 1 {
				t.Errorf("GET /export/%s?%s: %d %s, want 400 with one error", name, q, r.Status, r.Body)
				continue
			}
			if body.Code(t) != "BAD_USER_INPUT" || body.Errors[0].Message == "" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("GET /export/%s?%s: %s (%s)", name, q, r.Body, r.Header.Get("Content-Type"))
			}
		}
	}
	// The message names the parameter.
	r := exGet(t, s, http.MethodGet, "/export/timeline.csv?countries=KZ,XX")
	if !strings.Contains(string(r.Body), "countries") || !strings.Contains(string(r.Body), "XX") {
		t.Errorf("countries=KZ,XX: %s", r.Body)
	}
	// Empty values are the same as leaving the parameter out; case does not matter for
	// kinds, countries and order.
	a := exExport(t, s, "timeline.csv", exFilter{})
	b := exGet(t, s, http.MethodGet, "/export/timeline.csv?from=&to=&kinds=&text=&order=asc")
	if !bytes.Equal(a.Body, b.Body) {
		t.Errorf("empty parameters change the export")
	}
	// Whatever the query string, a client's mistake is never a 5xx.
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("=&,%;+ -_.aZ09\x00\xff\\\"'<>?#/")
	for i := 0; i < 300; i++ {
		raw := make([]byte, rng.IntN(40))
		for j := range raw {
			raw[j] = alphabet[rng.IntN(len(alphabet))]
		}
		name := []string{"from", "to", "kinds", "countries", "platforms", "officials", "topics", "text", "order", "limit", "after"}[rng.IntN(11)]
		for _, q := range []string{name + "=" + url.QueryEscape(string(raw)), url.PathEscape(string(raw))} {
			if r := exGet(t, s, http.MethodGet, "/export/timelinejs.json?"+q); r.Status != http.StatusOK && r.Status != http.StatusBadRequest {
				t.Errorf("GET /export/timelinejs.json?%s: %d %s", q, r.Status, r.Body)
			}
		}
	}
	c := exGet(t, s, http.MethodGet, "/export/timeline.csv?kinds=session&countries=kz&countries=us")
	d := exExport(t, s, "timeline.csv", exFilter{Kinds: []string{"SESSION"}, Countries: []string{"KZ", "US"}})
	if c.Status != http.StatusOK || !bytes.Equal(c.Body, d.Body) {
		t.Errorf("lower-case and repeated parameters: %d\n%s\nwant\n%s", c.Status, c.Body, d.Body)
	}
}

func TestExportHTTP(t *testing.T) {
	t.Parallel()
	s := exOpen(t, false)
	for _, name := range []string{"timelinejs.json", "vis-timeline.json", "calendar.ics", "timeline.csv", "popolo.json"} {
		r := exExport(t, s, name, exFilter{})
		etag := r.Header.Get("ETag")
		if etag == "" {
			t.Errorf("%s: no ETag", name)
		}
		// The same data gives the same bytes, so a poller gets 304.
		again := exGet(t, s, http.MethodGet, "/export/"+name, "If-None-Match", etag)
		if again.Status != http.StatusNotModified || len(again.Body) != 0 {
			t.Errorf("%s with If-None-Match: %d, want 304", name, again.Status)
		}
		head := exGet(t, s, http.MethodHead, "/export/"+name)
		if head.Status != http.StatusOK || len(head.Body) != 0 || head.Header.Get("Content-Type") != r.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d, %d bytes, %q", name, head.Status, len(head.Body), head.Header.Get("Content-Type"))
		}
		post := exGet(t, s, http.MethodPost, "/export/"+name)
		var body apitest.Response
		if err := json.Unmarshal(post.Body, &body); err != nil || post.Status != http.StatusMethodNotAllowed || post.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST %s: %d %s, want 405 with Allow", name, post.Status, post.Body)
		}
	}
	// An edit changes the calendar's bytes and ETag.
	before := exExport(t, s, "calendar.ics", exFilter{})
	var out struct {
		Session struct{ ID string } `json:"session"`
	}
	s.Query(t, `{ session(slug: "west-umarov-meeting-2023") { id } }`, nil, &out)
	s.Mutate(t, `mutation($id: ID!) { updateSession(id: $id, input: {summary: "Edited."}) { id } }`, map[string]any{"id": out.Session.ID}, nil)
	after := exExport(t, s, "calendar.ics", exFilter{})
	if before.Header.Get("ETag") == after.Header.Get("ETag") || !bytes.Contains(after.Body, []byte("DESCRIPTION:Edited.")) {
		t.Errorf("the calendar did not follow an edit")
	}
	// The calendar holds sessions only: other kinds alone leave it empty.
	cal, err := ics.ParseCalendar(bytes.NewReader(exExport(t, s, "calendar.ics", exFilter{Kinds: []string{"STATEMENT"}}).Body))
	if err != nil || len(cal.Events()) != 0 {
		t.Errorf("calendar.ics?kinds=STATEMENT: %v, %d events, want none", err, len(cal.Events()))
	}
	r := exGet(t, s, http.MethodGet, "/export/nothing.xml")
	var body apitest.Response
	if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != http.StatusNotFound || body.Code(t) != "NOT_FOUND" {
		t.Errorf("GET /export/nothing.xml: %d %s", r.Status, r.Body)
	}
}

func TestExportCORSAndDeadline(t *testing.T) {
	t.Parallel()
	s := exOpenWith(t, false, httpapi.Options{Logger: apitest.QuietLogger, CORSOrigins: []string{"https://dash.example"}})
	r := exGet(t, s, http.MethodGet, "/export/timelinejs.json", "Origin", "https://dash.example")
	if r.Status != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != "https://dash.example" ||
		!strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "X-Export-Truncated") {
		t.Errorf("a configured origin: %d, Allow-Origin %q, Expose-Headers %q", r.Status,
			r.Header.Get("Access-Control-Allow-Origin"), r.Header.Get("Access-Control-Expose-Headers"))
	}
	if r := exGet(t, s, http.MethodGet, "/export/timelinejs.json", "Origin", "https://evil.example"); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin is allowed: %q", r.Header.Get("Access-Control-Allow-Origin"))
	}

	// Past the request deadline an export is refused with 503 TIMEOUT and Retry-After.
	slow := exOpenWith(t, false, httpapi.Options{Logger: apitest.QuietLogger, Limits: limits.Config{Timeout: time.Nanosecond}})
	r = exGet(t, slow, http.MethodGet, "/export/popolo.json")
	var body apitest.Response
	if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != http.StatusServiceUnavailable || body.Code(t) != "TIMEOUT" || r.Header.Get("Retry-After") == "" {
		t.Errorf("an export past its deadline: %d %s", r.Status, r.Body)
	}
}

// FuzzExportQuery sends any query string to every export: the answer is 200 or a 400 with
// the JSON error shape, never a 5xx.
func FuzzExportQuery(f *testing.F) {
	for _, seed := range []string{"", "from=2015&to=2023-12&countries=KZ,UZ&kinds=SESSION&platforms=c5-plus-1",
		"limit=3&order=desc", "after=WzIwMjMwNzI4LDJd", "text=afghan%20people", "countries=XX", "from=2023-02-30", "%zz", "kinds=&kinds=,"} {
		f.Add(seed)
	}
	s := exOpen(f, false)
	h := s.Config.Handler
	f.Fuzz(func(t *testing.T, query string) {
		for _, name := range []string{"timelinejs.json", "vis-timeline.json", "calendar.ics", "timeline.csv", "popolo.json"} {
			req := httptest.NewRequest(http.MethodGet, "/export/"+name, nil)
			req.URL.RawQuery = query
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			switch rec.Code {
			case http.StatusOK:
			case http.StatusBadRequest:
				var body apitest.Response
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 || body.Codes()[0] != "BAD_USER_INPUT" {
					t.Fatalf("?%s: 400 %s", query, rec.Body.Bytes())
				}
			default:
				t.Fatalf("/export/%s?%s: status %d: %s", name, query, rec.Code, rec.Body.Bytes())
			}
		}
	})
}

// TestExportPublicURL: links in exports point at the configured public URL, whatever Host
// a request claims; without one they follow the request.
func TestExportPublicURL(t *testing.T) {
	t.Parallel()
	calendarURLs := func(s *apitest.Server, host string) []string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/export/calendar.ics", nil)
		req.Host = host
		res, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		var urls []string
		for _, line := range strings.Split(string(body), "\r\n") {
			if u, ok := strings.CutPrefix(line, "URL:"); ok {
				urls = append(urls, u)
			}
		}
		if len(urls) == 0 {
			t.Fatalf("no URL in the calendar: %.300s", body)
		}
		return urls
	}
	public := exOpenWith(t, false, httpapi.Options{Logger: apitest.QuietLogger, PublicURL: "https://timeline.example/dt"})
	for _, u := range calendarURLs(public, "evil.example") {
		if !strings.HasPrefix(u, "https://timeline.example/dt/?selected=") {
			t.Errorf("with a public URL, the calendar links to %s", u)
		}
	}
	plain := exOpenWith(t, false, httpapi.Options{Logger: apitest.QuietLogger})
	for _, u := range calendarURLs(plain, "dash.example:8080") {
		if !strings.HasPrefix(u, "http://dash.example:8080/?selected=") {
			t.Errorf("without a public URL, the calendar links to %s", u)
		}
	}
}
