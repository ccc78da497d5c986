package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// Loaders batch the relations of a request: every field that fetches a related record
// goes through one of these, so a page of 100 sessions costs one statement per relation,
// not one per session. They are made per request (so their caches never serve another
// request's or a stale write's data) and reached with For(ctx).
type Loaders struct {
	Country    *dataloadgen.Loader[string, *model.Country]
	Platform   *dataloadgen.Loader[int64, *model.Platform]
	Session    *dataloadgen.Loader[int64, *model.Session]
	Official   *dataloadgen.Loader[int64, *model.Official]
	Initiative *dataloadgen.Loader[int64, *model.Initiative]
	Statement  *dataloadgen.Loader[int64, *model.Statement]
	Topic      *dataloadgen.Loader[int64, *model.Topic]
	Source     *dataloadgen.Loader[int64, *model.Source]
	Entry      *dataloadgen.Loader[int64, *model.TimelineEntry]

	MembersByPlatform         *dataloadgen.Loader[int64, []*model.PlatformMember]
	InitiativesByPlatform     *dataloadgen.Loader[int64, []*model.Initiative]
	ChildrenBySession         *dataloadgen.Loader[int64, []*model.Session]
	ParticipantsBySession     *dataloadgen.Loader[int64, []*model.Participant]
	SubjectCountriesBySession *dataloadgen.Loader[int64, []*model.Country]
	TopicsBySession           *dataloadgen.Loader[int64, []*model.Topic]
	StatementsBySession       *dataloadgen.Loader[int64, []*model.Statement]
	InitiativesBySession      *dataloadgen.Loader[int64, []*model.Initiative]
	PositionsByOfficial       *dataloadgen.Loader[int64, []*model.Position]
	StatementsByOfficial      *dataloadgen.Loader[int64, []*model.Statement]
	InitiativesByProposer     *dataloadgen.Loader[int64, []*model.Initiative]
	StatusHistoryByInitiative *dataloadgen.Loader[int64, []*model.InitiativeStatusChange]
	SessionsByInitiative      *dataloadgen.Loader[int64, []*model.Session]
	TopicsByInitiative        *dataloadgen.Loader[int64, []*model.Topic]
	CountriesByEntry          *dataloadgen.Loader[int64, []*model.Country]
	TopicsByEntry             *dataloadgen.Loader[int64, []*model.Topic]
	Citations                 map[string]*dataloadgen.Loader[int64, []*model.Citation]
}

// NewLoaders returns a fresh set of loaders over the store.
func NewLoaders(s *db.Store) *Loaders {
	citations := make(map[string]*dataloadgen.Loader[int64, []*model.Citation])
	for _, typ := range []string{model.TypePlatform, model.TypeSession, model.TypeInitiative, model.TypeStatement} {
		citations[typ] = loader(func(ctx context.Context, ids []int64) (map[int64][]*model.Citation, error) {
			return s.CitationsBy(ctx, typ, ids)
		})
	}
	return &Loaders{
		Country:    loader(s.CountriesByCodes),
		Platform:   loader(s.PlatformsByIDs),
		Session:    loader(s.SessionsByIDs),
		Official:   loader(s.OfficialsByIDs),
		Initiative: loader(s.InitiativesByIDs),
		Statement:  loader(s.StatementsByIDs),
		Topic:      loader(s.TopicsByIDs),
		Source:     loader(s.SourcesByIDs),
		Entry:      loader(s.TimelineEntriesByIDs),

		MembersByPlatform:         loader(s.MembersByPlatform),
		InitiativesByPlatform:     loader(s.InitiativesByPlatform),
		ChildrenBySession:         loader(s.ChildrenBySession),
		ParticipantsBySession:     loader(s.ParticipantsBySession),
		SubjectCountriesBySession: loader(s.SubjectCountriesBySession),
		TopicsBySession:           loader(s.TopicsBySession),
		StatementsBySession:       loader(s.StatementsBySession),
		InitiativesBySession:      loader(s.InitiativesBySession),
		PositionsByOfficial:       loader(s.PositionsByOfficial),
		StatementsByOfficial:      loader(s.StatementsByOfficial),
		InitiativesByProposer:     loader(s.InitiativesByProposer),
		StatusHistoryByInitiative: loader(s.StatusHistoryByInitiative),
		SessionsByInitiative:      loader(s.SessionsByInitiative),
		TopicsByInitiative:        loader(s.TopicsByInitiative),
		CountriesByEntry:          loader(s.CountriesByEntry),
		TopicsByEntry:             loader(s.TopicsByEntry),
		Citations:                 citations,
	}
}

// loader makes a batching loader from a store method that answers a map; a key missing
// from the map loads as the zero value (nil, or no children), not as an error.
func loader[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) *dataloadgen.Loader[K, V] {
	return dataloadgen.NewLoader(func(ctx context.Context, keys []K) ([]V, []error) {
		m, err := fetch(ctx, keys)
		values := make([]V, len(keys))
		var errs []error
		if err != nil {
			errs = make([]error, len(keys))
			for i := range errs {
				errs[i] = err
			}
			return values, errs
		}
		for i, k := range keys {
			values[i] = m[k]
		}
		return values, nil
	}, dataloadgen.WithWait(batchWait), dataloadgen.WithBatchCapacity(10000))
}

// batchWait is how long a loader gathers keys. The prefetcher queues every key of a level
// at once (prefetch.go), so a batch needs only a moment; a longer wait would be paid once
// per level of every request.
const batchWait = 200 * time.Microsecond

type loadersKey struct{}

// WithLoaders is middleware that gives each request its own loaders.
func WithLoaders(s *db.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loadersKey{}, NewLoaders(s))))
	})
}

// freshLoadersPerEvent gives each event of a subscription its own loaders: a subscription
// lives for hours, and records loaded for one event must not be served stale to the next.
func freshLoadersPerEvent(s *db.Store) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
			ctx = context.WithValue(ctx, loadersKey{}, NewLoaders(s))
		}
		return next(ctx)
	}
}

// For returns the request's loaders. Outside a request (a test calling a resolver
// directly) it returns fresh ones, so callers never see nil.
func For(ctx context.Context, s *db.Store) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	return NewLoaders(s)
}
