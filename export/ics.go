package export

// /export/calendar.ics: the sessions as an RFC 5545 calendar, to import or subscribe to.
//
//   - One all-day VEVENT per session: DTSTART;VALUE=DATE is the first day, DTEND the day
//     after the last (DTEND is exclusive). A date known only to the month spans the month,
//     one known only to the year the year; a session with an end spans to the end's last day.
//   - UID is the timeline entry's global ID + "@diplomacy-timeline": stable across edits,
//     so a re-import or a subscription updates events instead of duplicating them.
//   - DTSTAMP and LAST-MODIFIED are the session's last change, CREATED its creation, so the
//     same data always gives the same bytes (and the same ETag).
//   - SUMMARY is the title; LOCATION "venue, city, country"; GEO the coordinates when known;
//     DESCRIPTION the summary, the date as known, platform, host, participants (role,
//     country) and sources; URL opens the entry in the dashboard (/?selected=<entry ID>);
//     CATEGORIES the session's kind. Events are TRANSPARENT: they inform, they do not block
//     time.
//   - TEXT values escape backslash, semicolon, comma and newline; control characters are
//     dropped; lines end with CRLF and are folded at 75 octets without splitting a UTF-8
//     character.

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"diplomacy-timeline/model"
)

// icsUIDDomain follows an entry's ID in a UID.
const icsUIDDomain = "@diplomacy-timeline"

// icsMaxLine is the longest line RFC 5545 allows, in octets, without the CRLF.
const icsMaxLine = 75

// icsWriter writes content lines, folded, with CRLF.
type icsWriter struct{ b bytes.Buffer }

// prop writes "NAME:value" (name may carry parameters); value must already be escaped.
func (w *icsWriter) prop(name, value string) {
	line := name + ":" + value
	n := 0
	for len(line) > 0 {
		_, size := utf8.DecodeRuneInString(line)
		if n+size > icsMaxLine {
			w.b.WriteString("\r\n ")
			n = 1
		}
		w.b.WriteString(line[:size])
		n += size
		line = line[size:]
	}
	w.b.WriteString("\r\n")
}

// text writes a TEXT property, escaped; nothing when the value is empty.
func (w *icsWriter) text(name, value string) {
	if value = strings.TrimSpace(value); value != "" {
		w.prop(name, icsEscape(value))
	}
}

var icsEscaper = strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// icsEscape escapes a TEXT value (RFC 5545 §3.3.11) and drops the control characters
// TEXT may not hold.
func icsEscape(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return icsEscaper.Replace(s)
}

// icsDate formats an all-day DATE value.
func icsDate(t time.Time) string { return t.Format("20060102") }

// icsStamp formats a UTC DATE-TIME value.
func icsStamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func renderICS(d *contents, req *renderRequest) ([]byte, error) {
	w := &icsWriter{}
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", "-//diplomacy-timeline//Timeline export//EN")
	w.prop("CALSCALE", "GREGORIAN")
	w.text("X-WR-CALNAME", "Diplomacy timeline: sessions")
	w.text("X-WR-CALDESC", describe(d, req))
	w.prop("REFRESH-INTERVAL;VALUE=DURATION", "PT12H")
	w.prop("X-PUBLISHED-TTL", "PT12H")
	now := time.Now()
	for _, e := range d.entries {
		if e.SubjectSessionID == nil {
			continue
		}
		s := d.sessions[*e.SubjectSessionID]
		first, last := entryPeriod(e)
		w.prop("BEGIN", "VEVENT")
		w.prop("UID", e.NodeID()+icsUIDDomain)
		stamp := now
		if s != nil && !s.UpdatedAt.IsZero() {
			stamp = s.UpdatedAt
		}
		w.prop("DTSTAMP", icsStamp(stamp))
		if s != nil && !s.CreatedAt.IsZero() {
			w.prop("CREATED", icsStamp(s.CreatedAt))
			w.prop("LAST-MODIFIED", icsStamp(stamp))
		}
		w.prop("DTSTART;VALUE=DATE", icsDate(first))
		if next := last.AddDate(0, 0, 1); next.Year() <= 9999 {
			w.prop("DTEND;VALUE=DATE", icsDate(next))
		} else {
			// DTEND would be in year 10000, which a DATE cannot write: the length instead.
			w.prop("DURATION", "P"+strconv.Itoa(int(next.Sub(first).Hours()/24))+"D")
		}
		w.text("SUMMARY", e.Title)
		if s != nil {
			w.text("LOCATION", d.sessionLocation(s))
			if s.Location.Latitude != nil && s.Location.Longitude != nil {
				w.prop("GEO", strconv.FormatFloat(*s.Location.Latitude, 'f', -1, 64)+";"+strconv.FormatFloat(*s.Location.Longitude, 'f', -1, 64))
			}
			w.text("CATEGORIES", kindLabel(s.Kind))
		}
		w.text("DESCRIPTION", icsDescription(d, e, s))
		w.prop("URL", req.base+"/?selected="+url.QueryEscape(e.NodeID()))
		w.prop("TRANSP", "TRANSPARENT")
		w.prop("END", "VEVENT")
	}
	w.prop("END", "VCALENDAR")
	return w.b.Bytes(), nil
}

// icsDescription is an event's description: the summary, then the facts a calendar has no
// field for.
func icsDescription(d *contents, e *model.TimelineEntry, s *model.Session) string {
	var parts []string
	if e.Summary != nil && strings.TrimSpace(*e.Summary) != "" {
		parts = append(parts, strings.TrimSpace(*e.Summary))
	}
	var facts []string
	if p := e.Date.Precision(); p != model.PrecisionDay || (hasEnd(e) && e.EndDate.Precision() != model.PrecisionDay) {
		facts = append(facts, "Date: "+displayPeriod(e)+" (the exact days are not known)")
	}
	if p := d.platformOf(e); p != nil {
		facts = append(facts, "Platform: "+p.Name)
	}
	if s != nil {
		facts = append(facts, "Kind: "+kindLabel(s.Kind))
		if s.HostCountryCode != nil {
			facts = append(facts, "Host: "+d.countryName(s.HostCountryCode))
		}
	}
	if len(facts) > 0 {
		parts = append(parts, strings.Join(facts, "\n"))
	}
	if s != nil && len(d.participants[s.ID]) > 0 {
		lines := []string{"Participants:"}
		for _, p := range d.participants[s.ID] {
			if l := d.participantLine(p); l != "" {
				lines = append(lines, "- "+l)
			}
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	if srcs := d.sourcesOf(e); len(srcs) > 0 {
		lines := []string{"Sources:"}
		for _, src := range srcs {
			lines = append(lines, "- "+joinNonEmpty(": ", joinNonEmpty(", ", src.Title, deref(src.Publisher)), deref(src.URL)))
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return strings.Join(parts, "\n\n")
}
