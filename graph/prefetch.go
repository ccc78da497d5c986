package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"diplomacy-timeline/model"
)

// Prefetching makes batching independent of timing. A dataloader batches the keys that
// arrive within its wait window, but resolvers of a large page run in many goroutines and
// on a busy machine some arrive late and start a second batch. So, when a root field has
// resolved, prefetch walks the selection set the client sent and loads every relation it
// names level by level — one batch per relation per level, all keys of a level queued at
// once — priming the request's loaders. The field resolvers then find everything in the
// loaders' caches, and the SQL statements of a request depend on its shape, not on its
// page size. Nested connections (a platform's sessions) are paginated per parent and not
// prefetched.

// prefetchRoot resolves a root field and prefetches below its result.
func prefetchRoot(ctx context.Context, fc *graphql.FieldContext, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		p := &prefetcher{ctx: ctx, l: l, oc: graphql.GetOperationContext(ctx)}
		p.walk([]any{res}, fc.Field.Selections)
	}
	return res, err
}

// prefetcher walks one root field's result.
type prefetcher struct {
	ctx context.Context
	l   *Loaders
	oc  *graphql.OperationContext
}

// relation loads one relation of a batch of records, priming the loaders, and returns a
// function that gives the related records.
type relation[T any] func(p *prefetcher, items []*T) func() []any

// walk prefetches the selection below values, which may be records, lists of records or
// connections of any type.
func (p *prefetcher) walk(values []any, sel ast.SelectionSet) {
	var (
		platforms    []*model.Platform
		members      []*model.PlatformMember
		sessions     []*model.Session
		participants []*model.Participant
		officials    []*model.Official
		positions    []*model.Position
		initiatives  []*model.Initiative
		statements   []*model.Statement
		citations    []*model.Citation
		locations    []*model.Location
		entries      []*model.TimelineEntry
	)
	for _, v := range values {
		if isNil(v) {
			continue
		}
		switch x := v.(type) {
		case *model.Platform:
			platforms = append(platforms, x)
		case *model.PlatformMember:
			members = append(members, x)
		case *model.Session:
			sessions = append(sessions, x)
		case *model.Participant:
			participants = append(participants, x)
		case *model.Official:
			officials = append(officials, x)
		case *model.Position:
			positions = append(positions, x)
		case *model.Initiative:
			initiatives = append(initiatives, x)
		case *model.Statement:
			statements = append(statements, x)
		case *model.Citation:
			citations = append(citations, x)
		case *model.Location:
			locations = append(locations, x)
		case *model.TimelineEntry:
			entries = append(entries, x)
		case *model.TimelineConnection:
			p.connection("Timeline", x.Nodes, sel)
		case *model.SearchConnection:
			p.connection("Search", x.Nodes, sel)
		case []model.Node:
			for _, n := range x {
				if n != nil {
					values = append(values, n)
				}
			}
		case *model.PlatformConnection:
			p.connection("Platform", x.Nodes, sel)
		case *model.SessionConnection:
			p.connection("Session", x.Nodes, sel)
		case *model.OfficialConnection:
			p.connection("Official", x.Nodes, sel)
		case *model.InitiativeConnection:
			p.connection("Initiative", x.Nodes, sel)
		case *model.StatementConnection:
			p.connection("Statement", x.Nodes, sel)
		}
	}
	// Load every relation of every type of this level, in a fixed order, then go a level down.
	var waits []func()
	waits = append(waits, start(p, "Platform", platforms, sel, platformRelations)...)
	waits = append(waits, start(p, "PlatformMember", members, sel, memberRelations)...)
	waits = append(waits, start(p, "Session", sessions, sel, sessionRelations)...)
	waits = append(waits, start(p, "Participant", participants, sel, participantRelations)...)
	waits = append(waits, start(p, "Official", officials, sel, officialRelations)...)
	waits = append(waits, start(p, "Position", positions, sel, positionRelations)...)
	waits = append(waits, start(p, "Initiative", initiatives, sel, initiativeRelations)...)
	waits = append(waits, start(p, "Statement", statements, sel, statementRelations)...)
	waits = append(waits, start(p, "Citation", citations, sel, citationRelations)...)
	waits = append(waits, start(p, "Location", locations, sel, locationRelations)...)
	waits = append(waits, start(p, "TimelineEntry", entries, sel, entryRelations)...)
	for _, w := range waits {
		w()
	}
}

// connection prefetches below the nodes of a connection, reached by nodes or edges.node.
func (p *prefetcher) connection(typeName string, nodes any, sel ast.SelectionSet) {
	var items []any
	switch ns := nodes.(type) {
	case []*model.Platform:
		items = anys(ns)
	case []*model.Session:
		items = anys(ns)
	case []*model.Official:
		items = anys(ns)
	case []*model.Initiative:
		items = anys(ns)
	case []*model.Statement:
		items = anys(ns)
	case []*model.TimelineEntry:
		items = anys(ns)
	case []model.SearchResult:
		for _, n := range ns {
			items = append(items, n)
		}
	}
	if len(items) == 0 {
		return
	}
	for _, f := range graphql.CollectFields(p.oc, sel, []string{typeName + "Connection"}) {
		switch f.Name {
		case "nodes":
			p.walk(items, f.Selections)
		case "edges":
			for _, e := range graphql.CollectFields(p.oc, f.Selections, []string{typeName + "Edge"}) {
				if e.Name == "node" {
					p.walk(items, e.Selections)
				}
			}
		}
	}
}

// start begins loading each relation of items that the selection names and returns the
// waits that finish the load and prefetch below it.
func start[T any](p *prefetcher, typeName string, items []*T, sel ast.SelectionSet, rels map[string]relation[T]) []func() {
	if len(items) == 0 {
		return nil
	}
	var waits []func()
	for _, f := range graphql.CollectFields(p.oc, sel, []string{typeName, "Node", "TimelineSubject", "SearchResult"}) {
		rel, ok := rels[f.Name]
		if !ok {
			continue
		}
		wait, below := rel(p, items), f.Selections
		waits = append(waits, func() { p.walk(wait(), below) })
	}
	return waits
}

// isNil reports whether v is nil or a nil pointer (a lookup that found nothing).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

func anys[T any](in []*T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// toOne is a relation to at most one record, by an optional key.
func toOne[T any, K comparable, V any](key func(*T) *K, loader func(*Loaders) *batch[K, *V]) relation[T] {
	return func(p *prefetcher, items []*T) func() []any {
		keys := make([]K, 0, len(items))
		for _, it := range items {
			if k := key(it); k != nil {
				keys = append(keys, *k)
			}
		}
		return p.now(func() []any { return nonNil(loader(p.l).prime(p.ctx, keys)) })
	}
}

// toMany is a relation to a list of records, by the owner's key.
func toMany[T any, V any](key func(*T) int64, loader func(*Loaders) *batch[int64, []*V]) relation[T] {
	return func(p *prefetcher, items []*T) func() []any {
		keys := make([]int64, len(items))
		for i, it := range items {
			keys[i] = key(it)
		}
		return p.now(func() []any {
			var out []any
			for _, l := range loader(p.l).prime(p.ctx, keys) {
				out = append(out, anys(l)...)
			}
			return out
		})
	}
}

// now runs a load at once and returns its result as a wait. The loads run one after another in
// the order of the query's fields, so which statements run depends on the query and the
// data alone: a relation that needs records an earlier one loaded finds them primed.
func (p *prefetcher) now(load func() []any) func() []any {
	out := load()
	return func() []any { return out }
}

// nonNil returns the non-nil records of vs.
func nonNil[V any](vs []*V) []any {
	out := make([]any, 0, len(vs))
	for _, v := range vs {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

// citedSources is the relation from a citing record to the sources of its citations.
func citedSources[T any](typ string, key func(*T) int64) relation[T] {
	return func(p *prefetcher, items []*T) func() []any {
		keys := make([]int64, len(items))
		for i, it := range items {
			keys[i] = key(it)
		}
		return p.now(func() []any {
			var sources []int64
			for _, cs := range p.l.Citations[typ].prime(p.ctx, keys) {
				for _, c := range cs {
					sources = append(sources, c.SourceID)
				}
			}
			return nonNil(p.l.Source.prime(p.ctx, sources))
		})
	}
}

// citationsRel is the relation from a citing record to its citations.
func citationsRel[T any](typ string, key func(*T) int64) relation[T] {
	return toMany(key, func(l *Loaders) *batch[int64, []*model.Citation] { return l.Citations[typ] })
}

// embeddedLocation is the relation to a record's location, which needs no loading.
func embeddedLocation[T any](loc func(*T) *model.Location) relation[T] {
	return func(p *prefetcher, items []*T) func() []any {
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = loc(it)
		}
		return func() []any { return out }
	}
}

// Loader selectors.
func countryL(l *Loaders) *batch[string, *model.Country]  { return l.Country }
func platformL(l *Loaders) *batch[int64, *model.Platform] { return l.Platform }
func sessionL(l *Loaders) *batch[int64, *model.Session]   { return l.Session }
func officialL(l *Loaders) *batch[int64, *model.Official] { return l.Official }
func sourceL(l *Loaders) *batch[int64, *model.Source]     { return l.Source }
func platformID(x *model.Platform) int64                  { return x.ID }
func sessionID(x *model.Session) int64                    { return x.ID }
func officialID(x *model.Official) int64                  { return x.ID }
func initiativeID(x *model.Initiative) int64              { return x.ID }
func statementID(x *model.Statement) int64                { return x.ID }

var platformRelations = map[string]relation[model.Platform]{
	"members":     toMany(platformID, func(l *Loaders) *batch[int64, []*model.PlatformMember] { return l.MembersByPlatform }),
	"initiatives": toMany(platformID, func(l *Loaders) *batch[int64, []*model.Initiative] { return l.InitiativesByPlatform }),
	"sources":     citedSources(model.TypePlatform, platformID),
	"citations":   citationsRel(model.TypePlatform, platformID),
}

var memberRelations = map[string]relation[model.PlatformMember]{
	"platform": toOne(func(x *model.PlatformMember) *int64 { return &x.PlatformID }, platformL),
	"country":  toOne(func(x *model.PlatformMember) *string { return &x.CountryCode }, countryL),
}

var sessionRelations = map[string]relation[model.Session]{
	"platform":         toOne(func(x *model.Session) *int64 { return x.PlatformID }, platformL),
	"parent":           toOne(func(x *model.Session) *int64 { return x.ParentID }, sessionL),
	"hostCountry":      toOne(func(x *model.Session) *string { return x.HostCountryCode }, countryL),
	"location":         embeddedLocation(func(x *model.Session) *model.Location { return &x.Location }),
	"children":         toMany(sessionID, func(l *Loaders) *batch[int64, []*model.Session] { return l.ChildrenBySession }),
	"subjectCountries": toMany(sessionID, func(l *Loaders) *batch[int64, []*model.Country] { return l.SubjectCountriesBySession }),
	"topics":           toMany(sessionID, func(l *Loaders) *batch[int64, []*model.Topic] { return l.TopicsBySession }),
	"participants":     toMany(sessionID, func(l *Loaders) *batch[int64, []*model.Participant] { return l.ParticipantsBySession }),
	"statements":       toMany(sessionID, func(l *Loaders) *batch[int64, []*model.Statement] { return l.StatementsBySession }),
	"initiatives":      toMany(sessionID, func(l *Loaders) *batch[int64, []*model.Initiative] { return l.InitiativesBySession }),
	"sources":          citedSources(model.TypeSession, sessionID),
	"citations":        citationsRel(model.TypeSession, sessionID),
}

var participantRelations = map[string]relation[model.Participant]{
	"session":  toOne(func(x *model.Participant) *int64 { return &x.SessionID }, sessionL),
	"official": toOne(func(x *model.Participant) *int64 { return &x.OfficialID }, officialL),
	"country":  toOne(func(x *model.Participant) *string { return x.CountryCode }, countryL),
}

var officialRelations = map[string]relation[model.Official]{
	"country":     toOne(func(x *model.Official) *string { return x.CountryCode }, countryL),
	"positions":   toMany(officialID, func(l *Loaders) *batch[int64, []*model.Position] { return l.PositionsByOfficial }),
	"statements":  toMany(officialID, func(l *Loaders) *batch[int64, []*model.Statement] { return l.StatementsByOfficial }),
	"initiatives": toMany(officialID, func(l *Loaders) *batch[int64, []*model.Initiative] { return l.InitiativesByProposer }),
}

var positionRelations = map[string]relation[model.Position]{
	"official": toOne(func(x *model.Position) *int64 { return &x.OfficialID }, officialL),
	"country":  toOne(func(x *model.Position) *string { return x.CountryCode }, countryL),
}

var initiativeRelations = map[string]relation[model.Initiative]{
	"statusHistory": toMany(initiativeID, func(l *Loaders) *batch[int64, []*model.InitiativeStatusChange] {
		return l.StatusHistoryByInitiative
	}),
	"proposedBy": toOne(func(x *model.Initiative) *int64 { return x.ProposedByID }, officialL),
	"country":    toOne(func(x *model.Initiative) *string { return x.CountryCode }, countryL),
	"location":   embeddedLocation(func(x *model.Initiative) *model.Location { return &x.Location }),
	"platform":   toOne(func(x *model.Initiative) *int64 { return x.PlatformID }, platformL),
	"sessions":   toMany(initiativeID, func(l *Loaders) *batch[int64, []*model.Session] { return l.SessionsByInitiative }),
	"topics":     toMany(initiativeID, func(l *Loaders) *batch[int64, []*model.Topic] { return l.TopicsByInitiative }),
	"sources":    citedSources(model.TypeInitiative, initiativeID),
	"citations":  citationsRel(model.TypeInitiative, initiativeID),
}

var statementRelations = map[string]relation[model.Statement]{
	"official":  toOne(func(x *model.Statement) *int64 { return &x.OfficialID }, officialL),
	"session":   toOne(func(x *model.Statement) *int64 { return x.SessionID }, sessionL),
	"sources":   citedSources(model.TypeStatement, statementID),
	"citations": citationsRel(model.TypeStatement, statementID),
}

var citationRelations = map[string]relation[model.Citation]{
	"source": toOne(func(x *model.Citation) *int64 { return &x.SourceID }, sourceL),
}

var locationRelations = map[string]relation[model.Location]{
	"country": toOne(func(x *model.Location) *string { return x.CountryCode }, countryL),
}

// entrySubjects is the relation from timeline entries to the records they come from, of
// several types: one statement per type.
func entrySubjects(p *prefetcher, items []*model.TimelineEntry) func() []any {
	keys := map[string][]int64{}
	for _, e := range items {
		typ, id := e.SubjectRef()
		keys[typ] = append(keys[typ], id)
	}
	return p.now(func() []any {
		var out []any
		for typ, ids := range keys {
			switch typ {
			case model.TypePlatform:
				out = append(out, nonNil(p.l.Platform.prime(p.ctx, ids))...)
			case model.TypeSession:
				out = append(out, nonNil(p.l.Session.prime(p.ctx, ids))...)
			case model.TypeInitiative:
				out = append(out, nonNil(p.l.Initiative.prime(p.ctx, ids))...)
			case model.TypeOfficial:
				out = append(out, nonNil(p.l.Official.prime(p.ctx, ids))...)
			case model.TypeStatement:
				out = append(out, nonNil(p.l.Statement.prime(p.ctx, ids))...)
			}
		}
		return out
	})
}

// entrySources is the relation from timeline entries to the sources their subjects cite.
func entrySources(p *prefetcher, items []*model.TimelineEntry) func() []any {
	byType := map[string][]int64{}
	for _, e := range items {
		typ, id := e.SubjectRef()
		if _, cites := p.l.Citations[typ]; cites {
			byType[typ] = append(byType[typ], id)
		}
	}
	return p.now(func() []any {
		var sources []int64
		for typ, ids := range byType {
			for _, cs := range p.l.Citations[typ].prime(p.ctx, ids) {
				for _, c := range cs {
					sources = append(sources, c.SourceID)
				}
			}
		}
		return nonNil(p.l.Source.prime(p.ctx, sources))
	})
}

func entryID(x *model.TimelineEntry) int64 { return x.ID }

var entryRelations = map[string]relation[model.TimelineEntry]{
	"subject":   entrySubjects,
	"platform":  toOne(func(x *model.TimelineEntry) *int64 { return x.PlatformID }, platformL),
	"countries": toMany(entryID, func(l *Loaders) *batch[int64, []*model.Country] { return l.CountriesByEntry }),
	"topics":    toMany(entryID, func(l *Loaders) *batch[int64, []*model.Topic] { return l.TopicsByEntry }),
	"sources":   entrySources,
}
