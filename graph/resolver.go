// Package graph is the GraphQL layer: the schema, thin resolvers that call db.Store,
// per-request dataloaders and the HTTP/GraphQL middleware.
package graph

//go:generate go tool gqlgen generate --config ../gqlgen.yml

import "diplomacy-timeline/db"

// Resolver is the root resolver; it holds the dependencies every resolver needs.
type Resolver struct {
	Store *db.Store
}
