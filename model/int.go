package model

import (
	"math"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalInt writes a GraphQL Int.
func MarshalInt(i int) graphql.Marshaler { return graphql.MarshalInt(i) }

// UnmarshalInt reads a GraphQL Int, which the specification bounds to 32 bits: a larger
// value is an error, not a silent wrap-around.
func UnmarshalInt(v any) (int, error) {
	n, err := graphql.UnmarshalInt64(v)
	if err != nil {
		return 0, Errorf(EINVALID, "not an Int: %s", truncate(err.Error(), 80))
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, Errorf(EINVALID, "%d is outside the 32-bit range of Int", n)
	}
	return int(n), nil
}
