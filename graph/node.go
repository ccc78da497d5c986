package graph

import (
	"context"
	"strconv"

	"diplomacy-timeline/model"
)

// MaxNodes is the most IDs nodes(ids:) accepts at once.
const MaxNodes = 100

// loadNodes resolves global IDs to records through the loaders, batching by type; an ID
// of a record that does not exist gives nil, a malformed one an EINVALID error.
func (r *Resolver) loadNodes(ctx context.Context, field string, ids []string) ([]model.Node, error) {
	if len(ids) > MaxNodes {
		return nil, model.FieldErrorf(field, "at most %d IDs per request, got %d", MaxNodes, len(ids))
	}
	l := r.loaders(ctx)
	thunks := make([]func() (model.Node, error), len(ids))
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
		thunks[i] = r.subjectThunk(ctx, g.Type, key)
	}
	out := make([]model.Node, len(ids))
	for i, t := range thunks {
		n, err := t()
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// subjectThunk starts loading the record of type typ with the numeric key through the
// loaders and returns a function that waits for it.
func (r *Resolver) subjectThunk(ctx context.Context, typ string, key int64) func() (model.Node, error) {
	l := r.loaders(ctx)
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
	return func() (model.Node, error) { return nil, nil }
}

// loadSubject loads the record a timeline entry comes from.
func (r *Resolver) loadSubject(ctx context.Context, typ string, key int64) (model.TimelineSubject, error) {
	n, err := r.subjectThunk(ctx, typ, key)()
	if err != nil || n == nil {
		return nil, err
	}
	s, _ := n.(model.TimelineSubject)
	return s, nil
}

// node adapts a typed thunk to one answering a Node, with a nil record as a nil Node
// (not a typed nil, which GraphQL would render as an object).
func node[T any, P interface {
	*T
	model.Node
}](thunk func() (*T, error)) func() (model.Node, error) {
	return func() (model.Node, error) {
		v, err := thunk()
		if err != nil || v == nil {
			return nil, err
		}
		return P(v), nil
	}
}
