package model

import "time"

// Platform is a standing diplomatic format, organisation, forum or dialogue, such as C5+1,
// under which sessions are held and initiatives launched.
type Platform struct {
	ID          int64
	Slug        string
	Name        string
	FullName    *string
	Description *string
	Kind        PlatformKind
	Founded     *Date
	Dissolved   *Date
	Website     *string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NodeID returns the platform's opaque global ID.
func (p *Platform) NodeID() string { return IntID(TypePlatform, p.ID) }

// IsNode marks Platform as a GraphQL Node.
func (Platform) IsNode() {}

// Validate checks the platform's own fields.
func (p *Platform) Validate() error {
	if err := ValidateSlug("slug", p.Slug); err != nil {
		return err
	}
	if err := RequireText("name", p.Name, MaxNameLength); err != nil {
		return err
	}
	if !p.Kind.IsValid() {
		return FieldErrorf("kind", "%q is not a valid PlatformKind", p.Kind)
	}
	if err := OptionalText("fullName", p.FullName, MaxTitleLength); err != nil {
		return err
	}
	if err := OptionalText("description", p.Description, MaxTextLength); err != nil {
		return err
	}
	if err := ValidateURL("website", p.Website); err != nil {
		return err
	}
	return ValidateRange("dissolved", p.Founded, p.Dissolved)
}

// PlatformMember is a country's time-bounded membership of a platform. Since and Until
// are nil when unknown or open-ended.
type PlatformMember struct {
	ID          int64
	PlatformID  int64
	CountryCode string
	Role        MembershipRole
	Since       *Date
	Until       *Date
}

// Validate checks the membership's own fields.
func (m *PlatformMember) Validate() error {
	if !m.Role.IsValid() {
		return FieldErrorf("role", "%q is not a valid MembershipRole", m.Role)
	}
	return ValidateRange("until", m.Since, m.Until)
}

// ActiveOn reports whether the membership covers any part of the period d.
func (m *PlatformMember) ActiveOn(d Date) bool {
	return spanCovers(m.Since, m.Until, d)
}

// spanCovers reports whether the span [from, to] (open where nil) overlaps the period d.
func spanCovers(from, to *Date, d Date) bool {
	if from != nil && from.Key() > d.LastKey() {
		return false
	}
	if to != nil && to.LastKey() < d.Key() {
		return false
	}
	return true
}
