package export

// /export/timeline.csv: one row per entry, RFC 4180 (comma-separated, fields quoted when
// needed, CRLF line endings, UTF-8 without a byte order mark), under a header row.
//
//	id, kind, date, end_date, precision, title, summary, platform, countries, topics,
//	subject_type, subject_id, participants, source_urls, source_titles
//
// id and subject_id are global IDs (node(id:) resolves them); date and end_date are as
// written ("2015", "2023-07", "2023-07-28") and precision says which (YEAR, MONTH, DAY);
// platform is a slug, countries ISO codes and topics slugs. participants are a session's
// participants as "Name (CC)", CC being the country represented. source_urls and
// source_titles list the cited sources in the same order, one item each (an empty URL for
// a source without one), so the n-th URL and the n-th title are one source's. Lists are
// joined with ";"; within an item of the last three, a ";" is written "\;" and a "\" is
// written "\\", so splitting on unescaped semicolons gives the items back.
//
// Formula injection: a spreadsheet runs a cell that starts with =, +, - or @ (and, in some,
// a tab, a carriage return or a line feed) as a formula, so such a cell is written with a leading
// single quote ("'=1+1"), which spreadsheets show as text. Strip one leading quote
// before one of those characters to get the value back.

import (
	"bytes"
	"encoding/csv"
	"strings"

	"diplomacy-timeline/model"
)

// CSVHeader is the header row of /export/timeline.csv.
var CSVHeader = []string{"id", "kind", "date", "end_date", "precision", "title", "summary", "platform",
	"countries", "topics", "subject_type", "subject_id", "participants", "source_urls", "source_titles"}

// csvItem escapes a list item that may hold the separator: "\" as "\\", ";" as "\;".
func csvItem(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`).Replace(s)
}

// csvSafe defuses a cell a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\n", rune(s[0])) {
		return "'" + s
	}
	return s
}

func renderCSV(d *contents, _ *renderRequest) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.Write(CSVHeader); err != nil {
		return nil, err
	}
	precisions := map[model.Precision]string{model.PrecisionYear: "YEAR", model.PrecisionMonth: "MONTH", model.PrecisionDay: "DAY"}
	for _, e := range d.entries {
		var end, platform string
		if e.EndDate != nil {
			end = e.EndDate.String()
		}
		if p := d.platformOf(e); p != nil {
			platform = p.Slug
		}
		var countries, topics, participants, urls, titles []string
		for _, c := range d.entryCountries[e.ID] {
			countries = append(countries, c.Code)
		}
		for _, t := range d.entryTopics[e.ID] {
			topics = append(topics, t.Slug)
		}
		for _, s := range d.sourcesOf(e) {
			urls = append(urls, csvItem(deref(s.URL)))
			titles = append(titles, csvItem(s.Title))
		}
		typ, id := e.SubjectRef()
		if typ == model.TypeSession {
			for _, p := range d.participants[id] {
				participants = append(participants, csvItem(d.participantCode(p)))
			}
		}
		subject := ""
		if typ != "" {
			subject = model.IntID(typ, id)
		}
		row := []string{e.NodeID(), string(e.Kind), e.Date.String(), end, precisions[e.Date.Precision()],
			e.Title, deref(e.Summary), platform, strings.Join(countries, ";"), strings.Join(topics, ";"),
			typ, subject, strings.Join(participants, ";"), strings.Join(urls, ";"), strings.Join(titles, ";")}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// participantCode is a participant as "Name (CC)", CC being the country represented (the
// official's own when the participation names none).
func (d *contents) participantCode(p *model.Participant) string {
	o, country := d.represented(p)
	switch {
	case o == nil:
		return ""
	case country == nil:
		return o.Name
	}
	return o.Name + " (" + *country + ")"
}
