package model

import (
	_ "embed" // the dataset's JSON Schema
	"strconv"
)

// This file defines the dataset format: one JSON document that holds a whole world —
// every record and relation of the database except derived data (timeline entries, search
// documents) and bookkeeping (IDs, creation times) — so that it can be exported from one
// database and imported into another. The database side is package db/dataset (export.go
// and import.go).
//
// # Shape
//
// A dataset is an object with, in this order, "format", "version" and the sections
// "countries", "topics", "sources", "platforms", "officials", "sessions", "initiatives"
// and "statements": each section a list, and each section optional. The order is part of
// the format: a record only refers to records of earlier sections (or of its own, for a
// session's parent), so a reader can stream the file record by record. Records refer to
// one another by slug; sources, which have no slug, by a key of the file (see
// DatasetSource); countries by ISO 3166-1 alpha-2 code.
//
// # Canonical form
//
// An export is canonical: sections sorted by slug (sources by key, statements by official,
// date and index, countries by code), every nested list sorted (see the field comments),
// empty optional fields and lists left out, dates written as given ("2015", "2023-07",
// "2023-07-28"), and the whole encoded by encoding/json with two-space indentation and
// without HTML escaping. So export → import into an empty database → export gives the same
// bytes, and two exports of the same data diff cleanly.
//
// # Import
//
// An import is one transaction: a file with any error changes nothing, and the error
// names the record (section, index, slug or key) and the field. A record in the file is
// the whole record: importing it creates it, or updates the record with the same slug
// (key, for sources and statements) and replaces its nested lists — members, positions,
// participants, status history, links and citations — with the file's. An optional field
// or list left out is empty. Records absent from the file are left alone: an import never
// deletes a record, and importing the same file again changes nothing.

// DatasetFormat is the value of Dataset.Format.
const DatasetFormat = "diplomacy-timeline/dataset"

// DatasetVersion is the version of the dataset format this build reads and writes. A
// change that an older reader would misread gets a new version.
const DatasetVersion = 1

// DatasetSections lists the sections of a dataset in the order a file must give them.
var DatasetSections = []string{"countries", "topics", "sources", "platforms", "officials", "sessions", "initiatives", "statements"}

// DatasetSchema is the JSON Schema (draft 2020-12) of the dataset format, served at
// /dataset.schema.json.
//
//go:embed dataset.schema.json
var DatasetSchema []byte

// Dataset is a whole world in the dataset format.
type Dataset struct {
	// Format is always DatasetFormat.
	Format string `json:"format"`
	// Version is DatasetVersion.
	Version int `json:"version"`
	// Countries lists, by code, every country that a record of the dataset refers to,
	// with its name, so that the file can be read on its own. On import each code must be
	// a known ISO country, the names of the database are kept, and the list need not be
	// complete.
	Countries []DatasetCountry `json:"countries,omitempty"`
	// Topics, by slug.
	Topics []DatasetTopic `json:"topics,omitempty"`
	// Sources, by key.
	Sources []DatasetSource `json:"sources,omitempty"`
	// Platforms, by slug.
	Platforms []DatasetPlatform `json:"platforms,omitempty"`
	// Officials, by slug.
	Officials []DatasetOfficial `json:"officials,omitempty"`
	// Sessions, by slug.
	Sessions []DatasetSession `json:"sessions,omitempty"`
	// Initiatives, by slug.
	Initiatives []DatasetInitiative `json:"initiatives,omitempty"`
	// Statements, by official, date and index.
	Statements []DatasetStatement `json:"statements,omitempty"`
}

// DatasetCountry is a country referred to by the dataset.
type DatasetCountry struct {
	Code string `json:"code"` // ISO 3166-1 alpha-2, upper case
	Name string `json:"name"`
}

// DatasetTopic is a Topic.
type DatasetTopic struct {
	Slug        string  `json:"slug"`
	Name        string  `json:"name"`
	Description *string `json:"description,omitempty"`
}

// DatasetSource is a Source. Sources have no slug, so Key names one within the file:
// citations refer to it. An export derives the key from the source — its publisher, its
// publication date and a hash of its URL, or of its title, publisher and date when it
// has no URL ("kazinform-2023-07-28-5f0c3a9e"), with "-2", "-3", … for sources that
// share all of these — and a hand-written file may use any unique slug-like key. On
// import a source updates the existing source with the same URL or, when it has no URL,
// the same title, publisher and publication date; otherwise it is created.
type DatasetSource struct {
	Key         string  `json:"key"`
	Title       string  `json:"title"`
	Publisher   *string `json:"publisher,omitempty"`
	URL         *string `json:"url,omitempty"`
	PublishedOn string  `json:"publishedOn,omitempty"` // a partial date
	Language    *string `json:"language,omitempty"`    // BCP 47
	Excerpt     *string `json:"excerpt,omitempty"`
}

// DatasetCitation is a citation of a source by the record that holds it; the citations
// of a record are sorted by source key, one per source.
type DatasetCitation struct {
	Source  string  `json:"source"` // the key of a source of the file
	Excerpt *string `json:"excerpt,omitempty"`
}

// DatasetPlatform is a Platform with its members and citations.
type DatasetPlatform struct {
	Slug        string       `json:"slug"`
	Name        string       `json:"name"`
	FullName    *string      `json:"fullName,omitempty"`
	Description *string      `json:"description,omitempty"`
	Kind        PlatformKind `json:"kind"`
	Founded     string       `json:"founded,omitempty"`   // a partial date
	Dissolved   string       `json:"dissolved,omitempty"` // a partial date
	Website     *string      `json:"website,omitempty"`
	// Members, sorted by country, since, until and role.
	Members []DatasetMember   `json:"members,omitempty"`
	Sources []DatasetCitation `json:"sources,omitempty"`
}

// DatasetMember is a PlatformMember.
type DatasetMember struct {
	Country string         `json:"country"`
	Role    MembershipRole `json:"role,omitempty"`  // MEMBER when left out
	Since   string         `json:"since,omitempty"` // a partial date
	Until   string         `json:"until,omitempty"` // a partial date
}

// DatasetOfficial is an Official with their positions.
type DatasetOfficial struct {
	Slug       string   `json:"slug"`
	Name       string   `json:"name"`
	OtherNames []string `json:"otherNames,omitempty"` // in the order given
	Country    string   `json:"country,omitempty"`
	// Positions, sorted by start, end, title, organization and country.
	Positions []DatasetPosition `json:"positions,omitempty"`
}

// DatasetPosition is a Position.
type DatasetPosition struct {
	Title        string  `json:"title"`
	Organization *string `json:"organization,omitempty"`
	Country      string  `json:"country,omitempty"`
	Start        string  `json:"start,omitempty"` // a partial date
	End          string  `json:"end,omitempty"`   // a partial date
}

// DatasetSession is a Session with its links, participants and citations.
type DatasetSession struct {
	Slug     string      `json:"slug"`
	Title    string      `json:"title"`
	Kind     SessionKind `json:"kind"`
	Platform string      `json:"platform,omitempty"` // a platform's slug
	// Parent is the slug of the session this one was held on the sidelines of; it may
	// come later in the file.
	Parent      string           `json:"parent,omitempty"`
	Start       string           `json:"start"`         // a partial date
	End         string           `json:"end,omitempty"` // a partial date
	Location    *DatasetLocation `json:"location,omitempty"`
	HostCountry string           `json:"hostCountry,omitempty"`
	// SubjectCountries are codes, sorted.
	SubjectCountries []string `json:"subjectCountries,omitempty"`
	// Topics are slugs, sorted.
	Topics  []string `json:"topics,omitempty"`
	Summary *string  `json:"summary,omitempty"`
	// Participants, sorted by official; an official takes part once.
	Participants []DatasetParticipant `json:"participants,omitempty"`
	Sources      []DatasetCitation    `json:"sources,omitempty"`
}

// DatasetLocation is a Location.
type DatasetLocation struct {
	City      *string  `json:"city,omitempty"`
	Country   string   `json:"country,omitempty"`
	Venue     *string  `json:"venue,omitempty"`
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
}

// DatasetParticipant is a Participant. Unlike the addParticipant mutation, an import
// does not default Country to the official's: left out, none is recorded.
type DatasetParticipant struct {
	Official string  `json:"official"` // an official's slug
	Role     *string `json:"role,omitempty"`
	Country  string  `json:"country,omitempty"`
}

// DatasetInitiative is an Initiative with its status history, links and citations.
type DatasetInitiative struct {
	Slug        string  `json:"slug"`
	Title       string  `json:"title"`
	Description *string `json:"description,omitempty"`
	// Status is the current status. It must be that of the latest change of
	// StatusHistory when there is one; left out, it is that status, or PROPOSED.
	Status     InitiativeStatus `json:"status,omitempty"`
	ProposedOn string           `json:"proposedOn,omitempty"` // a partial date
	ProposedBy string           `json:"proposedBy,omitempty"` // an official's slug
	Country    string           `json:"country,omitempty"`
	Location   *DatasetLocation `json:"location,omitempty"`
	Platform   string           `json:"platform,omitempty"` // a platform's slug
	// StatusHistory, oldest first: by date, and in the order recorded on the same date.
	StatusHistory []DatasetStatusChange `json:"statusHistory,omitempty"`
	// Sessions are the slugs of the sessions where it was raised, sorted.
	Sessions []string `json:"sessions,omitempty"`
	// Topics are slugs, sorted.
	Topics  []string          `json:"topics,omitempty"`
	Sources []DatasetCitation `json:"sources,omitempty"`
}

// DatasetStatusChange is an InitiativeStatusChange.
type DatasetStatusChange struct {
	Status InitiativeStatus `json:"status"`
	On     string           `json:"on"` // a partial date
	Note   *string          `json:"note,omitempty"`
}

// DatasetStatement is a Statement with its citations. Statements have no slug: one is
// known by its official, its date and Index, which numbers the statements of that
// official on that date 1, 2, 3, … in the order they were recorded. Within a file the
// statements of an official on a date come in the order of their indexes, without gaps
// (they need not be adjacent). On import the statement with index n updates the n-th
// statement of that official on that date, or is created when there are fewer.
type DatasetStatement struct {
	Official string            `json:"official"` // an official's slug
	Date     string            `json:"date"`     // a partial date
	Index    int               `json:"index"`
	Session  string            `json:"session,omitempty"` // a session's slug
	Text     string            `json:"text"`
	Sources  []DatasetCitation `json:"sources,omitempty"`
}

// Key returns the statement's key within a dataset, "official/date/index".
func (s *DatasetStatement) Key() string {
	return s.Official + "/" + s.Date + "/" + strconv.Itoa(s.Index)
}
