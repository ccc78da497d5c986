package model

import "time"

// Statement is what an official said or stressed on a date, optionally at a session.
type Statement struct {
	ID         int64
	OfficialID int64
	SessionID  *int64
	Date       Date `gorm:"column:stated_on"`
	Text       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// NodeID returns the statement's opaque global ID.
func (s *Statement) NodeID() string { return IntID(TypeStatement, s.ID) }

// IsNode marks Statement as a GraphQL Node.
func (Statement) IsNode() {}

// Validate checks the statement's own fields.
func (s *Statement) Validate() error {
	if s.Date.IsZero() {
		return FieldErrorf("date", "is required")
	}
	return RequireText("text", s.Text, MaxTextLength)
}

// Topic is a subject of diplomacy (humanitarian assistance, security, …) that sessions
// and initiatives are tagged with.
type Topic struct {
	ID          int64
	Slug        string
	Name        string
	Description *string
}

// NodeID returns the topic's opaque global ID.
func (t *Topic) NodeID() string { return IntID(TypeTopic, t.ID) }

// IsNode marks Topic as a GraphQL Node.
func (Topic) IsNode() {}

// Validate checks the topic's own fields.
func (t *Topic) Validate() error {
	if err := ValidateSlug("slug", t.Slug); err != nil {
		return err
	}
	if err := RequireText("name", t.Name, MaxNameLength); err != nil {
		return err
	}
	return OptionalText("description", t.Description, MaxNoteLength)
}
