package graph

import (
	"context"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// Every relation of the schema, declared once (relation.go says what a handle owns). The
// order of the types is the order the prefetcher loads a level in.

// Loaders of records by key, shared by the to-one relations to a type.
func countryL(l *Loaders) *batch[string, *model.Country]  { return l.Country }
func platformL(l *Loaders) *batch[int64, *model.Platform] { return l.Platform }
func sessionL(l *Loaders) *batch[int64, *model.Session]   { return l.Session }
func officialL(l *Loaders) *batch[int64, *model.Official] { return l.Official }
func sourceL(l *Loaders) *batch[int64, *model.Source]     { return l.Source }

func platformID(x *model.Platform) int64     { return x.ID }
func sessionID(x *model.Session) int64       { return x.ID }
func officialID(x *model.Official) int64     { return x.ID }
func initiativeID(x *model.Initiative) int64 { return x.ID }
func statementID(x *model.Statement) int64   { return x.ID }
func entryID(x *model.TimelineEntry) int64   { return x.ID }
func storeOf[V any](f func(*db.Store, context.Context, []int64) (map[int64][]*V, error)) func(*db.Store) func(context.Context, []int64) (map[int64][]*V, error) {
	return func(s *db.Store) func(context.Context, []int64) (map[int64][]*V, error) {
		return func(ctx context.Context, ids []int64) (map[int64][]*V, error) { return f(s, ctx, ids) }
	}
}

var (
	platformMembers     = many("Platform", "members", platformID, storeOf((*db.Store).MembersByPlatform))
	platformInitiatives = many("Platform", "initiatives", platformID, storeOf((*db.Store).InitiativesByPlatform))
	platformCitations   = cites("Platform", model.TypePlatform, platformID)
	platformSources     = sourcesOf(platformCitations)

	memberPlatform = must("PlatformMember", "platform", func(x *model.PlatformMember) int64 { return x.PlatformID }, platformL)
	memberCountry  = must("PlatformMember", "country", func(x *model.PlatformMember) string { return x.CountryCode }, countryL)

	sessionPlatform         = one("Session", "platform", func(x *model.Session) *int64 { return x.PlatformID }, platformL)
	sessionParent           = one("Session", "parent", func(x *model.Session) *int64 { return x.ParentID }, sessionL)
	sessionHostCountry      = one("Session", "hostCountry", func(x *model.Session) *string { return x.HostCountryCode }, countryL)
	sessionLocation         = embedValue("Session", "location", func(x *model.Session) *model.Location { return present(&x.Location) })
	sessionChildren         = many("Session", "children", sessionID, storeOf((*db.Store).ChildrenBySession))
	sessionSubjectCountries = many("Session", "subjectCountries", sessionID, storeOf((*db.Store).SubjectCountriesBySession))
	sessionTopics           = many("Session", "topics", sessionID, storeOf((*db.Store).TopicsBySession))
	sessionParticipants     = many("Session", "participants", sessionID, storeOf((*db.Store).ParticipantsBySession))
	sessionStatements       = many("Session", "statements", sessionID, storeOf((*db.Store).StatementsBySession))
	sessionInitiatives      = many("Session", "initiatives", sessionID, storeOf((*db.Store).InitiativesBySession))
	sessionCitations        = cites("Session", model.TypeSession, sessionID)
	sessionSources          = sourcesOf(sessionCitations)

	participantSession  = must("Participant", "session", func(x *model.Participant) int64 { return x.SessionID }, sessionL)
	participantOfficial = must("Participant", "official", func(x *model.Participant) int64 { return x.OfficialID }, officialL)
	participantCountry  = one("Participant", "country", func(x *model.Participant) *string { return x.CountryCode }, countryL)

	officialCountry     = one("Official", "country", func(x *model.Official) *string { return x.CountryCode }, countryL)
	officialPositions   = many("Official", "positions", officialID, storeOf((*db.Store).PositionsByOfficial))
	officialStatements  = many("Official", "statements", officialID, storeOf((*db.Store).StatementsByOfficial))
	officialInitiatives = many("Official", "initiatives", officialID, storeOf((*db.Store).InitiativesByProposer))

	positionOfficial = must("Position", "official", func(x *model.Position) int64 { return x.OfficialID }, officialL)
	positionCountry  = one("Position", "country", func(x *model.Position) *string { return x.CountryCode }, countryL)

	initiativeStatusHistory = many("Initiative", "statusHistory", initiativeID, storeOf((*db.Store).StatusHistoryByInitiative))
	initiativeProposedBy    = one("Initiative", "proposedBy", func(x *model.Initiative) *int64 { return x.ProposedByID }, officialL)
	initiativeCountry       = one("Initiative", "country", func(x *model.Initiative) *string { return x.CountryCode }, countryL)
	initiativeLocation      = embedValue("Initiative", "location", func(x *model.Initiative) *model.Location { return present(&x.Location) })
	initiativePlatform      = one("Initiative", "platform", func(x *model.Initiative) *int64 { return x.PlatformID }, platformL)
	initiativeSessions      = many("Initiative", "sessions", initiativeID, storeOf((*db.Store).SessionsByInitiative))
	initiativeTopics        = many("Initiative", "topics", initiativeID, storeOf((*db.Store).TopicsByInitiative))
	initiativeCitations     = cites("Initiative", model.TypeInitiative, initiativeID)
	initiativeSources       = sourcesOf(initiativeCitations)

	statementOfficial  = must("Statement", "official", func(x *model.Statement) int64 { return x.OfficialID }, officialL)
	statementSession   = one("Statement", "session", func(x *model.Statement) *int64 { return x.SessionID }, sessionL)
	statementCitations = cites("Statement", model.TypeStatement, statementID)
	statementSources   = sourcesOf(statementCitations)

	citationSource = must("Citation", "source", func(x *model.Citation) int64 { return x.SourceID }, sourceL)

	locationCountry = one("Location", "country", func(x *model.Location) *string { return x.CountryCode }, countryL)

	entrySubject   = declare[model.TimelineEntry](&custom[model.TimelineEntry, TimelineSubject]{field: field{"TimelineEntry", "subject"}, load: loadEntrySubject, prefetchAll: primeEntrySubjects})
	entryPlatform  = one("TimelineEntry", "platform", func(x *model.TimelineEntry) *int64 { return x.PlatformID }, platformL)
	entryCountries = many("TimelineEntry", "countries", entryID, storeOf((*db.Store).CountriesByEntry))
	entryTopics    = many("TimelineEntry", "topics", entryID, storeOf((*db.Store).TopicsByEntry))
	entrySources   = declare[model.TimelineEntry](&custom[model.TimelineEntry, []*model.Source]{field: field{"TimelineEntry", "sources"}, load: loadEntrySources, prefetchAll: primeEntrySources, isList: true})
)

// present returns a location, or nil when it has nothing set.
func present(l *model.Location) *model.Location {
	if l.IsZero() {
		return nil
	}
	return l
}

// loadEntrySubject loads the record a timeline entry comes from.
func loadEntrySubject(ctx context.Context, l *Loaders, e *model.TimelineEntry) (TimelineSubject, error) {
	typ, id := e.SubjectRef()
	n, err := l.thunk(ctx, typ, id)()
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, errMissingRelated
	}
	s, _ := n.(TimelineSubject)
	return s, nil
}

// primeEntrySubjects loads the subjects of entries, of several types: one statement per type.
func primeEntrySubjects(ctx context.Context, l *Loaders, items []*model.TimelineEntry) []any {
	keys := map[string][]int64{}
	var types []string
	for _, e := range items {
		typ, id := e.SubjectRef()
		if keys[typ] == nil {
			types = append(types, typ)
		}
		keys[typ] = append(keys[typ], id)
	}
	var out []any
	for _, typ := range types {
		ids := keys[typ]
		switch typ {
		case model.TypePlatform:
			out = append(out, nonNil(l.Platform.prime(ctx, ids))...)
		case model.TypeSession:
			out = append(out, nonNil(l.Session.prime(ctx, ids))...)
		case model.TypeInitiative:
			out = append(out, nonNil(l.Initiative.prime(ctx, ids))...)
		case model.TypeOfficial:
			out = append(out, nonNil(l.Official.prime(ctx, ids))...)
		case model.TypeStatement:
			out = append(out, nonNil(l.Statement.prime(ctx, ids))...)
		}
	}
	return out
}

// loadEntrySources loads the sources an entry's subject cites; a subject of a type that
// cites nothing (an official) has none.
func loadEntrySources(ctx context.Context, l *Loaders, e *model.TimelineEntry) ([]*model.Source, error) {
	typ, id := e.SubjectRef()
	c, ok := citationsByType[typ]
	if !ok {
		return []*model.Source{}, nil
	}
	cs, err := c.loader(l).Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return loadSources(ctx, l, cs)
}

// primeEntrySources loads the sources the subjects of entries cite.
func primeEntrySources(ctx context.Context, l *Loaders, items []*model.TimelineEntry) []any {
	byType := map[string][]int64{}
	var types []string
	for _, e := range items {
		typ, id := e.SubjectRef()
		if _, ok := citationsByType[typ]; !ok {
			continue
		}
		if byType[typ] == nil {
			types = append(types, typ)
		}
		byType[typ] = append(byType[typ], id)
	}
	var lists [][]*model.Citation
	for _, typ := range types {
		lists = append(lists, citationsByType[typ].loader(l).prime(ctx, byType[typ])...)
	}
	return primeSources(ctx, l, lists)
}
