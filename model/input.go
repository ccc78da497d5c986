package model

// The inputs of the store's writes.

// Patch is one field of an update: Set says whether the update gives the field at all
// (a field left out stays as it is), Value what the field becomes; for an optional field
// a nil Value clears it.
type Patch[T any] struct {
	Set   bool
	Value T
}

// InitiativeInput is the input of a create.
type InitiativeInput struct {
	Slug        string
	Title       string
	Description *string
	// Initial status, PROPOSED when omitted; recorded in the history on `proposedOn` when that is given.
	Status       *InitiativeStatus
	ProposedOn   *Date
	ProposedByID *string
	CountryCode  *string
	Location     *LocationInput
	PlatformID   *string
	SessionIds   []string
	TopicIds     []string
}

// Fields to change; an omitted field is left as it is, an explicit null clears it. Lists replace the old list. Use setInitiativeStatus to change the status.
type InitiativePatch struct {
	Slug         Patch[*string]
	Title        Patch[*string]
	Description  Patch[*string]
	ProposedOn   Patch[*Date]
	ProposedByID Patch[*string]
	CountryCode  Patch[*string]
	Location     Patch[*LocationInput]
	PlatformID   Patch[*string]
	SessionIds   Patch[[]string]
	TopicIds     Patch[[]string]
}

// A location as input; `countryCode` is an ISO 3166-1 alpha-2 code.
type LocationInput struct {
	City        *string
	CountryCode *string
	Venue       *string
	Latitude    *float64
	Longitude   *float64
}

// OfficialInput is the input of a create.
type OfficialInput struct {
	Slug        string
	Name        string
	OtherNames  []string
	CountryCode *string
}

// Fields to change; an omitted field is left as it is, an explicit null clears it.
type OfficialPatch struct {
	Slug        Patch[*string]
	Name        Patch[*string]
	OtherNames  Patch[[]string]
	CountryCode Patch[*string]
}

// PlatformInput is the input of a create.
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

// Fields to change; an omitted field is left as it is, an explicit null clears it.
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

// SessionInput is the input of a create.
type SessionInput struct {
	Slug                string
	Title               string
	Kind                SessionKind
	PlatformID          *string
	ParentID            *string
	Start               Date
	End                 *Date
	Location            *LocationInput
	HostCountryCode     *string
	SubjectCountryCodes []string
	TopicIds            []string
	Summary             *string
}

// Fields to change; an omitted field is left as it is, an explicit null clears it. Lists replace the old list.
type SessionPatch struct {
	Slug                Patch[*string]
	Title               Patch[*string]
	Kind                Patch[*SessionKind]
	PlatformID          Patch[*string]
	ParentID            Patch[*string]
	Start               Patch[*Date]
	End                 Patch[*Date]
	Location            Patch[*LocationInput]
	HostCountryCode     Patch[*string]
	SubjectCountryCodes Patch[[]string]
	TopicIds            Patch[[]string]
	Summary             Patch[*string]
}

// SourceInput is the input of a create.
type SourceInput struct {
	Title       string
	Publisher   *string
	URL         *string
	PublishedOn *Date
	Language    *string
	Excerpt     *string
}

// Fields to change; an omitted field is left as it is, an explicit null clears it.
type SourcePatch struct {
	Title       Patch[*string]
	Publisher   Patch[*string]
	URL         Patch[*string]
	PublishedOn Patch[*Date]
	Language    Patch[*string]
	Excerpt     Patch[*string]
}

// StatementInput is the input of a create.
type StatementInput struct {
	OfficialID string
	SessionID  *string
	Date       Date
	Text       string
}

// Fields to change; an omitted field is left as it is, an explicit null clears it.
type StatementPatch struct {
	OfficialID Patch[*string]
	SessionID  Patch[*string]
	Date       Patch[*Date]
	Text       Patch[*string]
}

// TopicInput is the input of a create.
type TopicInput struct {
	Slug        string
	Name        string
	Description *string
}

// Fields to change; an omitted field is left as it is, an explicit null clears it.
type TopicPatch struct {
	Slug        Patch[*string]
	Name        Patch[*string]
	Description Patch[*string]
}
