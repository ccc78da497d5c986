package model

import "github.com/99designs/gqlgen/graphql"

// The inputs of the store's writes.

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
	Slug         graphql.Omittable[*string]
	Title        graphql.Omittable[*string]
	Description  graphql.Omittable[*string]
	ProposedOn   graphql.Omittable[*Date]
	ProposedByID graphql.Omittable[*string]
	CountryCode  graphql.Omittable[*string]
	Location     graphql.Omittable[*LocationInput]
	PlatformID   graphql.Omittable[*string]
	SessionIds   graphql.Omittable[[]string]
	TopicIds     graphql.Omittable[[]string]
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
	Slug        graphql.Omittable[*string]
	Name        graphql.Omittable[*string]
	OtherNames  graphql.Omittable[[]string]
	CountryCode graphql.Omittable[*string]
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
	Slug        graphql.Omittable[*string]
	Name        graphql.Omittable[*string]
	FullName    graphql.Omittable[*string]
	Description graphql.Omittable[*string]
	Kind        graphql.Omittable[*PlatformKind]
	Founded     graphql.Omittable[*Date]
	Dissolved   graphql.Omittable[*Date]
	Website     graphql.Omittable[*string]
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
	Slug                graphql.Omittable[*string]
	Title               graphql.Omittable[*string]
	Kind                graphql.Omittable[*SessionKind]
	PlatformID          graphql.Omittable[*string]
	ParentID            graphql.Omittable[*string]
	Start               graphql.Omittable[*Date]
	End                 graphql.Omittable[*Date]
	Location            graphql.Omittable[*LocationInput]
	HostCountryCode     graphql.Omittable[*string]
	SubjectCountryCodes graphql.Omittable[[]string]
	TopicIds            graphql.Omittable[[]string]
	Summary             graphql.Omittable[*string]
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
	Title       graphql.Omittable[*string]
	Publisher   graphql.Omittable[*string]
	URL         graphql.Omittable[*string]
	PublishedOn graphql.Omittable[*Date]
	Language    graphql.Omittable[*string]
	Excerpt     graphql.Omittable[*string]
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
	OfficialID graphql.Omittable[*string]
	SessionID  graphql.Omittable[*string]
	Date       graphql.Omittable[*Date]
	Text       graphql.Omittable[*string]
}

// TopicInput is the input of a create.
type TopicInput struct {
	Slug        string
	Name        string
	Description *string
}

// Fields to change; an omitted field is left as it is, an explicit null clears it.
type TopicPatch struct {
	Slug        graphql.Omittable[*string]
	Name        graphql.Omittable[*string]
	Description graphql.Omittable[*string]
}
