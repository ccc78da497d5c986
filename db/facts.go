package db

import "diplomacy-timeline/model"

// The rules that derive timeline entries and search documents from records are in
// package model (model/facts.go). This file adapts them to the search rows of this
// package: doc is what docRow (bulk.go) writes, and the lower-case names below are the
// ones the synthetic world's writer (generate_write.go) calls. Both files are moving out
// of db; once they call package model themselves, the adapters go.

// doc is the search document of a record: its name or title, and its running text.
type doc struct {
	title, body string
}

func docOf(d model.SearchDoc) doc { return doc{d.Title, d.Body} }

func platformFacts(p *model.Platform, memberCodes []string) ([]*model.TimelineEntry, doc) {
	es, d := model.PlatformFacts(p, memberCodes)
	return es, docOf(d)
}

func sessionFacts(x *model.Session, parts []model.Participant, subjects []string, topics []int64) ([]*model.TimelineEntry, doc) {
	es, d := model.SessionFacts(x, parts, subjects, topics)
	return es, docOf(d)
}

func officialFacts(o *model.Official, positions []*model.Position) ([]*model.TimelineEntry, doc) {
	es, d := model.OfficialFacts(o, positions)
	return es, docOf(d)
}

func initiativeFacts(x *model.Initiative, changes []*model.InitiativeStatusChange, topics []int64) ([]*model.TimelineEntry, doc) {
	es, d := model.InitiativeFacts(x, changes, topics)
	return es, docOf(d)
}

func statementFacts(st *model.Statement, o *model.Official, x *model.Session, sessionTopics []int64) ([]*model.TimelineEntry, doc) {
	es, d := model.StatementFacts(st, o, x, sessionTopics)
	return es, docOf(d)
}

func sourceDoc(src *model.Source, citationExcerpts []string) doc {
	return docOf(model.SourceDoc(src, citationExcerpts))
}
