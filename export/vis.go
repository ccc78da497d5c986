package export

// /export/vis-timeline.json: {"items": [...], "groups": [...]}, ready for
// new vis.Timeline(el, new vis.DataSet(items), new vis.DataSet(groups))
// (https://visjs.github.io/vis-timeline/docs/timeline/#items).
//
//   - start is the first day of the entry ("2023-07-28"; "2015" starts on "2015-01-01").
//   - An entry covering more than one day — a range, or a date known only to the month or
//     the year — is a "range" whose end is the day after its last day (vis-timeline's end is
//     an instant, so the whole last day is inside). A single day is a "box" for a session
//     and a "point" for anything else, with no end.
//   - className is "kind-<kind>" ("kind-session", "kind-position-started"), plus
//     "precision-month" or "precision-year" for a partial date.
//   - content and title (the tooltip) are HTML-escaped: vis-timeline renders them as HTML.
//   - group is the platform's global ID, or "no-platform"; groups lists each group used,
//     by name, "No platform" last, with an order field vis-timeline sorts by.

import (
	"encoding/json"
	"html"
	"slices"
	"strings"
	"time"

	"diplomacy-timeline/model"
)

// visNoPlatform is the group of entries without a platform.
const visNoPlatform = "no-platform"

type visItem struct {
	ID        string `json:"id"`
	Content   string `json:"content"`
	Start     string `json:"start"`
	End       string `json:"end,omitempty"`
	Group     string `json:"group"`
	Type      string `json:"type"`
	ClassName string `json:"className"`
	Title     string `json:"title"`
}

type visGroup struct {
	ID      string `json:"id"`
	Content string `json:"content"`
	Title   string `json:"title,omitempty"`
	Order   int    `json:"order"`
}

type visTimeline struct {
	Items  []*visItem  `json:"items"`
	Groups []*visGroup `json:"groups"`
}

func renderVisTimeline(d *contents, _ *renderRequest) ([]byte, error) {
	out := &visTimeline{Items: []*visItem{}, Groups: []*visGroup{}}
	groups := map[string]*visGroup{}
	for _, e := range d.entries {
		first, last := entryPeriod(e)
		item := &visItem{
			ID:        e.NodeID(),
			Content:   html.EscapeString(e.Title),
			Start:     first.Format(dayLayout),
			ClassName: "kind-" + kindClass(e.Kind),
			Group:     visNoPlatform,
		}
		switch e.Date.Precision() {
		case model.PrecisionYear:
			item.ClassName += " precision-year"
		case model.PrecisionMonth:
			item.ClassName += " precision-month"
		}
		switch {
		case last.After(first):
			item.Type = "range"
			item.End = visEnd(last)
		case e.Kind == model.EntrySession:
			item.Type = "box"
		default:
			item.Type = "point"
		}
		tip := []string{html.EscapeString(e.Title), html.EscapeString(displayPeriod(e))}
		if p := d.platformOf(e); p != nil {
			item.Group = p.NodeID()
			tip = append(tip, html.EscapeString(p.Name))
			if groups[item.Group] == nil {
				groups[item.Group] = &visGroup{ID: item.Group, Content: html.EscapeString(p.Name), Title: html.EscapeString(deref(p.FullName))}
			}
		} else if groups[visNoPlatform] == nil {
			groups[visNoPlatform] = &visGroup{ID: visNoPlatform, Content: "No platform"}
		}
		item.Title = strings.Join(tip, "<br>")
		out.Items = append(out.Items, item)
	}
	for _, g := range groups {
		out.Groups = append(out.Groups, g)
	}
	slices.SortFunc(out.Groups, func(a, b *visGroup) int {
		if (a.ID == visNoPlatform) != (b.ID == visNoPlatform) {
			if a.ID == visNoPlatform {
				return 1
			}
			return -1
		}
		if c := strings.Compare(strings.ToLower(a.Content), strings.ToLower(b.Content)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i, g := range out.Groups {
		g.Order = i + 1
	}
	return json.Marshal(out)
}

// dayLayout formats a day as ISO 8601.
const dayLayout = "2006-01-02"

// visEnd is the exclusive end of a range whose last day is last: the day after, or, when
// that day is past year 9999 (which no ISO date can write in four digits), the last
// second of last.
func visEnd(last time.Time) string {
	if next := last.AddDate(0, 0, 1); next.Year() <= 9999 {
		return next.Format(dayLayout)
	}
	return last.Format(dayLayout) + "T23:59:59"
}
