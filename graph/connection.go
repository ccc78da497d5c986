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
func pageInfo[T any](c *db.Conn[T]) *PageInfo {
	pi := &PageInfo{HasNextPage: c.HasNextPage, HasPreviousPage: c.HasPreviousPage}
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

// errMissingRelated reports a related record that the foreign keys should have made
// impossible to lose; it shows as INTERNAL.
var errMissingRelated = errors.New("related record missing")

// sessionConnection converts a page of sessions; several fields return one.
func sessionConnection(c *db.Conn[model.Session], err error) (*SessionConnection, error) {
	if err != nil {
		return nil, err
	}
	return &SessionConnection{Nodes: nodes(c), PageInfo: pageInfo(c), TotalCount: c.TotalCount,
		Edges: edges(c, func(cur string, n *model.Session) *SessionEdge { return &SessionEdge{Cursor: cur, Node: n} })}, nil
}
