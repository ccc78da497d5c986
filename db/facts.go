package db

import (
	"fmt"
	"strings"

	"diplomacy-timeline/model"
)

// This file derives timeline entries and search documents from records and the rows
// related to them, without touching the database: the same functions serve a single write
// (entries.go loads the facts of a batch of records) and the bulk generator (generate.go has them all
// in memory).

// doc is the search document of a record: its name or title, and its running text.
type doc struct {
	title, body string
}

// finish computes the derived columns of an entry: the last-day key of its whole period
// and the lower-cased text the text filter matches.
func finish(e *model.TimelineEntry) *model.TimelineEntry {
	e.LastKey = e.Date.LastKey()
	if e.EndDate != nil && e.EndDate.LastKey() > e.LastKey {
		e.LastKey = e.EndDate.LastKey()
	}
	e.TextKey = strings.ToLower(join(e.Title, deref(e.Summary)))
	return e
}

// platformFacts: a platform's founding, about its member countries.
func platformFacts(p *model.Platform, memberCodes []string) ([]*model.TimelineEntry, doc) {
	var entries []*model.TimelineEntry
	if p.Founded != nil {
		entries = append(entries, finish(&model.TimelineEntry{
			Kind: model.EntryPlatformFounded, Date: *p.Founded, EndDate: p.Dissolved,
			Title: p.Name + " founded", Summary: p.Description, PlatformID: &p.ID,
			Origin: fmt.Sprintf("platform:%d:founded", p.ID), SubjectPlatformID: &p.ID, Countries: memberCodes,
		}))
	}
	return entries, doc{join(p.Name, deref(p.FullName)), deref(p.Description)}
}

// sessionFacts: a session, about its host, location, subject and participants' countries.
func sessionFacts(x *model.Session, parts []model.Participant, subjects []string, topics []int64) ([]*model.TimelineEntry, doc) {
	countries := append(codesOf(x.HostCountryCode, x.Location.CountryCode), subjects...)
	var officials []int64
	for _, p := range parts {
		countries = append(countries, codesOf(p.CountryCode)...)
		officials = append(officials, p.OfficialID)
	}
	e := finish(&model.TimelineEntry{
		Kind: model.EntrySession, Date: x.Start, EndDate: x.End, Title: x.Title, Summary: x.Summary,
		PlatformID: x.PlatformID, Origin: fmt.Sprintf("session:%d", x.ID), SubjectSessionID: &x.ID,
		Countries: countries, Topics: topics, Officials: officials,
	})
	return []*model.TimelineEntry{e}, doc{x.Title, join(deref(x.Summary), deref(x.Location.City), deref(x.Location.Venue))}
}

// officialFacts: the start and end of each of an official's positions.
func officialFacts(o *model.Official, positions []*model.Position) ([]*model.TimelineEntry, doc) {
	var entries []*model.TimelineEntry
	var posts []string
	for _, p := range positions {
		post := p.Title
		if p.Organization != nil {
			post += ", " + *p.Organization
		}
		posts = append(posts, post)
		base := model.TimelineEntry{
			SubjectOfficialID: &o.ID, PositionID: &p.ID,
			Countries: codesOf(p.CountryCode, o.CountryCode), Officials: []int64{o.ID},
		}
		if p.Start != nil {
			e := base
			e.Kind, e.Date, e.EndDate = model.EntryPositionStarted, *p.Start, p.End
			e.Title, e.Origin = o.Name+" becomes "+post, fmt.Sprintf("position:%d:started", p.ID)
			entries = append(entries, finish(&e))
		}
		if p.End != nil {
			e := base
			e.Kind, e.Date = model.EntryPositionEnded, *p.End
			e.Title, e.Origin = o.Name+" leaves "+post, fmt.Sprintf("position:%d:ended", p.ID)
			entries = append(entries, finish(&e))
		}
	}
	return entries, doc{join(append([]string{o.Name}, o.OtherNames...)...), join(posts...)}
}

// initiativeFacts: an initiative's proposal and each later change of its status.
func initiativeFacts(x *model.Initiative, changes []*model.InitiativeStatusChange, topics []int64) ([]*model.TimelineEntry, doc) {
	var officials []int64
	if x.ProposedByID != nil {
		officials = []int64{*x.ProposedByID}
	}
	base := model.TimelineEntry{
		PlatformID: x.PlatformID, SubjectInitiativeID: &x.ID,
		Countries: codesOf(x.CountryCode, x.Location.CountryCode), Topics: topics, Officials: officials,
	}
	var entries []*model.TimelineEntry
	if x.ProposedOn != nil {
		e := base
		e.Kind, e.Date, e.Title, e.Summary = model.EntryInitiativeProposed, *x.ProposedOn, x.Title+" proposed", x.Description
		e.Origin = fmt.Sprintf("initiative:%d:proposed", x.ID)
		entries = append(entries, finish(&e))
	}
	proposal := x.ProposedOn != nil
	for _, c := range changes {
		if c.Status == model.InitiativeStatusProposed {
			// The proposal entry already stands for the initial status recorded on that day.
			if x.ProposedOn != nil && c.On == *x.ProposedOn {
				continue
			}
			// Without a proposal date, the first change to PROPOSED is the proposal: the
			// earliest day the initiative is known to have been proposed.
			if !proposal {
				proposal = true
				e := base
				e.Kind, e.Date, e.Title, e.Summary = model.EntryInitiativeProposed, c.On, x.Title+" proposed", x.Description
				e.Origin, e.StatusChangeID = fmt.Sprintf("status:%d", c.ID), &c.ID
				entries = append(entries, finish(&e))
				continue
			}
		}
		e := base
		e.Kind, e.Date, e.Summary = model.EntryInitiativeStatusChanged, c.On, c.Note
		e.Title = fmt.Sprintf("%s: %s", x.Title, strings.ToLower(strings.ReplaceAll(string(c.Status), "_", " ")))
		e.Origin, e.StatusChangeID = fmt.Sprintf("status:%d", c.ID), &c.ID
		entries = append(entries, finish(&e))
	}
	return entries, doc{x.Title, join(deref(x.Description), deref(x.Location.City))}
}

// statementFacts: a statement, under its session's platform and topics if it was made at
// one (x may be nil).
func statementFacts(st *model.Statement, o *model.Official, x *model.Session, sessionTopics []int64) ([]*model.TimelineEntry, doc) {
	e := &model.TimelineEntry{
		Kind: model.EntryStatement, Date: st.Date, Title: o.Name + ": " + clip(st.Text, 140), Summary: &st.Text,
		Origin: fmt.Sprintf("statement:%d", st.ID), SubjectStatementID: &st.ID,
		Countries: codesOf(o.CountryCode), Officials: []int64{o.ID},
	}
	if x != nil {
		e.PlatformID = x.PlatformID
		e.Countries = append(e.Countries, codesOf(x.HostCountryCode)...)
		e.Topics = sessionTopics
	}
	return []*model.TimelineEntry{finish(e)}, doc{o.Name, st.Text}
}

// sourceDoc: a source's title and publisher, and its excerpts and those of its citations.
func sourceDoc(src *model.Source, citationExcerpts []string) doc {
	return doc{join(src.Title, deref(src.Publisher)), join(append([]string{deref(src.Excerpt)}, citationExcerpts...)...)}
}
