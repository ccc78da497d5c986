package model

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file holds the rules that turn records into timeline entries and search documents:
// which entries a record gives, their dates, titles, summaries, and what they are about.
// The rules touch no database, so they are tested on their own (facts_test.go) and the
// same functions serve every writer: package db derives a batch of records from the rows
// it loads, in the transaction of each write, and the synthetic world generator derives
// what it holds in memory.

// SearchDoc is the search document of a record: its name or title, and its running text.
type SearchDoc struct {
	Title, Body string
}

// IsEmpty reports whether the document has no text: a record with none is not indexed.
func (d SearchDoc) IsEmpty() bool { return d.Title == "" && d.Body == "" }

// finish computes the derived fields of an entry: the last-day key of its whole period,
// the lower-cased text the text filter matches, and its countries, topics and officials
// listed once each (a session's host is often also a participant's country).
func finish(e *TimelineEntry) *TimelineEntry {
	e.LastKey = e.Date.LastKey()
	if e.EndDate != nil && e.EndDate.LastKey() > e.LastKey {
		e.LastKey = e.EndDate.LastKey()
	}
	e.TextKey = strings.ToLower(join(e.Title, deref(e.Summary)))
	e.Countries, e.Topics, e.Officials = Unique(e.Countries), Unique(e.Topics), Unique(e.Officials)
	return e
}

// PlatformFacts derives a platform's founding, about its member countries, and its
// search document. A platform with no founding date has no entry.
func PlatformFacts(p *Platform, memberCodes []string) ([]*TimelineEntry, SearchDoc) {
	var entries []*TimelineEntry
	if p.Founded != nil {
		entries = append(entries, finish(&TimelineEntry{
			Kind: EntryPlatformFounded, Date: *p.Founded, EndDate: p.Dissolved,
			Title: p.Name + " founded", Summary: p.Description, PlatformID: &p.ID,
			Origin: fmt.Sprintf("platform:%d:founded", p.ID), SubjectPlatformID: &p.ID, Countries: memberCodes,
		}))
	}
	return entries, SearchDoc{join(p.Name, deref(p.FullName)), deref(p.Description)}
}

// SessionFacts derives a session's entry, about its host, location, subject and
// participants' countries, its topics and its participants, and its search document.
func SessionFacts(x *Session, parts []Participant, subjects []string, topics []int64) ([]*TimelineEntry, SearchDoc) {
	countries := append(codesOf(x.HostCountryCode, x.Location.CountryCode), subjects...)
	var officials []int64
	for _, p := range parts {
		countries = append(countries, codesOf(p.CountryCode)...)
		officials = append(officials, p.OfficialID)
	}
	e := finish(&TimelineEntry{
		Kind: EntrySession, Date: x.Start, EndDate: x.End, Title: x.Title, Summary: x.Summary,
		PlatformID: x.PlatformID, Origin: fmt.Sprintf("session:%d", x.ID), SubjectSessionID: &x.ID,
		Countries: countries, Topics: topics, Officials: officials,
	})
	return []*TimelineEntry{e}, SearchDoc{x.Title, join(deref(x.Summary), deref(x.Location.City), deref(x.Location.Venue))}
}

// OfficialFacts derives the start and the end of each of an official's positions (a
// position without a known start or end has no entry for it), and the official's search
// document: names, then posts.
func OfficialFacts(o *Official, positions []*Position) ([]*TimelineEntry, SearchDoc) {
	var entries []*TimelineEntry
	var posts []string
	for _, p := range positions {
		post := p.Title
		if p.Organization != nil {
			post += ", " + *p.Organization
		}
		posts = append(posts, post)
		base := TimelineEntry{
			SubjectOfficialID: &o.ID, PositionID: &p.ID,
			Countries: codesOf(p.CountryCode, o.CountryCode), Officials: []int64{o.ID},
		}
		if p.Start != nil {
			e := base
			e.Kind, e.Date, e.EndDate = EntryPositionStarted, *p.Start, p.End
			e.Title, e.Origin = o.Name+" becomes "+post, fmt.Sprintf("position:%d:started", p.ID)
			entries = append(entries, finish(&e))
		}
		if p.End != nil {
			e := base
			e.Kind, e.Date = EntryPositionEnded, *p.End
			e.Title, e.Origin = o.Name+" leaves "+post, fmt.Sprintf("position:%d:ended", p.ID)
			entries = append(entries, finish(&e))
		}
	}
	return entries, SearchDoc{join(append([]string{o.Name}, o.OtherNames...)...), join(posts...)}
}

// InitiativeFacts derives an initiative's proposal and each later change of its status
// (changes in the order of their dates), and its search document. The proposal is dated
// by proposedOn; without one, the first change to PROPOSED stands for it, the earliest
// day the initiative is known to have been proposed.
func InitiativeFacts(x *Initiative, changes []*InitiativeStatusChange, topics []int64) ([]*TimelineEntry, SearchDoc) {
	var officials []int64
	if x.ProposedByID != nil {
		officials = []int64{*x.ProposedByID}
	}
	base := TimelineEntry{
		PlatformID: x.PlatformID, SubjectInitiativeID: &x.ID,
		Countries: codesOf(x.CountryCode, x.Location.CountryCode), Topics: topics, Officials: officials,
	}
	var entries []*TimelineEntry
	if x.ProposedOn != nil {
		e := base
		e.Kind, e.Date, e.Title, e.Summary = EntryInitiativeProposed, *x.ProposedOn, x.Title+" proposed", x.Description
		e.Origin = fmt.Sprintf("initiative:%d:proposed", x.ID)
		entries = append(entries, finish(&e))
	}
	proposal := x.ProposedOn != nil
	for _, c := range changes {
		if c.Status == InitiativeStatusProposed {
			// The proposal entry already stands for the initial status recorded on that day.
			if x.ProposedOn != nil && c.On == *x.ProposedOn {
				continue
			}
			// Without a proposal date, the first change to PROPOSED is the proposal.
			if !proposal {
				proposal = true
				e := base
				e.Kind, e.Date, e.Title, e.Summary = EntryInitiativeProposed, c.On, x.Title+" proposed", x.Description
				e.Origin, e.StatusChangeID = fmt.Sprintf("status:%d", c.ID), &c.ID
				entries = append(entries, finish(&e))
				continue
			}
		}
		e := base
		e.Kind, e.Date, e.Summary = EntryInitiativeStatusChanged, c.On, c.Note
		e.Title = fmt.Sprintf("%s: %s", x.Title, strings.ToLower(strings.ReplaceAll(string(c.Status), "_", " ")))
		e.Origin, e.StatusChangeID = fmt.Sprintf("status:%d", c.ID), &c.ID
		entries = append(entries, finish(&e))
	}
	return entries, SearchDoc{x.Title, join(deref(x.Description), deref(x.Location.City))}
}

// StatementFacts derives a statement's entry, about its official's country and officials,
// and, if it was made at a session (x, which may be nil), under the session's platform and
// topics and about its host country too; and the statement's search document.
func StatementFacts(st *Statement, o *Official, x *Session, sessionTopics []int64) ([]*TimelineEntry, SearchDoc) {
	e := &TimelineEntry{
		Kind: EntryStatement, Date: st.Date, Title: o.Name + ": " + clip(st.Text, 140), Summary: &st.Text,
		Origin: fmt.Sprintf("statement:%d", st.ID), SubjectStatementID: &st.ID,
		Countries: codesOf(o.CountryCode), Officials: []int64{o.ID},
	}
	if x != nil {
		e.PlatformID = x.PlatformID
		e.Countries = append(e.Countries, codesOf(x.HostCountryCode)...)
		e.Topics = sessionTopics
	}
	return []*TimelineEntry{finish(e)}, SearchDoc{o.Name, st.Text}
}

// SourceDoc is a source's search document: its title and publisher, then its excerpt and
// those of its citations. Sources have no timeline entries.
func SourceDoc(src *Source, citationExcerpts []string) SearchDoc {
	return SearchDoc{join(src.Title, deref(src.Publisher)), join(append([]string{deref(src.Excerpt)}, citationExcerpts...)...)}
}

// codesOf returns the country codes that are set.
func codesOf(codes ...*string) []string {
	var out []string
	for _, c := range codes {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// join joins the non-empty parts with a space.
func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// clip shortens s to at most n runes at a word boundary, with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
