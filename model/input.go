package model

// The inputs of the store's writes. References to records are their primary keys (the
// store checks that they exist), countries are ISO codes. The GraphQL inputs without IDs
// or omittable fields bind to these as they are; graph turns the others into them.

// Patch is one field of an update: Set says whether the update gives the field at all
// (a field left out stays as it is), Value what the field becomes; for an optional field
// a nil Value clears it.
type Patch[T any] struct {
	Set   bool
	Value T
}

// PlatformInput is a new platform.
type PlatformInput struct {
	Slug        string
	Name        string
	FullName    *string
	Description *string
	Kind        PlatformKind
	Founded     *Date
	Dissolved   *Date
	Website     *string
}

// PlatformPatch changes a platform.
type PlatformPatch struct {
	Slug        Patch[*string]
	Name        Patch[*string]
	FullName    Patch[*string]
	Description Patch[*string]
	Kind        Patch[*PlatformKind]
	Founded     Patch[*Date]
	Dissolved   Patch[*Date]
	Website     Patch[*string]
}

// SessionInput is a new session.
type SessionInput struct {
	Slug            string
	Title           string
	Kind            SessionKind
	PlatformID      *int64
	ParentID        *int64
	Start           Date
	End             *Date
	Location        *Location
	HostCountryCode *string
	// SubjectCountryCodes and TopicIDs, when not nil, are linked to the session.
	SubjectCountryCodes []string
	TopicIDs            []int64
	Summary             *string
}

// SessionPatch changes a session; a list replaces the old one, and so does the location.
type SessionPatch struct {
	Slug                Patch[*string]
	Title               Patch[*string]
	Kind                Patch[*SessionKind]
	PlatformID          Patch[*int64]
	ParentID            Patch[*int64]
	Start               Patch[*Date]
	End                 Patch[*Date]
	Location            Patch[*Location]
	HostCountryCode     Patch[*string]
	SubjectCountryCodes Patch[[]string]
	TopicIDs            Patch[[]int64]
	Summary             Patch[*string]
}

// OfficialInput is a new official.
type OfficialInput struct {
	Slug        string
	Name        string
	OtherNames  []string
	CountryCode *string
}

// OfficialPatch changes an official; OtherNames replaces the old list.
type OfficialPatch struct {
	Slug        Patch[*string]
	Name        Patch[*string]
	OtherNames  Patch[[]string]
	CountryCode Patch[*string]
}

// InitiativeInput is a new initiative.
type InitiativeInput struct {
	Slug        string
	Title       string
	Description *string
	// Status is the initial status, PROPOSED when nil; it is recorded in the history on
	// ProposedOn when that is given.
	Status       *InitiativeStatus
	ProposedOn   *Date
	ProposedByID *int64
	CountryCode  *string
	Location     *Location
	PlatformID   *int64
	// SessionIDs and TopicIDs, when not nil, are linked to the initiative.
	SessionIDs []int64
	TopicIDs   []int64
}

// InitiativePatch changes an initiative (but not its status, which changes by status
// changes); a list replaces the old one, and so does the location.
type InitiativePatch struct {
	Slug         Patch[*string]
	Title        Patch[*string]
	Description  Patch[*string]
	ProposedOn   Patch[*Date]
	ProposedByID Patch[*int64]
	CountryCode  Patch[*string]
	Location     Patch[*Location]
	PlatformID   Patch[*int64]
	SessionIDs   Patch[[]int64]
	TopicIDs     Patch[[]int64]
}

// StatementInput is a new statement.
type StatementInput struct {
	OfficialID int64
	SessionID  *int64
	Date       Date
	Text       string
}

// StatementPatch changes a statement.
type StatementPatch struct {
	OfficialID Patch[*int64]
	SessionID  Patch[*int64]
	Date       Patch[*Date]
	Text       Patch[*string]
}

// TopicInput is a new topic.
type TopicInput struct {
	Slug        string
	Name        string
	Description *string
}

// TopicPatch changes a topic.
type TopicPatch struct {
	Slug        Patch[*string]
	Name        Patch[*string]
	Description Patch[*string]
}

// SourceInput is a new source.
type SourceInput struct {
	Title       string
	Publisher   *string
	URL         *string
	PublishedOn *Date
	Language    *string
	Excerpt     *string
}

// SourcePatch changes a source.
type SourcePatch struct {
	Title       Patch[*string]
	Publisher   Patch[*string]
	URL         Patch[*string]
	PublishedOn Patch[*Date]
	Language    Patch[*string]
	Excerpt     Patch[*string]
}
