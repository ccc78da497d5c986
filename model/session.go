package model

import "time"

// Session is one dated occurrence — a summit, a ministerial, a special session, a
// bilateral meeting, a visit — optionally under a platform, and optionally held on the
// sidelines of a parent session.
type Session struct {
	ID              int64
	Slug            string
	Title           string
	Kind            SessionKind
	PlatformID      *int64
	ParentID        *int64
	Start           Date     `gorm:"column:start_date"`
	End             *Date    `gorm:"column:end_date"`
	Location        Location `gorm:"embedded;embeddedPrefix:location_"`
	HostCountryCode *string
	Summary         *string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// NodeID returns the session's opaque global ID.
func (s *Session) NodeID() string { return IntID(TypeSession, s.ID) }

// IsNode marks Session as a GraphQL Node.
func (Session) IsNode() {}

// Validate checks the session's own fields.
func (s *Session) Validate() error {
	if err := ValidateSlug("slug", s.Slug); err != nil {
		return err
	}
	if err := RequireText("title", s.Title, MaxTitleLength); err != nil {
		return err
	}
	if !s.Kind.IsValid() {
		return FieldErrorf("kind", "%q is not a valid SessionKind", s.Kind)
	}
	if s.Start.IsZero() {
		return FieldErrorf("start", "is required")
	}
	if err := ValidateRange("end", &s.Start, s.End); err != nil {
		return err
	}
	if err := OptionalText("summary", s.Summary, MaxTextLength); err != nil {
		return err
	}
	if err := OptionalText("location.city", s.Location.City, MaxNameLength); err != nil {
		return err
	}
	if err := OptionalText("location.venue", s.Location.Venue, MaxTitleLength); err != nil {
		return err
	}
	if s.ParentID != nil && *s.ParentID == s.ID {
		return FieldErrorf("parent", "a session cannot be its own parent")
	}
	return s.Location.Validate("location")
}

// Participant is an official taking part in a session, in a role ("head of delegation"),
// representing a country.
type Participant struct {
	ID          int64
	SessionID   int64
	OfficialID  int64
	Role        *string
	CountryCode *string
}

// Validate checks the participant's own fields: the one rule, for the store's mutations
// and the dataset import alike.
func (p *Participant) Validate() error {
	return OptionalText("role", p.Role, MaxLabelLength)
}

// SessionTopic links a session to a topic.
type SessionTopic struct {
	SessionID int64 `gorm:"primaryKey"`
	TopicID   int64 `gorm:"primaryKey"`
}

// SessionSubjectCountry links a session to a country it is about (e.g. Afghanistan).
type SessionSubjectCountry struct {
	SessionID   int64  `gorm:"primaryKey"`
	CountryCode string `gorm:"primaryKey"`
}
