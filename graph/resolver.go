// Package graph is the GraphQL layer: the schema, thin resolvers that call db.Store,
// per-request dataloaders, the relations and the GraphQL extensions (limits, auth,
// errors). The HTTP surface that serves it is package httpapi.
package graph

import (
	"context"

	"diplomacy-timeline/db"
)

// Resolver is the root resolver; it holds the dependencies every resolver needs.
type Resolver struct {
	Store *db.Store
}

func (r *Resolver) loaders(ctx context.Context) *Loaders { return For(ctx, r.Store) }
