package model

import (
	"regexp"
	"time"
)

var languageRE = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)

// Source is a document — an article, a communiqué, a transcript — that facts are taken
// from. Provenance is not optional in this field: platforms, sessions, initiatives and
// statements cite sources through Citations.
type Source struct {
	ID          int64
	Title       string
	Publisher   *string
	URL         *string
	PublishedOn *Date
	Language    *string
	Excerpt     *string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NodeID returns the source's opaque global ID.
func (s *Source) NodeID() string { return IntID(TypeSource, s.ID) }

// IsNode marks Source as a GraphQL Node.
func (Source) IsNode() {}

// Validate checks the source's own fields.
func (s *Source) Validate() error {
	if err := RequireText("title", s.Title, MaxTitleLength); err != nil {
		return err
	}
	if err := OptionalText("publisher", s.Publisher, MaxLabelLength); err != nil {
		return err
	}
	if err := ValidateURL("url", s.URL); err != nil {
		return err
	}
	if s.Language != nil && !languageRE.MatchString(*s.Language) {
		return FieldErrorf("language", "must be a BCP 47 language tag such as \"en\" or \"ru\"")
	}
	return OptionalText("excerpt", s.Excerpt, MaxTextLength)
}

// Citation records that a subject — exactly one of a platform, session, initiative or
// statement — cites a source, with the passage relied on.
type Citation struct {
	ID           int64
	SourceID     int64
	PlatformID   *int64
	SessionID    *int64
	InitiativeID *int64
	StatementID  *int64
	Excerpt      *string
}
