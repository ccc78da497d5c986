package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"

	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// page builds a pagination request from connection arguments; it asks the store for a
// count only when the client selected totalCount.
func page(ctx context.Context, first *int, after *string, last *int, before *string) db.Page {
	p := db.Page{First: first, After: after, Last: last, Before: before}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
			if f.Name == "totalCount" {
				p.Count = true
			}
		}
	}
	return p
}

// pageInfo returns the Relay page info of a page.
func pageInfo[T any](c *db.Conn[T]) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: c.HasNextPage, HasPreviousPage: c.HasPreviousPage}
	if n := len(c.Cursors); n > 0 {
		pi.StartCursor, pi.EndCursor = &c.Cursors[0], &c.Cursors[n-1]
	}
	return pi
}

// edges returns the edges of a page, made by mk.
func edges[T, E any](c *db.Conn[T], mk func(cursor string, node *T) *E) []*E {
	out := make([]*E, len(c.Items))
	for i, n := range c.Items {
		out[i] = mk(c.Cursors[i], n)
	}
	return out
}

// nodes returns the items of a page, never nil.
func nodes[T any](c *db.Conn[T]) []*T {
	if c.Items == nil {
		return []*T{}
	}
	return c.Items
}

// orNull turns "not found" into a null result, as lookups by slug answer.
func orNull[T any](v *T, err error) (*T, error) {
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, nil
	}
	return v, err
}

// one loads a single related record by an optional key; nil key, nil record.
func one[K comparable, V any](ctx context.Context, load func(context.Context, K) (V, error), key *K) (V, error) {
	if key == nil {
		var zero V
		return zero, nil
	}
	return load(ctx, *key)
}

// errMissingRelated reports a related record that the foreign keys should have made
// impossible to lose; it shows as INTERNAL.
var errMissingRelated = errors.New("related record missing")

// must loads a related record that has to exist.
func must[K comparable, V any](ctx context.Context, load func(context.Context, K) (*V, error), key K) (*V, error) {
	v, err := load(ctx, key)
	if err == nil && v == nil {
		return nil, errMissingRelated
	}
	return v, err
}

// list returns a loaded list, never nil.
func list[V any](v []*V, err error) ([]*V, error) {
	if v == nil && err == nil {
		return []*V{}, nil
	}
	return v, err
}

// sourcesOf returns the sources of a record's citations.
func sourcesOf(ctx context.Context, r *Resolver, typ string, id int64) ([]*model.Source, error) {
	cites, err := r.loaders(ctx).Citations[typ].Load(ctx, id)
	if err != nil {
		return nil, err
	}
	keys := make([]int64, len(cites))
	for i, c := range cites {
		keys[i] = c.SourceID
	}
	srcs, err := r.loaders(ctx).Source.LoadAll(ctx, keys)
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

// citationsOf returns a record's citations.
func citationsOf(ctx context.Context, r *Resolver, typ string, id int64) ([]*model.Citation, error) {
	return list(r.loaders(ctx).Citations[typ].Load(ctx, id))
}

// sessionConnection converts a page of sessions; several fields return one.
func sessionConnection(c *db.Conn[model.Session], err error) (*model.SessionConnection, error) {
	if err != nil {
		return nil, err
	}
	return &model.SessionConnection{Nodes: nodes(c), PageInfo: pageInfo(c), TotalCount: c.TotalCount,
		Edges: edges(c, func(cur string, n *model.Session) *model.SessionEdge { return &model.SessionEdge{Cursor: cur, Node: n} })}, nil
}
