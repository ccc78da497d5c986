package graph

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// Loaders batch the loads of a request: every field that fetches a related record goes
// through one, so a page of 100 sessions costs one statement per relation, not one per
// session. They are made per request (so their caches never serve another request's or
// a stale write's data) and reached with For(ctx). The loaders of records by key are
// fields; those of the to-many relations are made on first use by their handles
// (relation.go).
type Loaders struct {
	Country    *batch[string, *model.Country]
	Platform   *batch[int64, *model.Platform]
	Session    *batch[int64, *model.Session]
	Official   *batch[int64, *model.Official]
	Initiative *batch[int64, *model.Initiative]
	Statement  *batch[int64, *model.Statement]
	Topic      *batch[int64, *model.Topic]
	Source     *batch[int64, *model.Source]
	Entry      *batch[int64, *model.TimelineEntry]

	store *db.Store
	mu    sync.Mutex
	lists map[relation]any // *batch[int64, []*V] by to-many relation
}

// NewLoaders returns a fresh set of loaders over the store.
func NewLoaders(s *db.Store) *Loaders {
	return &Loaders{
		Country:    newBatch(s.CountriesByCodes),
		Platform:   newBatch(s.PlatformsByIDs),
		Session:    newBatch(s.SessionsByIDs),
		Official:   newBatch(s.OfficialsByIDs),
		Initiative: newBatch(s.InitiativesByIDs),
		Statement:  newBatch(s.StatementsByIDs),
		Topic:      newBatch(s.TopicsByIDs),
		Source:     newBatch(s.SourcesByIDs),
		Entry:      newBatch(s.TimelineEntriesByIDs),
		store:      s,
		lists:      map[relation]any{},
	}
}

// thunk starts loading the record of node type typ with the numeric key and returns a
// function that waits for it; nil for a type without numeric keys.
func (l *Loaders) thunk(ctx context.Context, typ string, key int64) func() (Node, error) {
	switch typ {
	case model.TypePlatform:
		return node(l.Platform.LoadThunk(ctx, key))
	case model.TypeSession:
		return node(l.Session.LoadThunk(ctx, key))
	case model.TypeOfficial:
		return node(l.Official.LoadThunk(ctx, key))
	case model.TypeInitiative:
		return node(l.Initiative.LoadThunk(ctx, key))
	case model.TypeStatement:
		return node(l.Statement.LoadThunk(ctx, key))
	case model.TypeTopic:
		return node(l.Topic.LoadThunk(ctx, key))
	case model.TypeSource:
		return node(l.Source.LoadThunk(ctx, key))
	case model.TypeTimelineEntry:
		return node(l.Entry.LoadThunk(ctx, key))
	}
	return func() (Node, error) { return nil, nil }
}

// batch is a loader with the fetch function behind it, so that the prefetcher can load a
// whole level in one statement, synchronously, and prime the loader with the results: the
// resolvers that follow find everything in its cache, however the scheduler orders them.
type batch[K comparable, V any] struct {
	*dataloadgen.Loader[K, V]
	fetch func(context.Context, []K) (map[K]V, error)

	mu     sync.Mutex
	primed map[K]V
}

func newBatch[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) *batch[K, V] {
	return &batch[K, V]{Loader: loader(fetch), fetch: fetch, primed: map[K]V{}}
}

// prime loads the keys not loaded by an earlier prime in one statement, primes the loader
// with them (a missing key as the zero value, as Load answers it) and returns the values
// of all the keys. On error it returns nothing: the resolvers' own loads report it.
func (b *batch[K, V]) prime(ctx context.Context, keys []K) []V {
	// One prime at a time per batch, so that two relations needing the same records
	// (a session's sources and its citations) load them once, whichever runs first.
	b.mu.Lock()
	defer b.mu.Unlock()
	var missing []K
	seen := make(map[K]bool, len(keys))
	for _, k := range keys {
		if _, done := b.primed[k]; !done && !seen[k] {
			seen[k] = true
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		m, err := b.fetch(ctx, missing)
		if err != nil {
			return nil
		}
		for _, k := range missing {
			b.primed[k] = m[k]
			b.Prime(k, m[k])
		}
	}
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		out = append(out, b.primed[k])
	}
	return out
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
