package model

import "slices"

// The filters and orders of the store's lists. They name records by slug and countries
// by code, never by ID, so the GraphQL inputs of the same names bind to them as they are
// (gqlgen's autobind); the enums' GraphQL marshalers are graph's.

// SortOrder is a sort direction.
type SortOrder string

// Sort directions.
const (
	SortOrderAsc  SortOrder = "ASC"
	SortOrderDesc SortOrder = "DESC"
)

// IsValid reports whether o is a known direction.
func (o SortOrder) IsValid() bool { return o == SortOrderAsc || o == SortOrderDesc }

// CountryFilter keeps the countries that match every field given.
type CountryFilter struct {
	// Codes keeps only these codes.
	Codes []string
	// NameContains is a case-insensitive substring of the name.
	NameContains *string
}

// CountryOrderField is what countries sort by.
type CountryOrderField string

// Country sort keys.
const (
	CountryOrderFieldCode CountryOrderField = "CODE"
	CountryOrderFieldName CountryOrderField = "NAME"
)

// IsValid reports whether f is a known sort key.
func (f CountryOrderField) IsValid() bool {
	return slices.Contains([]CountryOrderField{CountryOrderFieldCode, CountryOrderFieldName}, f)
}

// CountryOrder sorts countries.
type CountryOrder struct {
	Field     CountryOrderField
	Direction SortOrder
}

// PlatformFilter keeps the platforms that match every field given.
type PlatformFilter struct {
	Kinds []PlatformKind
	// Countries keeps platforms with any of these member countries (ISO codes), at any time.
	Countries []string
	Slugs     []string
}

// PlatformOrderField is what platforms sort by.
type PlatformOrderField string

// Platform sort keys.
const (
	PlatformOrderFieldName    PlatformOrderField = "NAME"
	PlatformOrderFieldSlug    PlatformOrderField = "SLUG"
	PlatformOrderFieldFounded PlatformOrderField = "FOUNDED"
)

// IsValid reports whether f is a known sort key.
func (f PlatformOrderField) IsValid() bool {
	return slices.Contains([]PlatformOrderField{PlatformOrderFieldName, PlatformOrderFieldSlug, PlatformOrderFieldFounded}, f)
}

// PlatformOrder sorts platforms.
type PlatformOrder struct {
	Field     PlatformOrderField
	Direction SortOrder
}

// SessionFilter keeps the sessions that match every field given.
type SessionFilter struct {
	// Platforms are platform slugs.
	Platforms []string
	Kinds     []SessionKind
	// From keeps sessions whose period ends on or after the start of this date's period.
	From *Date
	// To keeps sessions whose period starts on or before the end of this date's period.
	To *Date
	// Countries are host or location country codes.
	Countries []string
	// Topics are topic slugs.
	Topics []string
	// Officials are the slugs of participants.
	Officials []string
}

// SessionOrderField is what sessions sort by.
type SessionOrderField string

// Session sort keys.
const (
	SessionOrderFieldStart SessionOrderField = "START"
	SessionOrderFieldTitle SessionOrderField = "TITLE"
	SessionOrderFieldSlug  SessionOrderField = "SLUG"
)

// IsValid reports whether f is a known sort key.
func (f SessionOrderField) IsValid() bool {
	return slices.Contains([]SessionOrderField{SessionOrderFieldStart, SessionOrderFieldTitle, SessionOrderFieldSlug}, f)
}

// SessionOrder sorts sessions.
type SessionOrder struct {
	Field     SessionOrderField
	Direction SortOrder
}

// OfficialFilter keeps the officials that match every field given.
type OfficialFilter struct {
	// Countries are country codes.
	Countries []string
	Slugs     []string
}

// OfficialOrderField is what officials sort by.
type OfficialOrderField string

// Official sort keys.
const (
	OfficialOrderFieldName OfficialOrderField = "NAME"
	OfficialOrderFieldSlug OfficialOrderField = "SLUG"
)

// IsValid reports whether f is a known sort key.
func (f OfficialOrderField) IsValid() bool {
	return slices.Contains([]OfficialOrderField{OfficialOrderFieldName, OfficialOrderFieldSlug}, f)
}

// OfficialOrder sorts officials.
type OfficialOrder struct {
	Field     OfficialOrderField
	Direction SortOrder
}

// InitiativeFilter keeps the initiatives that match every field given.
type InitiativeFilter struct {
	Statuses []InitiativeStatus
	// Countries are country codes.
	Countries []string
	// ProposedBy are the slugs of proposers.
	ProposedBy []string
	// Platforms are platform slugs.
	Platforms []string
	// Topics are topic slugs.
	Topics []string
}

// InitiativeOrderField is what initiatives sort by.
type InitiativeOrderField string

// Initiative sort keys.
const (
	InitiativeOrderFieldProposedOn InitiativeOrderField = "PROPOSED_ON"
	InitiativeOrderFieldTitle      InitiativeOrderField = "TITLE"
	InitiativeOrderFieldSlug       InitiativeOrderField = "SLUG"
)

// IsValid reports whether f is a known sort key.
func (f InitiativeOrderField) IsValid() bool {
	return slices.Contains([]InitiativeOrderField{InitiativeOrderFieldProposedOn, InitiativeOrderFieldTitle, InitiativeOrderFieldSlug}, f)
}

// InitiativeOrder sorts initiatives.
type InitiativeOrder struct {
	Field     InitiativeOrderField
	Direction SortOrder
}

// StatementFilter keeps the statements that match every field given.
type StatementFilter struct {
	// Officials are the slugs of speakers.
	Officials []string
	// Sessions are session slugs.
	Sessions []string
	From     *Date
	To       *Date
}

// StatementOrderField is what statements sort by.
type StatementOrderField string

// Statement sort keys.
const (
	StatementOrderFieldDate StatementOrderField = "DATE"
)

// IsValid reports whether f is a known sort key.
func (f StatementOrderField) IsValid() bool { return f == StatementOrderFieldDate }

// StatementOrder sorts statements.
type StatementOrder struct {
	Field     StatementOrderField
	Direction SortOrder
}

// TopicFilter keeps the topics that match every field given.
type TopicFilter struct {
	Slugs []string
	// NameContains is a case-insensitive substring of the name.
	NameContains *string
}

// TopicOrderField is what topics sort by.
type TopicOrderField string

// Topic sort keys.
const (
	TopicOrderFieldName TopicOrderField = "NAME"
	TopicOrderFieldSlug TopicOrderField = "SLUG"
)

// IsValid reports whether f is a known sort key.
func (f TopicOrderField) IsValid() bool {
	return slices.Contains([]TopicOrderField{TopicOrderFieldName, TopicOrderFieldSlug}, f)
}

// TopicOrder sorts topics.
type TopicOrder struct {
	Field     TopicOrderField
	Direction SortOrder
}

// SourceFilter keeps the sources that match every field given.
type SourceFilter struct {
	Publishers []string
	Languages  []string
	From       *Date
	To         *Date
}

// SourceOrderField is what sources sort by.
type SourceOrderField string

// Source sort keys.
const (
	SourceOrderFieldPublishedOn SourceOrderField = "PUBLISHED_ON"
	SourceOrderFieldTitle       SourceOrderField = "TITLE"
)

// IsValid reports whether f is a known sort key.
func (f SourceOrderField) IsValid() bool {
	return f == SourceOrderFieldPublishedOn || f == SourceOrderFieldTitle
}

// SourceOrder sorts sources.
type SourceOrder struct {
	Field     SourceOrderField
	Direction SortOrder
}

// TimelineFilter keeps the timeline entries that match every field given; the values of
// a list match any of them. Dates compare by the period they cover: From "2023-07" keeps
// an entry of "2023".
type TimelineFilter struct {
	// From keeps entries whose period ends on or after the start of this date's period.
	From *Date
	// To keeps entries whose period starts on or before the end of this date's period.
	To    *Date
	Kinds []TimelineEntryKind
	// Platforms are platform slugs.
	Platforms []string
	// Countries are ISO 3166-1 alpha-2 country codes.
	Countries []string
	// Officials are official slugs: entries an official took part in, proposed, said or held.
	Officials []string
	// Topics are topic slugs.
	Topics []string
	// Text holds words that must all appear, case-insensitively, in the entry's title or
	// summary (at most 8).
	Text *string
}
