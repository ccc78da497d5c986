package graph

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"diplomacy-timeline/db"
	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// A relation is a field of an object type that loads other records: Session.topics,
// Participant.official. Each is declared once, as a handle (relations.go) that owns all
// there is to it:
//
//   - how its field loads, through the request's batch loaders: the resolver is one call
//     of the handle's Load;
//   - how the prefetcher (prefetch.go) loads it for a whole level of a page at once,
//     priming those loaders, so that the statements a request runs depend on its shape
//     and not on goroutine timing;
//   - what it costs in the complexity limit: a list limits.ListCost times its element.
//
// TestEveryRelationHasAHandle walks the schema and fails for a resolver-backed field that
// returns records and has no handle (or a reason on its allow-list), so a relation cannot
// silently go back to timing-dependent batching.
type relation interface {
	// owner names the relation's GraphQL type and field.
	owner() (typeName, field string)
	// prefetch loads the relation of items, records of the owner type, priming the
	// request's loaders, and returns the related records, for the level below.
	prefetch(ctx context.Context, l *Loaders, items []any) []any
	// list says whether the field returns a list, which costs more than one record.
	list() bool
}

// relations holds every handle by type and field, and the order of the types, which fixes
// the order the prefetcher loads a level in.
var relations = struct {
	byType map[string]map[string]relation
	types  []string
	goType map[reflect.Type]string // *model.Session → "Session"
}{byType: map[string]map[string]relation{}, goType: map[reflect.Type]string{}}

// declare registers a handle; two handles for one field are a programming error.
func declare[T any, R relation](r R) R {
	typ, field := r.owner()
	if relations.byType[typ] == nil {
		relations.byType[typ] = map[string]relation{}
		relations.types = append(relations.types, typ)
		relations.goType[reflect.TypeFor[*T]()] = typ
	}
	if _, dup := relations.byType[typ][field]; dup {
		panic(fmt.Sprintf("graph: relation %s.%s declared twice", typ, field))
	}
	relations.byType[typ][field] = r
	return r
}

// field names a relation: its GraphQL type and field.
type field struct{ typeName, name string }

func (f field) owner() (string, string) { return f.typeName, f.name }

// toOne is a relation to at most one record, by a key of the owner (nil: no record),
// loaded by the loader of the target type. A required one reports a key that finds no
// record as an internal error: the foreign keys make that impossible.
type toOne[T any, K comparable, V any] struct {
	field
	key      func(*T) *K
	target   func(*Loaders) *batch[K, *V]
	required bool
}

// one declares an optional to-one relation.
func one[T any, K comparable, V any](typeName, name string, key func(*T) *K, target func(*Loaders) *batch[K, *V]) *toOne[T, K, V] {
	return declare[T](&toOne[T, K, V]{field: field{typeName, name}, key: key, target: target})
}

// must declares a to-one relation that always has its record.
func must[T any, K comparable, V any](typeName, name string, key func(*T) K, target func(*Loaders) *batch[K, *V]) *toOne[T, K, V] {
	return declare[T](&toOne[T, K, V]{field: field{typeName, name}, key: func(x *T) *K { k := key(x); return &k }, target: target, required: true})
}

// Load loads the related record of obj.
func (r *toOne[T, K, V]) Load(ctx context.Context, l *Loaders, obj *T) (*V, error) {
	k := r.key(obj)
	if k == nil {
		return nil, nil
	}
	v, err := r.target(l).Load(ctx, *k)
	if err == nil && v == nil && r.required {
		return nil, errMissingRelated
	}
	return v, err
}

func (r *toOne[T, K, V]) list() bool { return false }

func (r *toOne[T, K, V]) prefetch(ctx context.Context, l *Loaders, items []any) []any {
	keys := make([]K, 0, len(items))
	for _, it := range items {
		if k := r.key(it.(*T)); k != nil {
			keys = append(keys, *k)
		}
	}
	return nonNil(r.target(l).prime(ctx, keys))
}

// toMany is a relation to a list of records by the owner's ID, fetched by a store method
// of one statement for any number of owners. Its loader is made per request, on first use.
type toMany[T any, V any] struct {
	field
	key   func(*T) int64
	fetch func(*db.Store) func(context.Context, []int64) (map[int64][]*V, error)
}

// many declares a to-many relation.
func many[T any, V any](typeName, name string, key func(*T) int64, fetch func(*db.Store) func(context.Context, []int64) (map[int64][]*V, error)) *toMany[T, V] {
	return declare[T](&toMany[T, V]{field: field{typeName, name}, key: key, fetch: fetch})
}

// loader returns the request's loader of the relation.
func (r *toMany[T, V]) loader(l *Loaders) *batch[int64, []*V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.lists[r]; ok {
		return b.(*batch[int64, []*V])
	}
	b := newBatch(r.fetch(l.store))
	l.lists[r] = b
	return b
}

// Load loads the related records of obj, never nil.
func (r *toMany[T, V]) Load(ctx context.Context, l *Loaders, obj *T) ([]*V, error) {
	v, err := r.loader(l).Load(ctx, r.key(obj))
	if v == nil && err == nil {
		return []*V{}, nil
	}
	return v, err
}

func (r *toMany[T, V]) list() bool { return true }

func (r *toMany[T, V]) prefetch(ctx context.Context, l *Loaders, items []any) []any {
	keys := make([]int64, len(items))
	for i, it := range items {
		keys[i] = r.key(it.(*T))
	}
	var out []any
	for _, vs := range r.loader(l).prime(ctx, keys) {
		out = append(out, anys(vs)...)
	}
	return out
}

// citations is the relation from a citing record to its citations; its loader is also the
// way to the sources a record cites (citedSources) and a timeline entry's (entrySources).
type citations[T any] struct {
	*toMany[T, model.Citation]
	typ string // the citing record's node type
}

// citationsByType finds the citations relation of a node type, for timeline entries.
var citationsByType = map[string]interface {
	loader(*Loaders) *batch[int64, []*model.Citation]
}{}

func cites[T any](typeName, typ string, key func(*T) int64) citations[T] {
	c := citations[T]{toMany: many(typeName, "citations", key, func(s *db.Store) func(context.Context, []int64) (map[int64][]*model.Citation, error) {
		return func(ctx context.Context, ids []int64) (map[int64][]*model.Citation, error) {
			return s.CitationsBy(ctx, typ, ids)
		}
	}), typ: typ}
	citationsByType[typ] = c.toMany
	return c
}

// citedSources is the relation from a citing record to the sources of its citations, in
// the citations' order.
type citedSources[T any] struct {
	field
	citations citations[T]
}

func sourcesOf[T any](c citations[T]) *citedSources[T] {
	typeName, _ := c.owner()
	return declare[T](&citedSources[T]{field: field{typeName, "sources"}, citations: c})
}

// Load loads the sources obj cites.
func (r *citedSources[T]) Load(ctx context.Context, l *Loaders, obj *T) ([]*model.Source, error) {
	cs, err := r.citations.Load(ctx, l, obj)
	if err != nil {
		return nil, err
	}
	return loadSources(ctx, l, cs)
}

func (r *citedSources[T]) list() bool { return true }

func (r *citedSources[T]) prefetch(ctx context.Context, l *Loaders, items []any) []any {
	keys := make([]int64, len(items))
	for i, it := range items {
		keys[i] = r.citations.key(it.(*T))
	}
	return primeSources(ctx, l, r.citations.loader(l).prime(ctx, keys))
}

// loadSources loads the sources of citations, in their order.
func loadSources(ctx context.Context, l *Loaders, cs []*model.Citation) ([]*model.Source, error) {
	keys := make([]int64, len(cs))
	for i, c := range cs {
		keys[i] = c.SourceID
	}
	srcs, err := l.Source.LoadAll(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Source, 0, len(srcs))
	for _, s := range srcs {
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// primeSources loads the sources of lists of citations in one statement.
func primeSources(ctx context.Context, l *Loaders, lists [][]*model.Citation) []any {
	var sources []int64
	for _, cs := range lists {
		for _, c := range cs {
			sources = append(sources, c.SourceID)
		}
	}
	return nonNil(l.Source.prime(ctx, sources))
}

// embedded is a relation to a value the record holds (a location), which needs no
// loading but leads to records that do (its country).
type embedded[T any, V any] struct {
	field
	value func(*T) *V
}

func embedValue[T any, V any](typeName, name string, value func(*T) *V) *embedded[T, V] {
	return declare[T](&embedded[T, V]{field: field{typeName, name}, value: value})
}

// Load returns obj's value, nil when it has none.
func (r *embedded[T, V]) Load(_ context.Context, _ *Loaders, obj *T) (*V, error) {
	return r.value(obj), nil
}

func (r *embedded[T, V]) list() bool { return false }

func (r *embedded[T, V]) prefetch(_ context.Context, _ *Loaders, items []any) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = r.value(it.(*T))
	}
	return out
}

// custom is a relation whose loading is its own (a timeline entry's subject, of several
// types); Load is the resolver's.
type custom[T any, V any] struct {
	field
	load        func(ctx context.Context, l *Loaders, obj *T) (V, error)
	prefetchAll func(ctx context.Context, l *Loaders, items []*T) []any
	isList      bool
}

func (r *custom[T, V]) Load(ctx context.Context, l *Loaders, obj *T) (V, error) {
	return r.load(ctx, l, obj)
}
func (r *custom[T, V]) list() bool { return r.isList }
func (r *custom[T, V]) prefetch(ctx context.Context, l *Loaders, items []any) []any {
	typed := make([]*T, len(items))
	for i, it := range items {
		typed[i] = it.(*T)
	}
	return r.prefetchAll(ctx, l, typed)
}

// setCosts gives every list relation its cost in the complexity model: 1 + ListCost times
// what is selected in each element. The generated ComplexityRoot has one function field
// per object field, with the field's arguments after the child complexity; each list
// relation's is set here, whatever its arguments.
func setCosts(c *ComplexityRoot) {
	root := reflect.ValueOf(c).Elem()
	for _, typ := range relations.types {
		for name, r := range relations.byType[typ] {
			if !r.list() {
				continue
			}
			f := root.FieldByName(typ).FieldByName(strings.ToUpper(name[:1]) + name[1:])
			if !f.IsValid() || f.Kind() != reflect.Func {
				panic(fmt.Sprintf("graph: relation %s.%s has no complexity function", typ, name))
			}
			f.Set(reflect.MakeFunc(f.Type(), func(args []reflect.Value) []reflect.Value {
				return []reflect.Value{reflect.ValueOf(1 + limits.ListCost*int(args[0].Int()))}
			}))
		}
	}
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

func anys[T any](in []*T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}
