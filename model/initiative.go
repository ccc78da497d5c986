package model

import "time"

// Initiative is a proposal — a centre, a programme, a treaty — put forward by an official
// or a country, whose status moves over time.
type Initiative struct {
	ID           int64
	Slug         string
	Title        string
	Description  *string
	Status       InitiativeStatus
	ProposedOn   *Date
	ProposedByID *int64
	CountryCode  *string
	Location     Location `gorm:"embedded;embeddedPrefix:location_"`
	PlatformID   *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NodeID returns the initiative's opaque global ID.
func (i *Initiative) NodeID() string { return IntID(TypeInitiative, i.ID) }

// IsNode marks Initiative as a GraphQL Node.
func (Initiative) IsNode() {}

// Validate checks the initiative's own fields.
func (i *Initiative) Validate() error {
	if err := ValidateSlug("slug", i.Slug); err != nil {
		return err
	}
	if err := RequireText("title", i.Title, MaxTitleLength); err != nil {
		return err
	}
	if !i.Status.IsValid() {
		return FieldErrorf("status", "%q is not a valid InitiativeStatus", i.Status)
	}
	if err := OptionalText("description", i.Description, MaxTextLength); err != nil {
		return err
	}
	if err := OptionalText("location.city", i.Location.City, MaxNameLength); err != nil {
		return err
	}
	if err := OptionalText("location.venue", i.Location.Venue, MaxTitleLength); err != nil {
		return err
	}
	return i.Location.Validate("location")
}

// InitiativeStatusChange records that an initiative reached a status on a date. The
// initiative's current status is that of its latest change.
type InitiativeStatusChange struct {
	ID           int64
	InitiativeID int64
	Status       InitiativeStatus
	On           Date `gorm:"column:changed_on"`
	Note         *string
}

// Validate checks the change's own fields: the one rule, for the store's mutations and
// the dataset import alike.
func (c *InitiativeStatusChange) Validate() error {
	if !c.Status.IsValid() {
		return FieldErrorf("status", "%q is not a valid InitiativeStatus", c.Status)
	}
	if c.On.IsZero() {
		return FieldErrorf("on", "is required")
	}
	return OptionalText("note", c.Note, MaxNoteLength)
}

// InitiativeSession links an initiative to a session where it was raised.
type InitiativeSession struct {
	InitiativeID int64 `gorm:"primaryKey"`
	SessionID    int64 `gorm:"primaryKey"`
}

// InitiativeTopic links an initiative to a topic.
type InitiativeTopic struct {
	InitiativeID int64 `gorm:"primaryKey"`
	TopicID      int64 `gorm:"primaryKey"`
}
