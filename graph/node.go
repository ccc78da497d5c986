package graph

import (
	"context"
	"strconv"

	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// loadNodes resolves global IDs to records through the loaders, batching by type; an ID
// of a record that does not exist gives nil, a malformed one an EINVALID error.
func (r *Resolver) loadNodes(ctx context.Context, field string, ids []string) ([]Node, error) {
	if len(ids) > limits.MaxNodeIDs {
		return nil, model.FieldErrorf(field, "at most %d IDs per request, got %d", limits.MaxNodeIDs, len(ids))
	}
	l := r.loaders(ctx)
	thunks := make([]func() (Node, error), len(ids))
	for i, id := range ids {
		g, err := model.DecodeID(id)
		if err != nil {
			return nil, &model.Error{Code: model.EINVALID, Field: field, Message: err.(*model.Error).Message}
		}
		if g.Type == model.TypeCountry {
			thunks[i] = node(l.Country.LoadThunk(ctx, g.Key))
			continue
		}
		key, _ := strconv.ParseInt(g.Key, 10, 64)
		thunks[i] = l.thunk(ctx, g.Type, key)
	}
	out := make([]Node, len(ids))
	for i, t := range thunks {
		n, err := t()
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// node adapts a typed thunk to one answering a Node, with a nil record as a nil Node
// (not a typed nil, which GraphQL would render as an object).
func node[T any, P interface {
	*T
	Node
}](thunk func() (*T, error)) func() (Node, error) {
	return func() (Node, error) {
		v, err := thunk()
		if err != nil || v == nil {
			return nil, err
		}
		return P(v), nil
	}
}
