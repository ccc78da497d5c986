package export

// /export/timelinejs.json: Knight Lab TimelineJS3's JSON format
// (https://timeline.knightlab.com/docs/json-format.html).
//
//   - A date has the fields its precision knows: {"year": 2015}, {"year": 2023, "month": 7}
//     or {"year": 2023, "month": 7, "day": 28}, as numbers; a partial date also carries a
//     display_date ("2015", "July 2023"), and so does the slide.
//   - end_date is given when the entry ends after the day it starts ("2015" to "2019");
//     an end whose period holds the start ("2023-07-28" to "2023") would read as ending
//     before it starts, so it is left to the slide's display_date instead.
//   - text.headline is the title and text.text the summary, countries, topics and sources
//     as links, all HTML-escaped (TimelineJS reads them as HTML).
//   - group is the platform's name, HTML-escaped too (TimelineJS3 writes it with
//     innerHTML); unique_id the entry's global ID.
//   - eras are the lifetimes of the platforms the entries belong to, from founding to
//     dissolution or today.

import (
	"cmp"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"diplomacy-timeline/model"
)

type tljsTimeline struct {
	Title  *tljsSlide   `json:"title"`
	Events []*tljsSlide `json:"events"`
	Eras   []*tljsEra   `json:"eras"`
	Scale  string       `json:"scale"`
}

type tljsSlide struct {
	StartDate   *tljsDate `json:"start_date,omitempty"`
	EndDate     *tljsDate `json:"end_date,omitempty"`
	Text        tljsText  `json:"text"`
	Group       string    `json:"group,omitempty"`
	DisplayDate string    `json:"display_date,omitempty"`
	UniqueID    string    `json:"unique_id"`
}

type tljsEra struct {
	StartDate *tljsDate `json:"start_date"`
	EndDate   *tljsDate `json:"end_date"`
	Text      tljsText  `json:"text"`
}

type tljsDate struct {
	Year        int    `json:"year"`
	Month       int    `json:"month,omitempty"`
	Day         int    `json:"day,omitempty"`
	DisplayDate string `json:"display_date,omitempty"`
}

type tljsText struct {
	Headline string `json:"headline"`
	Text     string `json:"text"`
}

// tljsDateOf returns a TimelineJS date with the fields d's precision knows.
func tljsDateOf(d model.Date) *tljsDate {
	t := d.First()
	out := &tljsDate{Year: t.Year()}
	if d.Precision() >= model.PrecisionMonth {
		out.Month = int(t.Month())
	}
	if d.Precision() == model.PrecisionDay {
		out.Day = t.Day()
	} else {
		out.DisplayDate = displayDate(d)
	}
	return out
}

// tljsDay returns a TimelineJS date of one day.
func tljsDay(t time.Time) *tljsDate {
	return &tljsDate{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
}

func renderTimelineJS(d *contents, req *renderRequest) ([]byte, error) {
	out := &tljsTimeline{
		Title: &tljsSlide{
			Text: tljsText{
				Headline: "Timeline of diplomacy",
				Text:     "<p>" + html.EscapeString(describe(d, req)) + "</p>",
			},
			UniqueID: "title",
		},
		Events: []*tljsSlide{},
		Eras:   []*tljsEra{},
		Scale:  "human",
	}
	var platforms []*model.Platform
	for _, e := range d.entries {
		slide := &tljsSlide{
			StartDate: tljsDateOf(e.Date),
			Text:      tljsText{Headline: html.EscapeString(e.Title), Text: tljsBody(d, e)},
			UniqueID:  e.NodeID(),
		}
		partial := e.Date.Precision() != model.PrecisionDay
		if hasEnd(e) {
			partial = partial || e.EndDate.Precision() != model.PrecisionDay
			if e.EndDate.First().After(e.Date.First()) {
				slide.EndDate = tljsDateOf(*e.EndDate)
			} else {
				partial = true // the range is told by display_date alone
			}
		}
		if partial {
			slide.DisplayDate = displayPeriod(e)
		}
		if p := d.platformOf(e); p != nil {
			slide.Group = html.EscapeString(p.Name)
			if !slices.Contains(platforms, p) {
				platforms = append(platforms, p)
			}
		}
		out.Events = append(out.Events, slide)
	}
	today := time.Now().UTC()
	for _, p := range platforms {
		if era := tljsEraOf(p, today); era != nil {
			out.Eras = append(out.Eras, era)
		}
	}
	// Eras oldest first; platforms founded together by name.
	slices.SortStableFunc(out.Eras, func(a, b *tljsEra) int {
		return cmp.Or(cmp.Compare(a.StartDate.Year, b.StartDate.Year), cmp.Compare(a.StartDate.Month, b.StartDate.Month),
			cmp.Compare(a.StartDate.Day, b.StartDate.Day), strings.Compare(a.Text.Headline, b.Text.Headline))
	})
	return json.Marshal(out)
}

// tljsEraOf returns a platform's lifetime as an era, or nil when its founding is unknown
// or the span would be empty: from its founding to its dissolution, or to today.
func tljsEraOf(p *model.Platform, today time.Time) *tljsEra {
	if p.Founded == nil || p.Founded.IsZero() {
		return nil
	}
	start := tljsDateOf(*p.Founded)
	begins := p.Founded.First()
	var end *tljsDate
	switch {
	case p.Dissolved != nil && p.Dissolved.First().After(begins):
		end = tljsDateOf(*p.Dissolved)
	case p.Dissolved != nil && p.Dissolved.Last().After(begins):
		// Dissolved within the period it was founded in: the era ends with that period.
		end = tljsDay(p.Dissolved.Last())
		end.DisplayDate = displayDate(*p.Dissolved)
	case p.Dissolved != nil:
		return nil
	case today.After(begins):
		end = tljsDay(today)
	default:
		return nil // founded in the future
	}
	return &tljsEra{StartDate: start, EndDate: end, Text: tljsText{Headline: html.EscapeString(p.Name)}}
}

// tljsBody is a slide's text: the summary, then what the entry concerns and its sources.
func tljsBody(d *contents, e *model.TimelineEntry) string {
	var b strings.Builder
	if e.Summary != nil && strings.TrimSpace(*e.Summary) != "" {
		for _, para := range strings.Split(strings.TrimSpace(*e.Summary), "\n\n") {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(strings.TrimSpace(para)), "\n", "<br>") + "</p>")
		}
	}
	line := func(label string, items []string) {
		if len(items) > 0 {
			b.WriteString("<p><strong>" + label + ":</strong> " + strings.Join(items, ", ") + "</p>")
		}
	}
	var countries, topics, sources []string
	for _, c := range d.entryCountries[e.ID] {
		countries = append(countries, html.EscapeString(c.Name))
	}
	for _, t := range d.entryTopics[e.ID] {
		topics = append(topics, html.EscapeString(t.Name))
	}
	for _, s := range d.sourcesOf(e) {
		label := html.EscapeString(s.Title)
		if s.Publisher != nil {
			label += " (" + html.EscapeString(*s.Publisher) + ")"
		}
		if u, err := url.Parse(deref(s.URL)); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			label = `<a href="` + html.EscapeString(u.String()) + `">` + label + "</a>"
		}
		sources = append(sources, label)
	}
	line("Countries", countries)
	line("Topics", topics)
	line("Sources", sources)
	return b.String()
}

// describe says what an export holds: "3 entries, from 2015, countries KZ, UZ".
func describe(d *contents, req *renderRequest) string {
	f := req.params.filter
	n := len(d.entries)
	parts := []string{strconv.Itoa(n) + " entries"}
	if n == 1 {
		parts[0] = "1 entry"
	}
	if f.From != nil {
		parts = append(parts, "from "+f.From.String())
	}
	if f.To != nil {
		parts = append(parts, "to "+f.To.String())
	}
	list := func(label string, xs []string) {
		if xs != nil {
			parts = append(parts, label+" "+strings.Join(xs, ", "))
		}
	}
	var kinds []string
	for _, k := range f.Kinds {
		kinds = append(kinds, string(k))
	}
	list("kinds", kinds)
	list("platforms", f.Platforms)
	list("countries", f.Countries)
	list("officials", f.Officials)
	list("topics", f.Topics)
	if f.Text != nil {
		parts = append(parts, `text "`+*f.Text+`"`)
	}
	if d.truncated {
		parts = append(parts, "truncated at the limit of "+strconv.Itoa(req.params.limit))
	}
	return strings.Join(parts, "; ")
}
