package graph

import (
	"context"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Prefetching makes batching independent of timing. A dataloader batches the keys that
// arrive within its wait window, but resolvers of a large page run in many goroutines and
// on a busy machine some arrive late and start a second batch. So, when a root field has
// resolved, prefetch walks the selection set the client sent and loads every relation it
// names level by level — one batch per relation per level, all keys of a level queued at
// once — priming the request's loaders. The field resolvers then find everything in the
// loaders' caches, and the SQL statements of a request depend on its shape, not on its
// page size. What a relation loads is its handle's (relations.go); nested connections (a
// platform's sessions) are paginated per parent and not prefetched.

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

// walk prefetches the selection below values, which may be records, lists of records or
// connections of any type. Every relation of a level loads in a fixed order — by the
// order the types' relations are declared in, then the order of the query's fields — so
// which statements run depends on the query and the data alone: a relation that needs
// records an earlier one loaded finds them primed. Then it goes a level down.
func (p *prefetcher) walk(values []any, sel ast.SelectionSet) {
	byType := map[string][]any{}
	for i := 0; i < len(values); i++ {
		v := values[i]
		if isNil(v) {
			continue
		}
		if typ, ok := relations.goType[reflect.TypeOf(v)]; ok {
			byType[typ] = append(byType[typ], v)
			continue
		}
		switch x := v.(type) {
		case []Node:
			for _, n := range x {
				values = append(values, n)
			}
		default:
			p.connection(v, sel)
		}
	}
	type below struct {
		values []any
		sel    ast.SelectionSet
	}
	var next []below
	for _, typ := range relations.types {
		items := byType[typ]
		if len(items) == 0 {
			continue
		}
		for _, f := range graphql.CollectFields(p.oc, sel, []string{typ, "Node", "TimelineSubject", "SearchResult"}) {
			if r, ok := relations.byType[typ][f.Name]; ok {
				next = append(next, below{r.prefetch(p.ctx, p.l, items), f.Selections})
			}
		}
	}
	for _, b := range next {
		p.walk(b.values, b.sel)
	}
}

// connection prefetches below the nodes of a connection (any *XConnection with Nodes),
// reached by nodes or edges.node.
func (p *prefetcher) connection(v any, sel ast.SelectionSet) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return
	}
	name, ok := strings.CutSuffix(rv.Elem().Type().Name(), "Connection")
	nodes := rv.Elem().FieldByName("Nodes")
	if !ok || !nodes.IsValid() || nodes.Kind() != reflect.Slice || nodes.Len() == 0 {
		return
	}
	items := make([]any, nodes.Len())
	for i := range items {
		items[i] = nodes.Index(i).Interface()
	}
	for _, f := range graphql.CollectFields(p.oc, sel, []string{name + "Connection"}) {
		switch f.Name {
		case "nodes":
			p.walk(items, f.Selections)
		case "edges":
			for _, e := range graphql.CollectFields(p.oc, f.Selections, []string{name + "Edge"}) {
				if e.Name == "node" {
					p.walk(items, e.Selections)
				}
			}
		}
	}
}

// isNil reports whether v is nil or a nil pointer (a lookup that found nothing).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) && rv.IsNil()
}
