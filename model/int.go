package model

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalInt writes a GraphQL Int.
func MarshalInt(i int) graphql.Marshaler { return graphql.MarshalInt(i) }

// UnmarshalInt reads a GraphQL Int, which the specification bounds to 32 bits: a larger
// value is an error, not a silent wrap-around. As the specification asks, only an integer
// is an Int: not a string of digits, not a fraction.
func UnmarshalInt(v any) (int, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			n = i
			break
		}
		f, _ := x.Float64() // 12.0 or 1e2 are whole; ±Inf when beyond float64
		return UnmarshalInt(f)
	case float64:
		if x != math.Trunc(x) {
			return 0, Errorf(EINVALID, "%v is not an Int: an Int is a whole number", x)
		}
		if math.Abs(x) > math.MaxInt32 {
			return 0, Errorf(EINVALID, "%v is outside the 32-bit range of Int", x)
		}
		n = int64(x)
	default:
		return 0, Errorf(EINVALID, "an Int must be a whole number, got %s", jsonKind(v))
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, Errorf(EINVALID, "%d is outside the 32-bit range of Int", n)
	}
	return int(n), nil
}
