package db

import "diplomacy-timeline/model"

// The rules that derive timeline entries and search documents from records are in
// package model (model/facts.go). This file adapts their search documents to the rows of
// this package: doc is what docRow (bulk.go) writes, for single writes (entries.go) and
// bulk loads (Derivation in bulkload.go) alike.

// doc is the search document of a record: its name or title, and its running text.
type doc struct {
	title, body string
}

func docOf(d model.SearchDoc) doc { return doc{d.Title, d.Body} }
