package model

import "time"

// Official is a person who acts for a state or organisation: a minister, an envoy, a
// head of state. What posts they held, and when, are Positions.
type Official struct {
	ID          int64
	Slug        string
	Name        string
	OtherNames  []string `gorm:"serializer:json"`
	CountryCode *string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NodeID returns the official's opaque global ID.
func (o *Official) NodeID() string { return IntID(TypeOfficial, o.ID) }

// IsNode marks Official as a GraphQL Node.
func (Official) IsNode() {}

// Validate checks the official's own fields.
func (o *Official) Validate() error {
	if err := ValidateSlug("slug", o.Slug); err != nil {
		return err
	}
	if err := RequireText("name", o.Name, MaxNameLength); err != nil {
		return err
	}
	if len(o.OtherNames) > MaxOtherNames {
		return FieldErrorf("otherNames", "at most %d names", MaxOtherNames)
	}
	for _, n := range o.OtherNames {
		if err := RequireText("otherNames", n, MaxNameLength); err != nil {
			return err
		}
	}
	return nil
}

// Position is a post an official held, from Start to End (nil when unknown or ongoing).
type Position struct {
	ID           int64
	OfficialID   int64
	Title        string
	Organization *string
	CountryCode  *string
	Start        *Date `gorm:"column:start_date"`
	End          *Date `gorm:"column:end_date"`
}

// Validate checks the position's own fields.
func (p *Position) Validate() error {
	if err := RequireText("title", p.Title, MaxLabelLength); err != nil {
		return err
	}
	if err := OptionalText("organization", p.Organization, MaxLabelLength); err != nil {
		return err
	}
	return ValidateRange("end", p.Start, p.End)
}

// HeldOn reports whether the position was held during any part of the period d.
func (p *Position) HeldOn(d Date) bool {
	return spanCovers(p.Start, p.End, d)
}
